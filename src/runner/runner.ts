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
import type { ManualControls } from '../engine/manual-controls.ts';
import type { Logger } from '../log/logger.ts';
import { MarketDataHub } from '../marketdata/market-data-hub.ts';
import { type Db, getBot, recordBotEvent, setBotStatus } from '../store/index.ts';
import type { BotDriver, OpenBot } from './bot-driver.ts';
import { registerBotGauges } from './bot-gauges.ts';
import { abandonOpened, type OpenedBot, openDriver, takeOverDeadRunner } from './bot-opening.ts';
import { loadBotRecord, registerBot, runnableBotIds } from './bot-records.ts';
import type { BotSession } from './bot-session.ts';
import { mustOpenToArchive, type ShutdownOutcome, stopTrading } from './bot-shutdown.ts';
import { type ConfigFile, syncConfigFiles } from './config-sync.ts';
import type { RunnerMetrics } from './metrics.ts';
import { editObjective, type ObjectivePatch } from './objective-edits.ts';
import { resetHealth, setManual } from './operator-switches.ts';
import { flushWrites, type PaperVenueRow } from './persist.ts';
import { DEFAULT_RETAIN_MS, RetentionKeeper } from './retention-keeper.ts';
import {
  describeStorageError,
  pauseForStorage,
  resumeAfterStorage,
  StorageFault,
  type StorageFaultView,
} from './storage-fault.ts';
import { tickFailed } from './tick-failure.ts';

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

export class Runner {
  readonly db: Db;
  readonly mode: 'paper' | 'live';
  readonly metrics: RunnerMetrics;
  readonly owner: string;
  /** One blended range per market, settings and stream for all bots (docs/runner.md, shared market data). */
  readonly marketData = new MarketDataHub();
  readonly #o: RunnerOptions;
  readonly #bots = new Map<string, OpenedBot>();
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
    await takeOverDeadRunner(this.db, this.mode, open);
    for (const id of open) await this.openBot(id);
  }

  /**
   * Brings the database in line with the config files (see config-sync.ts): new names are registered, an
   * edited file becomes a new objective version (its diff logged and recorded as a bot event). Returns the
   * bots' ids in file order. Two files with one name are an error naming both.
   */
  ensureBots(configs: readonly ConfigFile[]): Promise<string[]> {
    return syncConfigFiles(this.db, configs, this.mode, this.#o.logger);
  }

  async openBot(id: string, opts: { wait?: boolean } = {}): Promise<BotSession> {
    const opened = await openDriver(id, {
      db: this.db,
      openBot: this.#o.openBot,
      metrics: this.metrics,
      log: this.#o.logger(id),
      marketData: this.marketData,
      owner: this.owner,
      leaseTtlMs: this.#o.leaseTtlMs ?? 15_000,
      wait: opts.wait !== false,
    });
    const session = opened.driver.session;
    try {
      await setBotStatus(this.db, id, 'running');
    } catch (err) {
      await abandonOpened(opened, this.#o.logger(id));
      throw err;
    }
    session.onChange = (kind, data) =>
      this.#emit(kind === 'bot' ? { kind, botId: id } : { kind, botId: id, data });
    session.status = 'running';
    this.#bots.set(id, opened);
    this.#emit({ kind: 'status', botId: id });
    return session;
  }

  /** Creates a bot from a config (API) and starts it. Throws ConfigError for bad input. */
  async createBot(raw: Record<string, unknown>): Promise<BotSession> {
    const record = await registerBot(this.db, raw, this.mode, 'request body');
    return this.openBot(record.id);
  }

  /** Merges a partial objective over the current one, validates it, saves a new version, applies it. */
  async updateObjective(id: string, patch: ObjectivePatch): Promise<number> {
    const session = this.session(id);
    const record = await loadBotRecord(this.db, id);
    if (!session || !record) throw new Error(`unknown bot ${id}`);
    const version = await editObjective(this.db, session, record, patch, () => this.#driverClock(id));
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
    const manual = await setManual(this.db, session, change, () => this.#driverClock(id));
    this.driver(id)?.requestDecision('operator');
    this.#emit({ kind: 'status', botId: id });
    return manual;
  }

  /**
   * The operator's reset of a spread bot's health (EMERGENCY or DEGRADED → HEALTHY): persisted, acted on at the
   * bot's next cycle. Throws for an unknown bot; a grid bot has no such state (the API answers 409).
   */
  async resetHealth(id: string): Promise<void> {
    const session = this.session(id);
    if (!session) throw new Error(`unknown bot ${id}`);
    resetHealth(session, () => this.#driverClock(id));
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
      if (!this.#bots.has(id) && (await mustOpenToArchive(this.db, bot, this.mode))) await this.openBot(id);
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
  async #stopOne(id: string, e: OpenedBot): Promise<void> {
    const s = e.driver.session;
    await stopTrading(s, () => e.driver.clock(), this.#log);
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
        if (await tickFailed(s, now, err, this.#log)) this.#emit({ kind: 'status', botId: id });
      }
      if (wasDegraded !== (s.status === 'degraded')) this.#emit({ kind: 'status', botId: id });
    }
    await this.flush();
    if (!this.#fault && !this.#stopping) {
      this.#retention.maybePrune([...this.#bots].map(([id, e]) => [id, e.driver.clock()]));
    }
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
    await resumeAfterStorage(
      [...this.#bots],
      (id) => this.#reopen(id),
      this.#log,
      (id) => this.#emit({ kind: 'status', botId: id }),
    );
  }

  /** Forgets bot `id` (its lease lapsed) and opens it again, unless another runner holds its lease now. */
  async #reopen(id: string): Promise<void> {
    const e = this.#bots.get(id);
    this.#bots.delete(id);
    await e?.driver.close().catch(() => {});
    await this.openBot(id, { wait: false });
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
        [...this.#bots.values()].map((e) => stopTrading(e.driver.session, () => e.driver.clock(), this.#log)),
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
