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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
    session.onChange = (kind, data) =>
      this.#emit(kind === 'bot' ? { kind, botId: id } : { kind, botId: id, data });
    session.status = 'running';
    await setBotStatus(this.db, id, 'running');
    this.#bots.set(id, { driver, lease });
    this.#emit({ kind: 'status', botId: id });
    return session;
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
    const version = await saveObjective(this.db, id, objectiveOf(raw, patch.note ?? 'edited via the API'));
    session.engine.apply(config);
    session.config = config;
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
      const s = e.driver.session;
      if (!s.canTry(now)) continue;
      const wasDegraded = s.status === 'degraded';
      try {
        await e.driver.tick(now);
      } catch (err) {
        await this.#failed(id, s, now, err);
      }
      if (wasDegraded !== (s.status === 'degraded')) this.#emit({ kind: 'status', botId: id });
    }
    await this.flush();
  }

  /**
   * A tick threw. I/O trouble (RPC down, rate limits, timeouts, a degraded venue) degrades the bot: it backs
   * off and recovers by itself. A bug stops it ('error'), but only once its orders are cancelled: a bot that
   * cannot decide must not leave orders resting on the venue; while they cannot be cancelled it stays degraded
   * and tries again.
   */
  async #failed(id: string, s: BotSession, now: number, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    if (!isBug(err)) {
      s.degrade(now, message);
      this.#log.warn('SYSTEM', `bot ${id} degraded`, { error: message });
      return;
    }
    this.#log.error('SYSTEM', `bot ${id} failed`, { error: String((err as Error).stack ?? err) });
    try {
      const account = await s.readAccount();
      if (account.openOrders.length > 0) await s.send(now, [{ kind: 'cancelAll' }], `${s.name}-error`);
      const after = await s.readAccount();
      if (after.openOrders.length > 0) throw new Error(`${after.openOrders.length} order(s) still open`);
    } catch (cleanup) {
      s.degrade(now, `${message}; cancelling its orders failed (${(cleanup as Error).message})`);
      return;
    }
    s.status = 'error';
    s.event('error', 'error', `bot stopped after an error (its orders are cancelled): ${message}`);
    this.#emit({ kind: 'status', botId: id });
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
   * (spread with closeOnShutdown); commit; release leases. Does not close the database.
   */
  async stop(): Promise<void> {
    if (this.#stopping && !this.#loop) return;
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    for (const [id, e] of this.#bots) {
      const s = e.driver.session;
      s.status = 'stopping';
      try {
        await shutdownSession(s, e.driver.clock());
      } catch (err) {
        this.#log.error('SYSTEM', `bot ${id}: shutdown step failed`, { error: String(err) });
      }
    }
    await this.flush();
    for (const [id, e] of this.#bots) {
      e.driver.session.status = 'stopped';
      await e.lease.release();
      await setBotStatus(this.db, id, 'stopped').catch(() => {});
      await e.driver.close();
    }
  }
}

/**
 * Programming errors (a TypeError from our own code, a RangeError on bad maths) as opposed to I/O failures;
 * fetch's "fetch failed" is a TypeError too but means the network.
 */
function isBug(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (/fetch failed|network|socket|ECONN|timed? ?out/i.test(err.message)) return false;
  return (
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError
  );
}

/** Grid: cancel every order, leave the position. Spread (closeOnShutdown): cycles that close the legs. */
export async function shutdownSession(s: BotSession, ts: number): Promise<void> {
  const cid = `${s.name}-shutdown`;
  if (s.engine.shutdownMode === 'close') {
    s.engine.requestShutdown();
    for (let i = 0; i < 3; i++) {
      const d = await s.cycle(ts, 'shutdown');
      if (!d || d.shutdownComplete) break;
    }
  }
  const account = await s.readAccount();
  if (account.openOrders.length > 0) await s.send(ts, [{ kind: 'cancelAll' }], cid);
  await s.readAccount();
  const left = s.account?.positions.filter((p) => p.base !== 0n).length ?? 0;
  const closing = s.engine.shutdownMode === 'close';
  // Honest about what happened: closing can be refused (e.g. a PAUSE on stale prices blocks every order).
  const message = !closing
    ? 'stopped: orders cancelled, position left'
    : left === 0
      ? 'stopped: positions closed'
      : `stopped: ${left} position(s) left open — closing was refused (last verdict ${s.engine.lastVerdict()?.kind ?? 'none'})`;
  s.event(closing && left > 0 ? 'warn' : 'info', 'stopped', message, {
    openOrders: s.account?.openOrders.length ?? 0,
    positions: left,
  });
}
