/**
 * Opening a bot for the runner: its lease first (no two runners drive one bot), then its driver, then what the
 * bot keeps across a restart put back (the operator's switches, a spread bot's EMERGENCY, `auto` sizes fixed in
 * an objective version). Start-up and recovery are this one path (crash-only, see reconcile.ts).
 */
import type { ManualControls } from '../engine/manual-controls.ts';
import type { Logger } from '../log/logger.ts';
import type { MarketDataHub } from '../marketdata/market-data-hub.ts';
import { type Db, LeaseKeeper } from '../store/index.ts';
import type { BotDriver, OpenBot } from './bot-driver.ts';
import { loadBotRecord, type RunnerBotRecord } from './bot-records.ts';
import type { BotSession } from './bot-session.ts';
import type { RunnerMetrics } from './metrics.ts';
import { fixAutoSizes } from './objective-edits.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface OpenSettings {
  db: Db;
  openBot: OpenBot;
  metrics: RunnerMetrics;
  /** The bot's own logger. */
  log: Logger;
  marketData: MarketDataHub;
  /** This runner's lease owner name. */
  owner: string;
  leaseTtlMs: number;
  /** Wait while another runner holds the lease (false: throw at once). */
  wait: boolean;
}

/** A bot the runner drives: its driver and the lease that lets it send orders. */
export interface OpenedBot {
  driver: BotDriver;
  lease: LeaseKeeper;
}

/**
 * PGlite is single-process (a lock file guards its folder), so a lease still held in it belongs to a runner that
 * died: hand it over at once instead of waiting out its ttl. Bots that runner left marked running but this one
 * does not open (`open`) are stopped.
 */
export async function takeOverDeadRunner(
  db: Db,
  mode: 'paper' | 'live',
  open: readonly string[],
): Promise<void> {
  if (db.engine !== 'pglite') return;
  await db.query("update leases set expires_at = now() - interval '1 millisecond' where expires_at >= now()");
  await db.query(
    `update bots set status = 'stopped', updated_at = now()
     where mode = $1 and status in ('starting', 'running', 'paused', 'stopping', 'error') and not (id = any($2))`,
    [mode, [...open]],
  );
}

/** Takes bot `id`'s lease, opens its driver and restores what it keeps across a restart. */
export async function openDriver(id: string, o: OpenSettings): Promise<OpenedBot> {
  const record = await loadBotRecord(o.db, id);
  if (!record) throw new Error(`bot ${id} has no runner record`);
  const lease = await acquireLease(id, o);
  let driver: BotDriver;
  try {
    driver = await o.openBot(record, {
      db: o.db,
      leaseHeld: () => lease.isHeld(),
      metrics: o.metrics,
      log: o.log,
      marketData: o.marketData,
    });
  } catch (err) {
    await lease.release();
    throw err;
  }
  const opened = { driver, lease };
  try {
    await restoreSession(o.db, record, driver.session);
  } catch (err) {
    await abandonOpened(opened, o.log);
    throw err;
  }
  return opened;
}

/**
 * Lets go of a bot whose opening failed after its driver opened (a database write that failed, say): the driver
 * closed and the lease released, so neither keeps running for a bot the runner does not drive — a kept lease
 * renews itself and would bar every runner, this one's next attempt included, from the bot. Failures here are
 * logged, not thrown: the caller rethrows the error that stopped the opening, which is the one to act on.
 */
export async function abandonOpened(opened: OpenedBot, log: Logger): Promise<void> {
  await opened.driver.close().catch((err: unknown) => {
    log.warn('SYSTEM', `closing the bot after a failed start: ${(err as Error).message}`);
  });
  await opened.lease.release().catch((err: unknown) => {
    log.warn('SYSTEM', `releasing the bot's lease after a failed start: ${(err as Error).message}`);
  });
}

async function acquireLease(id: string, o: OpenSettings): Promise<LeaseKeeper> {
  const lease = new LeaseKeeper({
    db: o.db,
    botId: id,
    owner: o.owner,
    ttlMs: o.leaseTtlMs,
    onLost: (reason) => {
      o.metrics.leaseLost.inc({ bot: id });
      o.log.error('SYSTEM', `lease lost (${reason}): no more orders from this runner for the bot`);
    },
  });
  for (let attempt = 0; !(await lease.acquire()); attempt++) {
    if (!o.wait) throw new Error(`bot ${id}: another runner holds its lease`);
    if (attempt === 0) o.log.warn('SYSTEM', 'waiting for the bot lease (another runner holds it)');
    if (attempt > 40) throw new Error(`bot ${id}: another runner holds its lease`);
    await sleep(o.leaseTtlMs / 3);
  }
  return lease;
}

/** The operator's switches, `auto` sizes fixed, a spread bot's health (EMERGENCY survives a restart). */
async function restoreSession(db: Db, record: RunnerBotRecord, session: BotSession): Promise<void> {
  for (const k of Object.keys(record.manual) as (keyof ManualControls)[]) {
    session.engine.manual[k] = record.manual[k];
  }
  await fixAutoSizes(db, record.raw, session, 'opened');
  const spread = session.engine.spread;
  if (!spread) return;
  // EMERGENCY survives a restart: the bot stays flat until an operator resets it.
  if (record.health?.status === 'EMERGENCY') {
    spread.restoreHealth(record.health);
    session.event(
      'error',
      'health',
      `restarted in EMERGENCY (${record.health.reason}): reset to trade again`,
      {
        status: 'EMERGENCY',
      },
    );
  }
  spread.onHealthChange = (h) => session.recordHealth(h);
}
