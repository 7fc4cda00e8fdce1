/**
 * The runner process: one loop drives many bots. Each iteration (a tick) asks every bot's driver to advance
 * (market data in, due decisions out), then commits everything the tick produced in one transaction. Leases
 * guard each bot; operator commands (API) set switches that the next tick acts on. Stop = stop deciding, then
 * per bot cancel orders (grid) or close positions (spread, closeOnShutdown), commit, release leases.
 *
 * Start-up and recovery are one path (crash-only): a bot is always opened by rebuilding it from the venue and
 * its persisted objective (see reconcile.ts), whether the last run ended cleanly or not.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseBotConfig } from '../config/bot-config.ts';
import { ConfigError } from '../config/config-error.ts';
import type { ManualControls } from '../engine/manual-controls.ts';
import type { Logger } from '../log/logger.ts';
import { type Db, LeaseKeeper, saveObjective, setBotStatus } from '../store/index.ts';
import {
  loadBotRecord,
  objectiveOf,
  type RunnerBotRecord,
  registerBot,
  runnableBotIds,
  saveManual,
  withResolvedSizes,
} from './bot-records.ts';
import type { BotSession } from './bot-session.ts';
import type { RunnerMetrics } from './metrics.ts';
import { flushWrites, type PaperVenueRow } from './persist.ts';

export interface BotDriver {
  readonly session: BotSession;
  /** Advance to wall time `now` (ms): feed market data, run the cycles that are due. */
  tick(now: number): Promise<void>;
  /** Paper mode: the venue's durable row, committed with the tick's writes. */
  durable(): PaperVenueRow | undefined;
  /** Decide at the next tick even if nothing is due (an operator command). */
  requestDecision(reason: string): void;
  /** The bot's clock (paper replay: the data's time; live: wall time). */
  clock(): number;
  close(): Promise<void>;
}

export interface OpenBotContext {
  db: Db;
  leaseHeld: () => boolean;
  metrics: RunnerMetrics;
  log: Logger;
}

export type OpenBot = (record: RunnerBotRecord, ctx: OpenBotContext) => Promise<BotDriver>;

/** A health reset asked of a bot that has none (a grid bot). */
export class HealthResetError extends Error {
  override name = 'HealthResetError';
}

export interface RunnerOptions {
  db: Db;
  mode: 'paper' | 'live';
  openBot: OpenBot;
  metrics: RunnerMetrics;
  /** A logger per bot (bot id in every line) and one for the runner. */
  logger: (botId: string) => Logger;
  tickMs?: number;
  leaseTtlMs?: number;
  owner?: string;
}

export type RunnerEvent =
  | { kind: 'bot'; botId: string }
  | { kind: 'fill'; botId: string; data: unknown }
  | { kind: 'verdict'; botId: string; data: unknown }
  | { kind: 'status'; botId: string };

interface Entry {
  driver: BotDriver;
  lease: LeaseKeeper;
}

export class Runner {
  readonly db: Db;
  readonly mode: 'paper' | 'live';
  readonly metrics: RunnerMetrics;
  readonly owner: string;
  readonly #o: RunnerOptions;
  readonly #bots = new Map<string, Entry>();
  readonly #listeners = new Set<(e: RunnerEvent) => void>();
  readonly #log: Logger;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #ticks = 0;

