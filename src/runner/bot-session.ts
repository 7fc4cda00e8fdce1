/**
 * One running bot: its engine (the shared decision pipeline), its venue subaccount, its lease, and the writes
 * its cycles owe the database. A cycle is: due? → read the venue account → decide → (lease held?) → send
 * commands. Everything that happens — commands, venue events, verdicts — is buffered in order and committed
 * by the runner in one transaction per tick (see persist.ts), so a crash loses whole cycles, never halves.
 */

import type { BotConfig } from '../config/bot-config.ts';
import type { Verdict } from '../domain/intent.ts';
import type { AccountState, Order, OrderCommand, VenueEvent } from '../domain/types.ts';
import type { CycleLogger, Logger } from '../log/logger.ts';
import type { LogCategory } from '../log/types.ts';
import type { BotEvent, JournalEntry } from '../store/index.ts';
import type { HealthState } from '../strategies/spread/health.ts';
import type { VenuePort } from '../venue/port.ts';
import type { BotEngine, DecisionBooks, EngineDecision } from './bot-engine.ts';
import { BotSeries } from './bot-series.ts';
import { ChartHistory, type ChartHistoryOptions } from './chart-history.ts';
import { type FundingBaseline, FundingBook } from './funding-book.ts';
import { keepAccount } from './kept-account.ts';
import type { RunnerMetrics } from './metrics.ts';
import { anyWrites, emptyWrites, type PendingWrites, writesBefore } from './pending-writes.ts';

export type { PendingWrites } from './pending-writes.ts';

/**
 * 'degraded': the venue or its connection failed transiently; the bot backs off, then re-reads the account and
 * reconciles its orders before deciding again. 'error' is only for a bug, and only once no order rests.
 */
export type SessionStatus = 'starting' | 'running' | 'degraded' | 'stopping' | 'stopped' | 'error';

/** Backoff after the n-th consecutive failure: 1 s doubling to 30 s, with ±20% jitter so bots spread out. */
export function degradedBackoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The answer of a cycle with nothing due and of a tick with nothing to wait for: one settled promise for all. */
const NOTHING_DUE: Promise<undefined> = Promise.resolve(undefined);
const SETTLED: Promise<void> = Promise.resolve();

/** #recordVerdict's key of a verdict without reasons, by kind. */
const BARE_VERDICT_KEY: Record<Verdict['kind'], string> = {
  APPROVE: 'APPROVE|',
  CLAMP: 'CLAMP|',
  REDUCE_ONLY: 'REDUCE_ONLY|',
  PAUSE: 'PAUSE|',
};

export interface SessionOptions {
  id: string;
  name: string;
  mode: 'paper' | 'live';
  config: BotConfig;
  objectiveVersion: number;
  engine: BotEngine;
  venue: VenuePort;
  subaccountId: number;
  /** The venue's liquidation price for a market (PRICE), undefined when none. */
  liquidationPrice: (account: AccountState, marketIndex: number) => bigint | undefined;
  /** Checked before every command batch; false → the batch is not sent (lease lost). */
  leaseHeld: () => boolean;
  metrics: RunnerMetrics;
  log: Logger;
  /** USDC deposited (QUOTE), for PnL. */
  deposited: bigint;
  /** Funding settled and fees paid so far (QUOTE), from the database at start. */
  fundingTotal?: bigint;
  /** Per-market funding books to continue from (fundingBaselines). */
  fundingBaselines?: ReadonlyMap<number, FundingBaseline>;
  feesTotal?: bigint;
  /** Snapshot cadence in the bot's clock (ms). */
  snapshotCadenceMs: number;
  /** The chart history's sizes (chart-history.ts; default 6 h of every point, then a week at 15 minutes). */
  history?: ChartHistoryOptions;
  /** At most one history point per this many ms of the bot's clock. Default 60 s. */
  historyEveryMs?: number;
}

