/**
 * Stopping one bot's trading: what shutdown and archiving do per bot (grid: cancel every order, keep the
 * position; spread with closeOnShutdown: closing cycles first, retried until shutdownTimeoutSec).
 */
import type { Logger } from '../log/logger.ts';
import type { Bot, Db } from '../store/index.ts';
import type { BotSession } from './bot-session.ts';

/** Archiving a bot that cannot be stopped cleanly from here (a 409 for the API). */
export class ArchiveRefused extends Error {
  override name = 'ArchiveRefused';
}

/**
 * Whether archiving `bot`, which this runner does not drive, must open it first: the database records orders of
 * it as open, so they are to be cancelled. ArchiveRefused when they rest on the venue of another mode.
 */
export async function mustOpenToArchive(db: Db, bot: Bot, mode: 'paper' | 'live'): Promise<boolean> {
  const open = await db.query("select 1 from orders where bot_id = $1 and status = 'open' limit 1", [bot.id]);
  if (open.length === 0) return false;
  if (bot.mode !== mode) {
    throw new ArchiveRefused(
      `bot "${bot.id}" has open orders on its ${bot.mode} venue; archive it from a ${bot.mode} runner, which cancels them first`,
    );
  }
  return true;
}

/** What a bot still held when its shutdown ended. */
export interface ShutdownOutcome {
  botId: string;
  /** True when the bot was to close its positions (spread with closeOnShutdown). */
  closing: boolean;
  /** Positions left open: market symbol (or index) and signed base. */
  open: { market: string; base: number }[];
  /** The shutdown step failed with this error. */
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Grid: cancel every order, leave the position. Spread (closeOnShutdown): cycles that close the legs with
 * reduce-only takers whatever the verdict, retried (1 s, doubling to 5 s) until everything is closed or
 * shutdownTimeoutSec has passed; then cancel what is left and say honestly what stays open.
 */
export async function shutdownSession(
  s: BotSession,
  clock: () => number,
  sleepMs: (ms: number) => Promise<void> = sleep,
): Promise<ShutdownOutcome> {
  const closing = s.engine.shutdownMode === 'close';
  const cid = `${s.name}-shutdown`;
  let attempts = 0;
  if (closing) {
    s.engine.requestShutdown();
    const timeoutSec = s.config.strategy === 'spread' ? s.config.spread.shutdownTimeoutSec : 60;
    const until = Date.now() + timeoutSec * 1000;
    for (let wait = 1000; ; wait = Math.min(wait * 2, 5000)) {
      attempts++;
      const d = await s.cycle(clock(), 'shutdown').catch((err: unknown) => {
        s.log.error('POSITION', `shutdown close attempt ${attempts} failed: ${String(err)}`);
        return undefined;
      });
      if (d?.shutdownComplete) break;
      // Closed by this attempt: done (the next cycle would only confirm it).
      if ((await s.readAccount().catch(() => undefined))?.positions.every((p) => p.base === 0n)) break;
      // Without the lease no close can go out from here: retrying until the deadline would only wait.
      if (!s.leaseHeld()) break;
      const left = until - Date.now();
      if (left <= 0) break;
      await sleepMs(Math.min(wait, left)); // the last attempt comes at the deadline
    }
  }
  const account = await s.readAccount();
  if (account.openOrders.length > 0) await s.send(clock(), [{ kind: 'cancelAll' }], cid);
  await s.readAccount();
  const symbol = (i: number) => s.engine.markets.find((m) => m.marketIndex === i)?.symbol ?? `perp-${i}`;
  const open = (s.account?.positions ?? [])
    .filter((p) => p.base !== 0n)
    .map((p) => ({ market: symbol(p.marketIndex), base: Number(p.base) / 1e9 }));
  const named = open.map((p) => `${p.market} ${p.base > 0 ? '+' : ''}${p.base}`).join(', ');
  const message = !closing
    ? s.engine.strategy === 'spread'
      ? `stopped: closeOnShutdown is off, ${open.length} position(s) left open${named ? `: ${named}` : ''}`
      : 'stopped: orders cancelled, position left'
    : open.length === 0
      ? 'stopped: positions closed'
      : `stopped: ${open.length} position(s) still open after ${attempts} closing attempt(s): ${named} (${
          s.leaseHeld()
            ? `last verdict ${s.engine.lastVerdict()?.kind ?? 'none'}`
            : 'the lease was lost: this runner may not send orders for the bot'
        })`;
  s.event(closing && open.length > 0 ? 'error' : 'info', 'stopped', message, {
    openOrders: s.account?.openOrders.length ?? 0,
    positions: open.length,
  });
  return { botId: s.id, closing, open: closing ? open : [] };
}

/**
 * The runner's stop of one bot: marked 'stopping', then shutdownSession; a step that throws is logged (`log`: the
 * runner's) and reported in the outcome, not thrown, so the other bots still stop.
 */
export async function stopTrading(s: BotSession, clock: () => number, log: Logger): Promise<ShutdownOutcome> {
  s.status = 'stopping';
  try {
    return await shutdownSession(s, clock);
  } catch (err) {
    log.error('SYSTEM', `bot ${s.id}: shutdown step failed`, { error: String(err) });
    return { botId: s.id, closing: s.engine.shutdownMode === 'close', open: [], error: String(err) };
  }
}
