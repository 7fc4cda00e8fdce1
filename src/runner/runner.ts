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
import { basename } from 'node:path';
import { parseBotConfig } from '../config/bot-config.ts';
import { describeChanges } from '../config/config-diff.ts';
import type { ManualControls } from '../engine/manual-controls.ts';
import type { Logger } from '../log/logger.ts';
import { MarketDataHub } from '../marketdata/market-data-hub.ts';
import { type Db, getBot, LeaseKeeper, recordBotEvent, saveObjective, setBotStatus } from '../store/index.ts';
import { registerBotGauges } from './bot-gauges.ts';
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
import { ArchiveRefused, type ShutdownOutcome, shutdownSession } from './bot-shutdown.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type { ShutdownOutcome } from './bot-shutdown.ts';

import { type ConfigFile, checkUniqueNames, syncConfigFile } from './config-sync.ts';
import type { RunnerMetrics } from './metrics.ts';
import { flushWrites, type PaperVenueRow } from './persist.ts';
import { DEFAULT_RETAIN_MS, RetentionKeeper } from './retention-keeper.ts';
import {
  describeStorageError,
  pauseForStorage,
  StorageFault,
  type StorageFaultView,
} from './storage-fault.ts';

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
  /** Market data shared by the process's bots (the grid's blended range); absent = each bot owns its own. */
  marketData?: MarketDataHub;
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
  /**
   * Keep this much history (ms of each bot's own clock: data time in a replay) of the prunable rows
   * (journal, snapshots, verdicts, events, unfilled orders); older rows are pruned as the bot runs. 0 keeps
   * everything. Default 14 days.
   */
  retainMs?: number;
}

export type RunnerEvent =
  | { kind: 'bot'; botId: string }
  | { kind: 'fill'; botId: string; data: unknown }
  | { kind: 'verdict'; botId: string; data: unknown }
  | { kind: 'status'; botId: string }
  /** The bot was archived: stopped (orders cancelled) and hidden. */
  | { kind: 'archived'; botId: string };

interface Entry {
  driver: BotDriver;
  lease: LeaseKeeper;
}

export class Runner {
  readonly db: Db;
  readonly mode: 'paper' | 'live';
  readonly metrics: RunnerMetrics;
  readonly owner: string;
  /** One blended range per market, settings and stream for all bots (docs/runner.md, shared market data). */
  readonly marketData = new MarketDataHub();
  readonly #o: RunnerOptions;
  readonly #bots = new Map<string, Entry>();
  readonly #listeners = new Set<(e: RunnerEvent) => void>();
  readonly #log: Logger;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #ticks = 0;
  /** Ticks and archiving take turns: a bot is never stopped halfway through its cycle. */
  #turn: Promise<unknown> = Promise.resolve();
  #fault: StorageFault | undefined;
  readonly #retention: RetentionKeeper;

