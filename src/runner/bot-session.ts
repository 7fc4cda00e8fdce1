/**
 * One running bot: its engine (the shared decision pipeline), its venue subaccount, its lease, and the writes
 * its cycles owe the database. A cycle is: due? → read the venue account → decide → (lease held?) → send
 * commands. Everything that happens — commands, venue events, verdicts — is buffered in order and committed
 * by the runner in one transaction per tick (see persist.ts), so a crash loses whole cycles, never halves.
 *
 * Its parts: the decision cycles (session-cycle.ts), the account reads (session-account.ts), the orders it knows
 * (session-orders.ts), the engine memory it has written (session-memory.ts), its backoff while degraded
 * (session-backoff.ts).
 */

import type { BotConfig } from '../config/bot-config.ts';
import type { AccountState, Order, OrderCommand, VenueEvent } from '../domain/types.ts';
import type { Logger } from '../log/logger.ts';
import type { LogCategory } from '../log/types.ts';
import type { BotEvent, JournalEntry } from '../store/index.ts';
import type { HealthState } from '../strategies/spread/health.ts';
import type { VenuePort } from '../venue/port.ts';
import type { BotEngine, EngineDecision } from './bot-engine.ts';
import { BotSeries } from './bot-series.ts';
import { ChartHistory, type ChartHistoryOptions, chartPoint } from './chart-history.ts';
import { type FundingBaseline, FundingBook } from './funding-book.ts';
import type { RunnerMetrics } from './metrics.ts';
import { anyWrites, emptyWrites, type PendingWrites, writesBefore } from './pending-writes.ts';
import { AccountReader } from './session-account.ts';
import { Backoff } from './session-backoff.ts';
import { SessionCycles } from './session-cycle.ts';
import { MemoryNotes } from './session-memory.ts';
import { SessionOrders, venueFillId } from './session-orders.ts';

export type { PendingWrites } from './pending-writes.ts';

/**
 * 'degraded': the venue or its connection failed transiently; the bot backs off, then re-reads the account and
 * reconciles its orders before deciding again. 'error' is only for a bug, and only once no order rests.
 */
export type SessionStatus = 'starting' | 'running' | 'degraded' | 'stopping' | 'stopped' | 'error';