/** Venue fill identity: an order's fills have strictly decreasing remainders, so (orderId, remainder) is unique. */
export const venueFillId = (e: Extract<VenueEvent, { type: 'filled' }>): string =>
  `${e.fill.orderId}:${e.remainingBase}`;

export class BotSession {
  readonly id: string;
  readonly name: string;
  readonly mode: 'paper' | 'live';
  config: BotConfig;
  objectiveVersion: number;
  readonly engine: BotEngine;
  readonly venue: VenuePort;
  readonly subaccountId: number;
  status: SessionStatus = 'starting';
  /** The account last read, a copy of its own: never a venue's read-only view (see readAccount). */
  account: AccountState | undefined;
  deposited: bigint;
  fundingTotal: bigint;
  feesTotal: bigint;
  /** The chart's points (GET /api/bots/:id/history). */
  readonly history: ChartHistory;
  /** Settled funding vs the continuous estimate, per market (snapshot rows, the API's pending figure). */
  readonly funding: FundingBook;
  lastDecision: EngineDecision | undefined;
  /** Last time (bot clock) anything changed, for the API's `ts`. */
  ts = 0;
  /** Why the runner has paused this bot outside its risk rules (database writes failing), or undefined. */
  halted: string | undefined;
  /** Called after a cycle changed what the API shows (SSE). */
  onChange: ((kind: 'bot' | 'fill' | 'verdict', data: unknown) => void) | undefined;
  readonly #o: SessionOptions;
  /**
   * The liquidation price of `account` as it is now, for the engine's synchronous due check (made once: the check
   * runs on every bar of every bot).
   */
  readonly #liquidationPriceNow = (marketIndex: number): bigint | undefined =>
    this.#o.liquidationPrice(this.account as AccountState, marketIndex);
  /** The series every decision cycle counts, labelled once (bot-series.ts). */
  readonly #series: BotSeries;
  /**
   * Writes buffered since the runner last took them; made on the first write after a take (#writes), so a bot
   * whose bar wrote nothing keeps no empty buffers alive between bars (a fleet's bars promoted them).
   */
  #pending: PendingWrites | undefined;