  constructor(o: RunnerOptions) {
    this.#o = o;
    this.db = o.db;
    this.mode = o.mode;
    this.metrics = o.metrics;
    this.owner = o.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#log = o.logger('runner');
    this.#retention = new RetentionKeeper(o.db, o.retainMs ?? DEFAULT_RETAIN_MS, this.#log);
    registerBotGauges(o.metrics, () => this.sessions());
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

  /** Set while database writes fail: the bots are paused (see #enterFault). */
  get storageFault(): StorageFaultView | undefined {
    return this.#fault?.view;
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

  /**
   * Opens `ids` (the bots named by --config), or every bot of this mode in the database that is not archived.
   */
  async openAll(ids?: readonly string[]): Promise<void> {
    const open = ids ?? (await runnableBotIds(this.db, this.mode));
    // PGlite is single-process (a lock file guards its folder), so a lease still held in it belongs to a
    // runner that died: hand it over at once instead of waiting out its ttl. Bots that runner left marked
    // running but this one does not open are stopped.
    if (this.db.engine === 'pglite') {
      await this.db.query(
        "update leases set expires_at = now() - interval '1 millisecond' where expires_at >= now()",
      );
      await this.db.query(
        `update bots set status = 'stopped', updated_at = now()
         where mode = $1 and status in ('starting', 'running', 'paused', 'stopping', 'error') and not (id = any($2))`,
        [this.mode, [...open]],
      );
    }
    for (const id of open) await this.openBot(id);
  }

  /**
   * Brings the database in line with the config files (see config-sync.ts): new names are registered, an
   * edited file becomes a new objective version (its diff logged and recorded as a bot event). Returns the
   * bots' ids in file order. Two files with one name are an error naming both.
   */
  async ensureBots(configs: readonly ConfigFile[]): Promise<string[]> {
    checkUniqueNames(configs);
    const ids: string[] = [];
    for (const c of configs) {
      const r = await syncConfigFile(this.db, c, this.mode);
      ids.push(r.id);
      if (r.changes.length === 0) continue;
      const message = `objective v${r.version} from ${basename(c.source)}: ${describeChanges(r.changes)}`;
      this.#o.logger(r.id).info('SYSTEM', message, { version: r.version });
      await recordBotEvent(this.db, r.id, {
        level: 'info',
        kind: 'objective',
        message,
        data: { version: r.version, changes: r.changes },
      });
    }
    return ids;
  }

  async openBot(id: string, opts: { wait?: boolean } = {}): Promise<BotSession> {
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
      if (opts.wait === false) throw new Error(`bot ${id}: another runner holds its lease`);
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
        marketData: this.marketData,
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

  /**
   * Archives a bot: a running bot is stopped first like at shutdown (grid: every order cancelled; spread:
   * closing cycles), its writes committed and its lease released; then it is hidden (status 'archived') and
   * never opened again. A bot this runner does not drive but whose orders the database records as open is
   * opened first, so its orders are cancelled too. Returns false for an unknown (or already archived) bot.
   */
  archiveBot(id: string): Promise<boolean> {
    return this.#exclusive(async () => {
      const bot = await getBot(this.db, id);
      if (!bot || bot.status === 'archived') return false;
      if (!this.#bots.has(id)) {
        const open = await this.db.query(
          "select 1 from orders where bot_id = $1 and status = 'open' limit 1",
          [id],
        );
        if (open.length > 0) {
          if (bot.mode !== this.mode) {
            throw new ArchiveRefused(
              `bot "${id}" has open orders on its ${bot.mode} venue; archive it from a ${bot.mode} runner, which cancels them first`,
            );
          }
          await this.openBot(id);
        }
      }
      const e = this.#bots.get(id);
      if (e) await this.#stopOne(id, e);
      await setBotStatus(this.db, id, 'archived');
      await recordBotEvent(this.db, id, { level: 'info', kind: 'archived', message: 'archived' });
      this.#log.info('SYSTEM', `bot ${id} archived`);
      this.#emit({ kind: 'archived', botId: id });
      return true;
    });
  }

  /** Stops one bot as `stop()` stops all of them, and forgets it. */
  async #stopOne(id: string, e: Entry): Promise<void> {
    const s = e.driver.session;
    s.status = 'stopping';
    try {
      await shutdownSession(s, () => e.driver.clock());
    } catch (err) {
      this.#log.error('SYSTEM', `bot ${id}: shutdown step failed`, { error: String(err) });
    }
    const row = e.driver.durable();
    await flushWrites(this.db, [s], row ? [row] : [], this.metrics);
    s.status = 'stopped';
    this.#bots.delete(id);
    await e.lease.release();
    await e.driver.close();
    await setBotStatus(this.db, id, 'stopped');
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

  /** Runs `fn` when no tick or other exclusive step is in progress. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(fn);
    this.#turn = run.catch(() => {});
    return run;
  }

  /** One loop iteration (exposed for tests and the bench). */
  tickOnce(now: number): Promise<void> {
    return this.#exclusive(() => this.#tick(now));
  }

  async #tick(now: number): Promise<void> {
    this.#ticks++;
    this.metrics.ticks.inc();
    if (this.#fault) {
      await this.#retryStorage(now);
      return;
    }
    for (const [id, e] of this.#bots) {
      if (this.#stopping || this.#fault) break;
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
    if (!this.#fault && !this.#stopping) {
      this.#retention.maybePrune([...this.#bots].map(([id, e]) => [id, e.driver.clock()]));
    }
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

  /** Commits what the bots owe the database; a failure pauses every bot (storage fault). */
  async flush(): Promise<void> {
    try {
      await this.#flushAll();
    } catch (err) {
      await this.#enterFault(err);
    }
  }

  #flushAll(): Promise<void> {
    const rows: PaperVenueRow[] = [];
    for (const e of this.#bots.values()) {
      const row = e.driver.durable();
      if (row) rows.push(row);
    }
    return flushWrites(this.db, this.sessions(), rows, this.metrics);
  }

  /**
   * Database writes fail: pause every bot the way a PAUSE verdict does — cancel its orders (the venue is not
   * the database, so this works), keep its position — and stop ticking until a retry commits. Nothing new is
   * decided meanwhile, so the writes waiting in memory stay as they are (bounded).
   */
  async #enterFault(err: unknown): Promise<void> {
    const reason = describeStorageError(err);
    if (this.#fault) {
      this.#fault.failed(reason, Date.now());
      return;
    }
    this.#fault = new StorageFault(reason, Date.now());
    this.#log.error(
      'SYSTEM',
      `${reason}: bots paused (orders cancelled, positions kept); retrying with backoff`,
    );
    await pauseForStorage(
      [...this.#bots].map(([id, e]) => [id, { session: e.driver.session, clock: () => e.driver.clock() }]),
      reason,
      this.#log,
      (id) => this.#emit({ kind: 'status', botId: id }),
    );
  }

  /** One retry: commit what is waiting; on success, resume the bots (re-opening those whose lease lapsed). */
  async #retryStorage(now: number): Promise<void> {
    const fault = this.#fault;
    if (!fault?.due(now)) return;
    try {
      await this.#flushAll();
      await this.db.query('select 1');
    } catch (err) {
      fault.failed(describeStorageError(err), now);
      this.#log.warn('SYSTEM', `database still failing (${fault.view.reason}); next try in a while`, {
        attempts: fault.view.attempts,
      });
      return;
    }
    this.#fault = undefined;
    this.#log.info('SYSTEM', 'database writes work again: bots resume', {
      pausedMs: Date.now() - fault.view.since,
    });
    for (const [id, e] of [...this.#bots]) {
      if (e.lease.isHeld()) {
        e.driver.session.halted = undefined;
        e.driver.requestDecision('storage recovered');
        this.#emit({ kind: 'status', botId: id });
        continue;
      }
      // The lease lapsed during the outage: start the bot again the crash-only way (from the database and
      // the venue), unless another runner took it meanwhile.
      this.#bots.delete(id);
      await e.driver.close().catch(() => {});
      try {
        await this.openBot(id, { wait: false });
        this.#log.info('SYSTEM', `bot ${id} re-opened after its lease lapsed`);
      } catch (openErr) {
        this.#log.error('SYSTEM', `bot ${id} not resumed: ${(openErr as Error).message}`);
      }
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
    await this.#retention.idle();
    return this.#exclusive(async () => {
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
    });
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