/** The answer of a cycle with nothing due and of a tick with nothing to wait for: one settled promise for all. */
const NOTHING_DUE: Promise<undefined> = Promise.resolve(undefined);
const SETTLED: Promise<void> = Promise.resolve();

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
  /** #writes for the session's parts (one closure for all of them). */
  readonly #writesNow = (): PendingWrites => this.#writes;
  readonly #orders = new SessionOrders(this.#writesNow);
  readonly #account: AccountReader;
  readonly #memory = new MemoryNotes();
  #lastSnapshotTs: number | undefined;
  #lastHistoryTs = Number.NEGATIVE_INFINITY;
  /** The decision cycles (session-cycle.ts). */
  readonly #cycles: SessionCycles;
  /** While degraded: why, and the backoff (session-backoff.ts). */
  degradedReason: string | undefined;
  readonly #backoff = new Backoff();

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
    this.#account = new AccountReader(o.venue, o.subaccountId, o.metrics, o.name);
    this.funding = new FundingBook(
      o.engine.markets.map((m) => m.marketIndex),
      o.fundingBaselines,
    );
    this.#cycles = new SessionCycles(this, {
      account: this.#account,
      series: this.#series,
      liquidationPrice: o.liquidationPrice,
      leaseHeld: o.leaseHeld,
      metrics: o.metrics,
      log: o.log,
      memory: this.#memory,
      writes: this.#writesNow,
    });
  }

  get log(): Logger {
    return this.#o.log;
  }

  /** The account last read (session-account.ts). */
  get account(): AccountState | undefined {
    return this.#account.account;
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
    (this.#cycles.current ?? this.log).log(level, categoryOf(kind), message, { kind, ...data });
  }

  journal(ts: number, kind: JournalEntry['kind'], payload: unknown): void {
    this.#writes.journal.push({ ts, kind, payload });
  }

  /** Every venue event of this subaccount comes through here, in order. */
  onVenueEvent(e: VenueEvent): void {
    this.journal(e.ts, 'venue_event', e);
    if (e.ts > this.ts) this.ts = e.ts;
    switch (e.type) {
      case 'accepted':
        this.#orders.accepted(e.order, this.#cycles.current?.cid);
        break;
      case 'cancelled':
        this.#orders.cancelled(e.orderId, e.reason);
        break;
      case 'filled': {
        const f = e.fill;
        const fillId = venueFillId(e);
        const placedBy = this.#orders.filled(e, fillId);
        this.feesTotal += f.fee;
        this.#series.fill(f.marketIndex, f.side, () => this.#symbol(f.marketIndex));
        // The fill's correlation id: the cycle running now, else the one that placed the order (a maker fill).
        // (a maker fill comes with a bar, outside any cycle: its line needs a logger of its own, made only when
        // the line is written)
        if (this.#o.log.enabled('info')) {
          const flog = this.#cycles.current ?? (placedBy ? this.#o.log.cycle(placedBy) : this.#o.log);
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
    const wait = this.#backoff.failed(now);
    this.degradedReason = reason;
    const failures = this.#backoff.failures;
    if (first || failures % 5 === 0) {
      this.event('warn', 'degraded', `degraded (${reason}); retrying in ${(wait / 1000).toFixed(1)} s`, {
        failures,
      });
    }
    this.status = 'degraded';
    this.#o.metrics.rpcErrors.inc({ bot: this.name });
  }

  /** Whether the runner should tick this bot now (a degraded bot waits out its backoff). */
  canTry(now: number): boolean {
    return this.status !== 'degraded' || this.#backoff.ready(now);
  }

  /**
   * Back from a failure: re-read the account, reconcile the orders the bot knows with the venue's open orders
   * by order id and userOrderId (orders that landed while the outcome was unknown are adopted; known orders
   * the venue no longer has are reported and dropped), then decide at the next opportunity.
   */
  async recover(ts: number): Promise<void> {
    const account = await this.readAccount();
    // In polling mode the read above already reported fills and cancels; what is left ended unseen.
    const { adopted, gone } = this.#orders.reconcile(account.openOrders);
    this.engine.nudge();
    this.journal(ts, 'session', { event: 'recovered', adopted, gone, after: this.degradedReason });
    this.event('info', 'recovered', `recovered after ${this.#backoff.failures} failed attempt(s)`, {
      adopted: adopted.length,
      gone: gone.length,
      openOrders: account.openOrders.length,
    });
    this.#backoff.reset();
    this.degradedReason = undefined;
    this.status = 'running';
  }

  /** Orders the bot knows it placed (adopted after a restart). */
  knowOrders(orders: readonly Order[]): void {
    this.#orders.know(orders);
  }

  /** Gives the engine its persisted memory back (restart) and remembers it as written. */
  restoreMemory(memory: Record<string, unknown>): void {
    this.engine.restoreMemory(memory);
    this.#memory.restored(memory);
  }

  /** Reads the venue's account now and keeps it as `account` (session-account.ts). */
  readAccount(): Promise<AccountState> {
    return this.#account.read();
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
      return this.#cycles.run(ts, trigger);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Sends commands (journaled first, so the journal order is command → its events → its result). */
  send(ts: number, commands: OrderCommand[], cid: string): Promise<boolean> {
    return this.#cycles.send(ts, commands, cid);
  }

  /**
   * After a tick: refresh the account, keep a history point, schedule a snapshot at the cadence. Not an async
   * function (as `cycle`): with the account at hand (the simulator's, every bar of every paper bot) it makes no
   * promise; a throw comes back as a rejected promise.
   */
  afterTick(ts: number): Promise<void> {
    try {
      // Usually the cycle's own last read: a tick that decided and sent nothing more has not moved the venue.
      const account = this.#account.current();
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
      const range = this.lastDecision?.range;
      this.history.push(chartPoint(ts, this.engine, account, this.#o.liquidationPrice, range));
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