  constructor(o: RunnerOptions) {
    this.#o = o;
    this.db = o.db;
    this.mode = o.mode;
    this.metrics = o.metrics;
    this.owner = o.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#log = o.logger('runner');
    o.metrics.gauge('zp_bots', 'Bots driven by this runner.', () => this.#bots.size);
    o.metrics.gauge('zp_ticks_total', 'Runner loop iterations.', () => this.#ticks);
  }

  get ticks(): number {
    return this.#ticks;
  }

  sessions(): BotSession[] {
    return [...this.#bots.values()].map((e) => e.driver.session);
  }

  session(id: string): BotSession | undefined {
    return this.#bots.get(id)?.driver.session;
  }

  driver(id: string): BotDriver | undefined {
    return this.#bots.get(id)?.driver;
  }

  subscribe(listener: (e: RunnerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: RunnerEvent): void {
    for (const l of this.#listeners) l(e);
  }

  /** Opens every bot of this mode found in the database. */
  async openAll(): Promise<void> {
    // PGlite is single-process (a lock file guards its folder), so a lease still held in it belongs to a
    // runner that died: hand it over at once instead of waiting out its ttl.
    if (this.db.engine === 'pglite') {
      await this.db.query(
        "update leases set expires_at = now() - interval '1 millisecond' where expires_at >= now()",
      );
    }
    for (const id of await runnableBotIds(this.db, this.mode)) await this.openBot(id);
  }

  /** Registers bots from config files unless a bot of that name exists (its stored objective then wins). */
  async ensureBots(configs: { raw: Record<string, unknown>; source: string }[]): Promise<void> {
    for (const c of configs) {
      const config = parseBotConfig(c.raw, c.source);
      const exists = await this.db.query<{ mode: string }>('select mode from bots where id = $1', [
        config.name,
      ]);
      if (exists[0]) {
        if (exists[0].mode !== this.mode) {
          throw new ConfigError(c.source, [
            `name: bot "${config.name}" exists in ${exists[0].mode} mode; pick another name for ${this.mode}`,
          ]);
        }
        continue;
      }
      await registerBot(this.db, c.raw, this.mode, c.source);
    }
  }

  async openBot(id: string): Promise<BotSession> {
    const record = await loadBotRecord(this.db, id);
    if (!record) throw new Error(`bot ${id} has no runner record`);
    const log = this.#o.logger(id);
    const ttl = this.#o.leaseTtlMs ?? 15_000;
    let driver: BotDriver | undefined;
    const lease = new LeaseKeeper({
      db: this.db,
      botId: id,
      owner: this.owner,
      ttlMs: ttl,
      onLost: (reason) => {
        this.metrics.leaseLost.inc({ bot: id });
        log.error('SYSTEM', `lease lost (${reason}): no more orders from this runner for the bot`);
      },
    });
    for (let attempt = 0; !(await lease.acquire()); attempt++) {
      if (attempt === 0) log.warn('SYSTEM', 'waiting for the bot lease (another runner holds it)');
      if (attempt > 40) throw new Error(`bot ${id}: another runner holds its lease`);
      await sleep(ttl / 3);
    }
    try {
      driver = await this.#o.openBot(record, {
        db: this.db,
        leaseHeld: () => lease.isHeld(),
        metrics: this.metrics,
        log,
      });
    } catch (err) {
      await lease.release();
      throw err;
    }
    const session = driver.session;
    for (const k of Object.keys(record.manual) as (keyof ManualControls)[]) {
      session.engine.manual[k] = record.manual[k];
    }
    await this.#fixAutoSizes(record.raw, session, 'opened');
    const spread = session.engine.spread;
    if (spread) {
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
    session.onChange = (kind, data) =>
      this.#emit(kind === 'bot' ? { kind, botId: id } : { kind, botId: id, data });
    session.status = 'running';
    await setBotStatus(this.db, id, 'running');
    this.#bots.set(id, { driver, lease });
    this.#emit({ kind: 'status', botId: id });
    return session;
  }

  /** `auto` spread sizes were just resolved by the engine: fix them in a new objective version. */
  async #fixAutoSizes(raw: Record<string, unknown>, session: BotSession, when: string): Promise<boolean> {
    const fixed = withResolvedSizes(raw, session.engine.params());
    if (!fixed) return false;
    const config = parseBotConfig(fixed.raw, `bot ${session.id}`);
    const version = await saveObjective(this.db, session.id, objectiveOf(fixed.raw, fixed.note));
    session.config = config;
    session.objectiveVersion = version;
    session.event('info', 'objective', `${fixed.note} (objective version ${version}, ${when})`, { version });
    return true;
  }

  /** Creates a bot from a config (API) and starts it. Throws ConfigError for bad input. */
  async createBot(raw: Record<string, unknown>): Promise<BotSession> {
    const record = await registerBot(this.db, raw, this.mode, 'request body');
    return this.openBot(record.id);
  }

  /** Merges a partial objective over the current one, validates it, saves a new version, applies it. */
  async updateObjective(
    id: string,
    patch: {
      params?: Record<string, unknown>;
      execution?: Record<string, unknown>;
      risk?: Record<string, unknown>;
      note?: string;
    },
  ): Promise<number> {
    const session = this.session(id);
    const record = await loadBotRecord(this.db, id);
    if (!session || !record) throw new Error(`unknown bot ${id}`);
    const section = record.config.strategy;
    const raw: Record<string, unknown> = {
      ...record.raw,
      [section]: { ...(record.raw[section] as object), ...(patch.params ?? {}) },
      execution: { ...(record.raw.execution as object), ...(patch.execution ?? {}) },
      risk: { ...(record.raw.risk as object), ...(patch.risk ?? {}) },
    };
    const config = parseBotConfig(raw, 'request body');
    session.engine.apply(config);
    let version: number;
    const fixed = withResolvedSizes(raw, session.engine.params());
    if (fixed) {
      // `auto` asked for again: sized now, at the current prices, and fixed in this version.
      version = await saveObjective(
        this.db,
        id,
        objectiveOf(fixed.raw, `${patch.note ?? 'edited via the API'}; ${fixed.note}`),
      );
      session.config = parseBotConfig(fixed.raw, 'request body');
    } else {
      version = await saveObjective(this.db, id, objectiveOf(raw, patch.note ?? 'edited via the API'));
      session.config = config;
    }
    session.objectiveVersion = version;
    session.journal(this.#driverClock(id), 'note', { objectiveVersion: version });
    session.event('info', 'objective', `objective version ${version} applied`, { version });
    this.driver(id)?.requestDecision('objective');
    this.#emit({ kind: 'status', botId: id });
    return version;
  }

  #driverClock(id: string): number {
    return this.driver(id)?.clock() ?? Date.now();
  }

  /** Operator switches: persisted, acted on at the bot's next loop iteration. */
  async setManual(id: string, change: Partial<ManualControls>): Promise<ManualControls> {
    const session = this.session(id);
    if (!session) throw new Error(`unknown bot ${id}`);
    const manual = session.engine.manual;
    if (change.pause !== undefined) manual.pause = change.pause;
    if (change.reduceOnly !== undefined) manual.reduceOnly = change.reduceOnly;
    await saveManual(this.db, id, manual);
    session.journal(this.#driverClock(id), 'note', { manual: { ...manual } });
    session.event('info', 'manual', `operator: pause=${manual.pause} reduceOnly=${manual.reduceOnly}`, {
      pause: manual.pause,
      reduceOnly: manual.reduceOnly,
    });
    session.engine.nudge();
    this.driver(id)?.requestDecision('operator');
    this.#emit({ kind: 'status', botId: id });
    return { ...manual };
  }

  /**
   * The operator's reset of a spread bot's health (EMERGENCY or DEGRADED → HEALTHY): persisted, acted on at the
   * bot's next cycle. Throws for an unknown bot; a grid bot has no such state (the API answers 409).
   */
  async resetHealth(id: string): Promise<void> {
    const session = this.session(id);
    if (!session) throw new Error(`unknown bot ${id}`);
    const spread = session.engine.spread;
    if (!spread)
      throw new HealthResetError(
        `bot ${id} is a ${session.engine.strategy} bot: only spread bots have a health state to reset`,
      );
    const before = spread.health.status;
    spread.resetHealth();
    session.journal(this.#driverClock(id), 'note', { healthReset: { from: before } });
    session.event('info', 'manual', `operator: health reset (was ${before})`, { from: before });
    this.#emit({ kind: 'status', botId: id });
  }

  start(): void {
    if (this.#loop) return;
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    const tickMs = this.#o.tickMs ?? 250;
    while (!this.#stopping) {
      const started = Date.now();
      await this.tickOnce(started);
      const wait = Math.max(0, tickMs - (Date.now() - started));
      if (this.#stopping) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** One loop iteration (exposed for tests and the bench). */
  async tickOnce(now: number): Promise<void> {
    this.#ticks++;
    for (const [id, e] of this.#bots) {
      if (this.#stopping) break;
      try {
        await e.driver.tick(now);
      } catch (err) {
        e.driver.session.status = 'error';
        e.driver.session.event('error', 'error', `bot stopped after an error: ${(err as Error).message}`);
        this.#log.error('SYSTEM', `bot ${id} failed`, { error: String((err as Error).stack ?? err) });
        this.#emit({ kind: 'status', botId: id });
      }
    }
    await this.flush();
  }

  async flush(): Promise<void> {
    const rows: PaperVenueRow[] = [];
    for (const e of this.#bots.values()) {
      const row = e.driver.durable();
      if (row) rows.push(row);
    }
    try {
      await flushWrites(this.db, this.sessions(), rows, this.metrics);
    } catch (err) {
      this.#log.error('SYSTEM', 'database write failed; retrying next tick', { error: String(err) });
    }
  }

  /**
   * Graceful stop: no new decisions; per bot cancel its orders (grid, like PAUSE) or close its positions
   * (spread with closeOnShutdown, retried until its shutdownTimeoutSec); commit; release leases. Does not close
   * the database. Returns what each closing bot still holds (empty when everything was closed).
   */
  async stop(): Promise<ShutdownOutcome[]> {
    if (this.#stopping && !this.#loop) return [];
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    const outcomes = await Promise.all(
      [...this.#bots].map(async ([id, e]): Promise<ShutdownOutcome> => {
        const s = e.driver.session;
        s.status = 'stopping';
        try {
          return await shutdownSession(s, () => e.driver.clock());
        } catch (err) {
          this.#log.error('SYSTEM', `bot ${id}: shutdown step failed`, { error: String(err) });
          return { botId: id, closing: s.engine.shutdownMode === 'close', open: [], error: String(err) };
        }
      }),
    );
    await this.flush();
    for (const [id, e] of this.#bots) {
      e.driver.session.status = 'stopped';
      await e.lease.release();
      await setBotStatus(this.db, id, 'stopped').catch(() => {});
      await e.driver.close();
    }
    return outcomes;
  }
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