  get #writes(): PendingWrites {
    this.#pending ??= emptyWrites();
    return this.#pending;
  }
  readonly #known = new Map<number, Order>();
  #verdictKey = '';
  /** The engine memory last written (JSON per key), to write only what changed. */
  readonly #memorySeen = new Map<string, string>();
  /** The memory objects last compared with #memorySeen, by key. */
  readonly #memoryNoted = new Map<string, unknown>();
  /** The engine's memory object last looked at by #noteMemory. */
  #memoryLast: Record<string, unknown> | undefined;
  #cycle = 0;
  #lastSnapshotTs: number | undefined;
  #lastHistoryTs = Number.NEGATIVE_INFINITY;
  #leaseWarned = false;
  /**
   * The venue's generation when `account` was read (VenuePort.generation), undefined when unknown: while the
   * venue still shows it, `account` is what a read would return and the read is skipped.
   */
  #accountGeneration: number | undefined;
  /** The logger of the cycle being run (its lines carry the cycle's cid and duration), if one is. */
  #cycleLog: CycleLogger | undefined;
  /** Order id → cid of the cycle that placed it, so a later (maker) fill is logged with that cycle's id. */
  readonly #orderCid = new Map<number, string>();
  /** While degraded: why, consecutive failures, and when the next attempt may run (wall ms). */
  degradedReason: string | undefined;
  #failures = 0;
  #retryAt = 0;

  constructor(o: SessionOptions) {
    this.#o = o;
    this.id = o.id;
    this.name = o.name;
    this.mode = o.mode;
    this.config = o.config;
    this.objectiveVersion = o.objectiveVersion;
    this.engine = o.engine;
    this.venue = o.venue;
    this.subaccountId = o.subaccountId;
    this.deposited = o.deposited;
    this.fundingTotal = o.fundingTotal ?? 0n;
    this.feesTotal = o.feesTotal ?? 0n;
    this.history = new ChartHistory(o.history);
    this.#series = new BotSeries(o.metrics, o.name);
    this.funding = new FundingBook(
      o.engine.markets.map((m) => m.marketIndex),
      o.fundingBaselines,
    );
  }

  get log(): Logger {
    return this.#o.log;
  }

  /** Whether this runner still holds the bot's lease (orders go out only while it does). */
  leaseHeld(): boolean {
    return this.#o.leaseHeld();
  }

  liquidationPrice(marketIndex: number): bigint | undefined {
    return this.account ? this.#o.liquidationPrice(this.account, marketIndex) : undefined;
  }

  /** Hands over the buffered writes (the runner commits them). */
  takeWrites(): PendingWrites {
    const w = this.#pending ?? emptyWrites();
    this.#pending = undefined;
    return w;
  }

  /** Puts writes back in front after a failed commit, so nothing is lost. */
  restoreWrites(w: PendingWrites): void {
    this.#pending = writesBefore(w, this.#writes);
  }

  hasWrites(): boolean {
    return this.#pending !== undefined && anyWrites(this.#pending);
  }

  event(level: BotEvent['level'], kind: string, message: string, data?: Record<string, unknown>): void {
    this.#writes.events.push({ ts: this.ts || undefined, level, kind, message, data });
    (this.#cycleLog ?? this.log).log(level, categoryOf(kind), message, { kind, ...data });
  }

  journal(ts: number, kind: JournalEntry['kind'], payload: unknown): void {
    this.#writes.journal.push({ ts, kind, payload });
  }

  /** Every venue event of this subaccount comes through here, in order. */
  onVenueEvent(e: VenueEvent): void {
    this.journal(e.ts, 'venue_event', e);
    if (e.ts > this.ts) this.ts = e.ts;
    switch (e.type) {
      case 'accepted': {
        // the event's order itself, in both maps: orders are values (VenuePort: a venue never changes an order it
        // handed out), and neither map changes one (a fill or cancel replaces the known one)
        const order = e.order;
        this.#known.set(order.orderId, order);
        this.#writes.orders.set(order.orderId, order);
        if (this.#cycleLog) this.#orderCid.set(order.orderId, this.#cycleLog.cid);
        break;
      }
      case 'cancelled': {
        const o = this.#known.get(e.orderId);
        this.#orderCid.delete(e.orderId);
        if (o) {
          this.#known.delete(e.orderId);
          this.#writes.orders.set(e.orderId, {
            ...o,
            status: e.reason === 'expired' ? 'expired' : 'cancelled',
          });
        }
        break;
      }
      case 'filled': {
        const f = e.fill;
        const fillId = venueFillId(e);
        this.#writes.fills.push({ ...f, venueFillId: fillId });
        this.feesTotal += f.fee;
        this.#series.fill(f.marketIndex, f.side, () => this.#symbol(f.marketIndex));
        const o = this.#known.get(f.orderId);
        if (o) {
          const next: Order = {
            ...o,
            filledBase: o.base - e.remainingBase,
            status: e.remainingBase === 0n ? 'filled' : 'open',
          };
          if (e.remainingBase === 0n) this.#known.delete(f.orderId);
          else this.#known.set(f.orderId, next);
          this.#writes.orders.set(f.orderId, next);
        }
        // The fill's correlation id: the cycle running now, else the one that placed the order (a maker fill).
        const placedBy = this.#orderCid.get(f.orderId);
        if (e.remainingBase === 0n) this.#orderCid.delete(f.orderId);
        // (a maker fill comes with a bar, outside any cycle: its line needs a logger of its own, made only when
        // the line is written)
        if (this.#o.log.enabled('info')) {
          const flog = this.#cycleLog ?? (placedBy ? this.#o.log.cycle(placedBy) : this.#o.log);
          flog.log('info', 'ORDER', `fill ${f.side} ${Number(f.base) / 1e9} @ ${Number(f.price) / 1e6}`, {
            marketIndex: f.marketIndex,
            orderId: f.orderId,
            maker: f.maker,
            reduceOnly: f.reduceOnly,
          });
        }
        this.onChange?.('fill', { botId: this.id, fill: f, venueFillId: fillId });
        break;
      }
      case 'funding':
        this.fundingTotal += e.payment.amount;
        this.funding.settle(e.payment);
        break;
      case 'liquidated':
        this.event('warn', 'liquidated', `liquidated ${e.base} base on market ${e.marketIndex}`, {
          marketIndex: e.marketIndex,
          base: e.base.toString(),
        });
        break;
      default:
        break;
    }
    this.engine.onVenueEvents([e]);
  }

  /** A spread bot's health changed: persisted with the tick's writes, logged, shown. */
  recordHealth(health: HealthState): void {
    this.#writes.health = health;
    const level = health.status === 'EMERGENCY' ? 'error' : health.status === 'DEGRADED' ? 'warn' : 'info';
    this.event(level, 'health', `health ${health.status}${health.reason ? `: ${health.reason}` : ''}`, {
      status: health.status,
    });
    this.onChange?.('bot', { botId: this.id });
  }

  #symbol(marketIndex: number): string {
    return this.engine.markets.find((m) => m.marketIndex === marketIndex)?.symbol ?? `market-${marketIndex}`;
  }

  /**
   * A transient failure (RPC error, venue degraded): no decisions until `canTry(now)`; the next attempt
   * re-reads the account and reconciles first (`recover`). Logged once per episode, then at each 5th failure.
   */
  degrade(now: number, reason: string): void {
    if (this.status === 'stopping' || this.status === 'stopped') return;
    const first = this.status !== 'degraded';
    this.#failures++;
    const wait = degradedBackoffMs(this.#failures);
    this.#retryAt = now + wait;
    this.degradedReason = reason;
    if (first || this.#failures % 5 === 0) {
      this.event('warn', 'degraded', `degraded (${reason}); retrying in ${(wait / 1000).toFixed(1)} s`, {
        failures: this.#failures,
      });
    }
    this.status = 'degraded';
    this.#o.metrics.rpcErrors.inc({ bot: this.name });
  }

  /** Whether the runner should tick this bot now (a degraded bot waits out its backoff). */
  canTry(now: number): boolean {
    return this.status !== 'degraded' || now >= this.#retryAt;
  }

  /**
   * Back from a failure: re-read the account, reconcile the orders the bot knows with the venue's open orders
   * by order id and userOrderId (orders that landed while the outcome was unknown are adopted; known orders
   * the venue no longer has are reported and dropped), then decide at the next opportunity.
   */
  async recover(ts: number): Promise<void> {
    const account = await this.readAccount();
    const open = new Map(account.openOrders.map((o) => [`${o.orderId}:${o.userOrderId}`, o]));
    const adopted: number[] = [];
    for (const o of account.openOrders) {
      if (this.#known.has(o.orderId)) continue;
      this.#known.set(o.orderId, { ...o });
      this.#writes.orders.set(o.orderId, { ...o });
      adopted.push(o.orderId);
    }
    const gone: number[] = [];
    for (const [id, o] of this.#known) {
      if (open.has(`${id}:${o.userOrderId}`)) continue;
      // In polling mode the read above already reported fills and cancels; what is left ended unseen.
      this.#known.delete(id);
      this.#writes.orders.set(id, { ...o, status: 'cancelled' });
      gone.push(id);
    }
    this.engine.nudge();
    this.journal(ts, 'session', { event: 'recovered', adopted, gone, after: this.degradedReason });
    this.event('info', 'recovered', `recovered after ${this.#failures} failed attempt(s)`, {
      adopted: adopted.length,
      gone: gone.length,
      openOrders: account.openOrders.length,
    });
    this.#failures = 0;
    this.degradedReason = undefined;
    this.status = 'running';
  }

  /** Orders the bot knows it placed (adopted after a restart). */
  knowOrders(orders: readonly Order[]): void {
    for (const o of orders) this.#known.set(o.orderId, { ...o });
  }

  /** Gives the engine its persisted memory back (restart) and remembers it as written. */
  restoreMemory(memory: Record<string, unknown>): void {
    this.engine.restoreMemory(memory);
    for (const [k, v] of Object.entries(memory)) this.#memorySeen.set(k, JSON.stringify(v));
  }

  /** Queues the engine memory documents that changed since they were last written. */
  #noteMemory(): void {
    // The same memory object as last time: nothing in it changed (engines hand out a new object on a change).
    const memory = this.engine.memory();
    if (memory === this.#memoryLast) return;
    this.#memoryLast = memory;
    for (const [k, v] of Object.entries(memory)) {
      // The object noted last time: unchanged (engines hand out the same object while it is; a fleet serialised
      // every bot's memory on every decision).
      if (this.#memoryNoted.get(k) === v) continue;
      this.#memoryNoted.set(k, v);
      const text = JSON.stringify(v);
      if (this.#memorySeen.get(k) === text) continue;
      this.#memorySeen.set(k, text);
      this.#writes.memory.set(k, v);
    }
  }

  /**
   * Reads the venue's account now and keeps it as `account`. Where the venue offers a read-only view
   * (VenuePort.accountView: its own order objects, which are values), the view is kept, with the earlier list of
   * orders when no order changed (keepAccount).
   */
  async readAccount(): Promise<AccountState> {
    if (this.venue.accountView) return this.#keepView();
    // Taken before the read: a move during it then shows as a later generation (a spare re-read, not a stale
    // account).
    const generation = this.venue.generation;
    try {
      this.account = await this.venue.getAccount(this.subaccountId);
    } catch (err) {
      this.#o.metrics.rpcErrors.inc({ bot: this.name });
      throw err;
    }
    this.#accountGeneration = generation;
    return this.account;
  }

  /** readAccount from the venue's read-only view: synchronous, so the bar loop makes no promise for it. */
  #keepView(): AccountState {
    const generation = this.venue.generation;
    const view = this.venue.accountView as NonNullable<VenuePort['accountView']>;
    try {
      this.account = keepAccount(view.call(this.venue, this.subaccountId), this.account);
    } catch (err) {
      this.#o.metrics.rpcErrors.inc({ bot: this.name });
      throw err;
    }
    this.#accountGeneration = generation;
    return this.account;
  }

  /**
   * The venue's account now: `account` itself while the venue's generation is still the one it was read at
   * (nothing moved since, so a read would return the same figures), else a read. Venues without a generation
   * are always read. No promise when the venue has a read-only view (the simulator): this runs on every bar of
   * every bot, and callers await only a promise.
   */
  #currentAccount(): AccountState | Promise<AccountState> {
    const g = this.venue.generation;
    if (this.account !== undefined && g !== undefined && g === this.#accountGeneration) return this.account;
    if (this.venue.accountView) return this.#keepView();
    return this.readAccount();
  }

  /**
   * One loop iteration at time `ts` (the bot's clock): decides when due (or when `force` names a reason),
   * sends the commands while the lease is held. Returns the decision, or undefined when none was due.
   *
   * Not an async function: most calls (every bar of every bot) find nothing due, and those answer one shared
   * settled promise instead of making a promise and an async frame each (issue 17: 1,000 paper bots). A throw
   * still comes back as a rejected promise, as it would from an async function.
   */
  cycle(ts: number, force?: string): Promise<EngineDecision | undefined> {
    try {
      if (this.status === 'stopped') return NOTHING_DUE;
      // A bot stopped by an error (or backing off after a failure) still gets its shutdown cycles: closing may
      // work now.
      if ((this.status === 'error' || this.status === 'degraded') && force !== 'shutdown') return NOTHING_DUE;
      const known = this.account;
      const trigger = force ?? this.engine.due(ts, known, known ? this.#liquidationPriceNow : undefined);
      if (!trigger) return NOTHING_DUE;
      return this.#cycleDue(ts, trigger);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #cycleDue(ts: number, trigger: string): Promise<EngineDecision> {
    const started = performance.now();
    const cid = `${this.name}-${++this.#cycle}`;
    const log = this.#o.log.cycle(cid);
    this.#cycleLog = log;
    try {
      return await this.#runCycle(ts, trigger, cid, log, started);
    } finally {
      this.#cycleLog = undefined;
    }
  }

  async #runCycle(
    ts: number,
    trigger: string,
    cid: string,
    log: CycleLogger,
    started: number,
  ): Promise<EngineDecision> {
    let account = this.#currentAccount();
    if (account instanceof Promise) account = await account;
    const pendingBooks = this.#books();
    const books = pendingBooks === undefined ? undefined : await pendingBooks;
    const d = this.engine.decide(account, (i) => this.#o.liquidationPrice(account, i), ts, trigger, books);
    this.lastDecision = d;
    if (d.ts > this.ts) this.ts = d.ts;
    this.#series.decision(trigger);
    this.#series.verdict(d.verdict.kind);
    if (d.log.length > 0) log.events(d.log);
    this.#recordVerdict(d.ts, d.verdict, cid, log);
    this.#noteMemory();
    if (d.commands.length > 0) {
      await this.send(d.ts, d.commands, cid);
      // The venue is the truth: re-read it and let the engine check what the commands did (spread: fills).
      let after = this.#currentAccount();
      if (after instanceof Promise) after = await after;
      const checked = this.engine.afterSend(after);
      if (checked.length > 0) log.events(checked);
    }
    const ms = performance.now() - started;
    this.#series.loop(ms / 1000);
    // One closing line per cycle with its `duration` (ms): info for the spread bot, debug for the grid's frequent
    // event-driven cycles (--log-level debug shows them; below it, not even its fields are made).
    const level = this.engine.cycleLogLevel;
    if (log.enabled(level)) {
      log.log(level, 'CYCLE', 'cycle end', {
        trigger,
        verdict: d.verdict.kind,
        commands: d.commands.length,
      });
    }
    return d;
  }

  /** The logger for lines of cycle `cid`: the running cycle's own, else a child stamped with that id. */
  #lineLog(cid: string): Logger {
    return this.#cycleLog?.cid === cid ? this.#cycleLog : this.#o.log.cycle(cid);
  }

  /**
   * The venue's books of the markets the engine checks liquidity on (a failed read counts as unknown); no
   * promise when it checks none (the grid: every decision of every bot).
   */
  #books(): Promise<DecisionBooks> | undefined {
    const markets = this.engine.bookMarkets;
    if (markets.length === 0) return undefined;
    return Promise.all(
      markets.map((i) =>
        this.venue.orderBook(i).catch((err) => {
          this.#o.metrics.rpcErrors.inc({ bot: this.name });
          this.#cycleLog?.warn('ORDER', `order book of market ${i} unavailable: ${String(err)}`);
          return undefined;
        }),
      ),
    );
  }

  /** Sends commands (journaled first, so the journal order is command → its events → its result). */
  async send(ts: number, commands: OrderCommand[], cid: string): Promise<boolean> {
    if (!this.#o.leaseHeld()) {
      if (!this.#leaseWarned) {
        this.#leaseWarned = true;
        this.#o.metrics.leaseLost.inc({ bot: this.name });
        this.event('error', 'lease_lost', 'lease lost: this runner no longer sends orders for the bot', {
          cid,
        });
      }
      return false;
    }
    for (const c of commands) {
      this.journal(ts, 'command', { cid, command: c });
      this.#series.orderSent(c.kind);
    }
    let results: Awaited<ReturnType<VenuePort['execute']>>;
    try {
      results = await this.venue.execute(this.subaccountId, commands);
    } catch (err) {
      this.#o.metrics.rpcErrors.inc({ bot: this.name });
      this.journal(ts, 'command_result', { cid, ok: false, error: String(err) });
      this.#lineLog(cid).error('ORDER', 'venue call failed', { error: String(err) });
      return false;
    }
    for (const r of results) {
      if (r.ok) continue;
      this.#o.metrics.ordersRejected.inc({ bot: this.name, reason: r.reason });
      this.journal(ts, 'command_result', { cid, ok: false, reason: r.reason, detail: r.detail });
      this.#lineLog(cid).warn('ORDER', `rejected: ${r.reason}`, { detail: r.detail, kind: r.command.kind });
    }
    return true;
  }

  #recordVerdict(ts: number, v: Verdict, cid: string, log: Logger): void {
    this.journal(ts, 'verdict', { cid, kind: v.kind, band: v.band, reasons: v.reasons });
    // a verdict without reasons (almost every decision) has its key ready: no string made per decision
    const key =
      v.reasons.length === 0
        ? BARE_VERDICT_KEY[v.kind]
        : `${v.kind}|${v.reasons.map((r) => `${r.rule}:${r.action}`).join(',')}`;
    if (key === this.#verdictKey) return;
    this.#verdictKey = key;
    const row = { ts, ...v };
    this.#writes.verdicts.push(row);
    log.info('RISK', `verdict ${v.kind}`, {
      reasons: v.reasons.map((r) => `${r.rule}: ${r.message}`),
    });
    this.onChange?.('verdict', { botId: this.id, verdict: row });
  }

  /**
   * After a tick: refresh the account, keep a history point, schedule a snapshot at the cadence. Not an async
   * function (as `cycle`): with the account at hand (the simulator's, every bar of every paper bot) it makes no
   * promise; a throw comes back as a rejected promise.
   */
  afterTick(ts: number): Promise<void> {
    try {
      // Usually the cycle's own last read: a tick that decided and sent nothing more has not moved the venue.
      const account = this.#currentAccount();
      if (account instanceof Promise) return account.then((a) => this.#afterTickWith(ts, a));
      this.#afterTickWith(ts, account);
      return SETTLED;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #afterTickWith(ts: number, account: AccountState): void {
    if (ts > this.ts) this.ts = ts;
    this.funding.observe(ts, account, (i) => this.engine.snapshot(i));
    if (
      this.#lastSnapshotTs === undefined ||
      Math.floor(ts / this.#o.snapshotCadenceMs) !==
        Math.floor(this.#lastSnapshotTs / this.#o.snapshotCadenceMs)
    ) {
      this.#lastSnapshotTs = ts;
      this.#writes.snapshot = { ts, account };
    }
    if (ts - this.#lastHistoryTs >= (this.#o.historyEveryMs ?? 60_000)) {
      this.#lastHistoryTs = ts;
      const primary = this.engine.markets[0];
      const snap = primary ? this.engine.snapshot(primary.marketIndex) : undefined;
      const pos = primary ? account.positions.find((p) => p.marketIndex === primary.marketIndex) : undefined;
      const liq = primary ? this.#o.liquidationPrice(account, primary.marketIndex) : undefined;
      const range = this.lastDecision?.range;
      this.history.push({
        ts,
        mark: snap && snap.mark > 0 ? snap.mark : null,
        equity: Number(account.totalCollateral) / 1e6,
        base: pos ? Number(pos.base) / 1e9 : 0,
        liqPrice: liq === undefined ? null : Number(liq) / 1e6,
        lo: range ? (Number.isNaN(range.lo) ? null : range.lo) : undefined,
        hi: range ? (Number.isNaN(range.hi) ? null : range.hi) : undefined,
      });
    }
    this.onChange?.('bot', { botId: this.id });
  }
}

/** The log category of a bot event kind: what it is about (positions, orders, risk) or the system. */
function categoryOf(kind: string): LogCategory {
  if (kind === 'stopped' || kind === 'liquidated' || kind === 'started') return 'POSITION';
  if (kind === 'manual' || kind === 'health') return 'RISK';
  return 'SYSTEM';
}
