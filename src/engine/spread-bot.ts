/**
 * One spread bot's decision pipeline, shared by backtest, paper and live: two market snapshots and the venue's
 * books, one risk evaluation per leg with the account's other leg counted (the stricter verdict governs the
 * pair), and the pure spread cycle every cycleIntervalSec. Each batch of its taker orders becomes one
 * placeAndTake command (one transaction; a pair's legs fill in full together or not at all), and the fills are
 * verified from the venue's positions afterwards (`verifyFills`): a place-and-take can succeed with no fill.
 */
import type { Candle, FundingRecord } from '../data/types.ts';
import { VERDICT_RANK, type Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { baseToNumber } from '../domain/precision.ts';
import type { MarketSnapshot } from '../domain/snapshot.ts';
import type { AccountState, OrderCommand, VenueEvent } from '../domain/types.ts';
import { toOrderParams } from '../execution/planner.ts';
import type { ExecutionPolicy } from '../execution/policy.ts';
import type { LogEvent } from '../log/types.ts';
import { MarketSnapshotBuilder } from '../marketdata/snapshot-builder.ts';
import { evaluateRisk } from '../risk/governor.ts';
import { type GovernorState, INITIAL_GOVERNOR_STATE } from '../risk/inputs.ts';
import type { RiskLimits } from '../risk/limits.ts';
import {
  initialSpreadState,
  requestShutdown,
  resetHealth,
  type SpreadBotState,
} from '../strategies/spread/bot-state.ts';
import { spreadCycle } from '../strategies/spread/cycle.ts';
import type { HealthState } from '../strategies/spread/health.ts';
import type { LegBatch, LegRejection, RejectionCause } from '../strategies/spread/legs.ts';
import type { SpreadParams } from '../strategies/spread/params.ts';
import { updateSignal } from '../strategies/spread/signal.ts';
import type { LegOrderResult, SpreadSnapshot } from '../strategies/spread/types.ts';
import type { L2Book } from '../venue/port.ts';
import { accountFigures, worstCaseBaseOf } from './account-figures.ts';
import { DayStartEquity } from './day-start-equity.ts';
import { type ManualControls, manualVerdict } from './manual-controls.ts';
import { UserOrderIds } from './user-order-ids.ts';

export interface SpreadBotSetup {
  /** [DRIFT-PERP, KMNO-PERP] in that order. */
  markets: [MarketSpec, MarketSpec];
  spread: SpreadParams;
  execution: ExecutionPolicy;
  risk: RiskLimits;
  spreadBps?: number;
}

export interface SpreadDecisionOut {
  ts: number;
  verdict: Verdict;
  commands: OrderCommand[];
  log: LogEvent[];
  shutdownComplete: boolean;
  /** Legs refused before sending this cycle, by cause (the backtest report sums them). */
  refused: Partial<Record<RejectionCause, number>>;
}

export interface SpreadAccountView {
  account: AccountState;
  liquidationPrice: (marketIndex: number) => bigint | undefined;
  /** The venue's books of [DRIFT, KMNO] just before the decision; undefined = unknown (openings refused). */
  books?: readonly (L2Book | undefined)[];
}

/** Orders sent by the last decision, to be checked against the venue's positions (verifyFills). */
interface InFlight {
  /** Signed base per market before sending. */
  before: Map<number, bigint>;
  orders: { marketIndex: number; side: 'buy' | 'sell'; base: bigint; reduceOnly: boolean; uid: number }[];
}

export class SpreadBot {
  readonly setup: SpreadBotSetup;
  readonly snapshots: [MarketSnapshotBuilder, MarketSnapshotBuilder];
  readonly manual: ManualControls = { pause: false, reduceOnly: false };
  state: SpreadBotState;
  private governors: [GovernorState, GovernorState] = [INITIAL_GOVERNOR_STATE, INITIAL_GOVERNOR_STATE];
  private readonly dayStart = new DayStartEquity();
  private readonly uids = new UserOrderIds();
  private nextCycleTs = Number.NEGATIVE_INFINITY;
  private lastWarmTs = Number.NEGATIVE_INFINITY;
  /** Close time of the last bar seen on each leg. */
  private readonly barTs: [number, number] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  private pending: LegOrderResult[] = [];
  /** Orders of the last decision not yet verified against the venue's positions. */
  private inflight: InFlight | undefined;
  /** userOrderId → why the venue refused it (rejected events), to explain a missing fill. */
  private readonly refusedByVenue = new Map<number, string>();
  lastVerdict: Verdict | undefined;
  /** Called when the health status changes (the runner persists EMERGENCY). */
  onHealthChange: ((health: HealthState) => void) | undefined;

  constructor(setup: SpreadBotSetup) {
    this.setup = setup;
    this.snapshots = [
      new MarketSnapshotBuilder({ marketIndex: setup.markets[0].marketIndex, spreadBps: setup.spreadBps }),
      new MarketSnapshotBuilder({ marketIndex: setup.markets[1].marketIndex, spreadBps: setup.spreadBps }),
    ];
    this.state = initialSpreadState(setup.spread);
  }

  private leg(market: string | number): number {
    const [a, b] = this.setup.markets;
    if (market === a.symbol || market === a.marketIndex) return 0;
    if (market === b.symbol || market === b.marketIndex) return 1;
    return -1;
  }

  onBar(market: string, candle: Candle, intervalMs: number): void {
    const i = this.leg(market);
    if (i < 0) return;
    this.snapshots[i].onBar(candle, intervalMs);
    this.barTs[i] = candle.ts + intervalMs;
  }

  onFunding(market: string, record: FundingRecord): void {
    const i = this.leg(market);
    if (i >= 0) this.snapshots[i].onFunding(record);
  }

  /**
   * History before trading (a paper start, a backtest's warm-up): market data only, and the z-score's rolling
   * fit learns one observation per cycle interval, as decide would — no orders, no confirmation streak.
   */
  warm(market: string, candle: Candle, intervalMs: number): void {
    this.onBar(market, candle, intervalMs);
    const ts = candle.ts + intervalMs;
    if (ts - this.lastWarmTs < this.setup.spread.cycleIntervalSec * 1000) return;
    const [a, b] = this.snapshots;
    if (!(a.current.mark > 0 && b.current.mark > 0) || this.barTs[0] !== this.barTs[1]) return;
    const px = (s: MarketSnapshot) => (this.setup.spread.signalPrice === 'mark' ? s.mark : s.oracle);
    const u = updateSignal(this.state.fit, px(a.current), px(b.current));
    if (u.ok) this.state = { ...this.state, fit: u.fit, lastStats: u.stats };
    this.lastWarmTs = ts;
  }

  /** Venue refusals of the orders in flight, kept to explain a fill that did not happen. */
  onVenueEvents(events: readonly VenueEvent[]): void {
    if (!this.inflight) return;
    for (const e of events) {
      if (e.type === 'rejected') this.refusedByVenue.set(e.order.userOrderId, `${e.reason}: ${e.detail}`);
    }
  }

  /**
   * After sending: did each leg fill? The venue's positions are the truth (a place-and-take can succeed with no
   * fill, a send can fail as a whole). Per market the position must have moved by the orders' sizes; a
   * reduce-only close counts as done when the position is flat. The outcomes become the next cycle's
   * `lastOrderResults` (health counts failures), and the returned lines say what happened.
   */
  verifyFills(account: AccountState): LogEvent[] {
    const f = this.inflight;
    if (!f) return [];
    this.inflight = undefined;
    const baseOf = (i: number) => account.positions.find((p) => p.marketIndex === i)?.base ?? 0n;
    const log: LogEvent[] = [];
    for (const i of new Set(f.orders.map((o) => o.marketIndex))) {
      const orders = f.orders.filter((o) => o.marketIndex === i);
      const before = f.before.get(i) ?? 0n;
      const after = baseOf(i);
      const want = orders.reduce((a, o) => a + (o.side === 'buy' ? o.base : -o.base), 0n);
      const moved = after - before;
      const closedFlat = orders.every((o) => o.reduceOnly) && after === 0n;
      const ok = moved === want || closedFlat;
      for (const o of orders) {
        const why = this.refusedByVenue.get(o.uid);
        const reason = ok
          ? undefined
          : `${why ? `${why}; ` : ''}position moved ${baseToNumber(moved)} of ${baseToNumber(want)}`;
        this.pending.push({ marketIndex: o.marketIndex, side: o.side, ok, ...(reason ? { reason } : {}) });
      }
      const fields = {
        marketIndex: i,
        want: baseToNumber(want),
        moved: baseToNumber(moved),
        base: baseToNumber(after),
      };
      log.push(
        ok
          ? { level: 'info', category: 'ORDER', msg: `fills verified on ${i}`, fields }
          : { level: 'warn', category: 'ORDER', msg: `not filled as sent on ${i}`, fields },
      );
    }
    this.refusedByVenue.clear();
    return log;
  }

  /** The spread bot's health (HEALTHY / DEGRADED / EMERGENCY) as the cycle keeps it. */
  get health(): HealthState {
    return this.state.health;
  }

  /** Restores a persisted health state (EMERGENCY survives a restart until an operator resets it). */
  restoreHealth(health: HealthState): void {
    this.state = { ...this.state, health };
  }

  /** The operator's reset: EMERGENCY (or DEGRADED) back to HEALTHY. */
  resetHealth(): void {
    this.state = resetHealth(this.state, this.setup.spread);
    this.onHealthChange?.(this.state.health);
  }

  shutdown(): void {
    this.state = requestShutdown(this.state);
    this.nextCycleTs = Number.NEGATIVE_INFINITY;
  }

  /**
   * Both legs have prices, the cycle interval has passed, and BOTH legs' bars have reached `ts`: a
   * replay delivers the two markets' bars for one period one after the other, and deciding on the first would
   * price the pair with the other leg one bar old.
   */
  due(ts: number): boolean {
    return (
      ts >= this.nextCycleTs &&
      Math.min(this.barTs[0], this.barTs[1]) >= ts &&
      this.snapshots.every((s) => s.current.mark > 0)
    );
  }

  decide(view: SpreadAccountView, ts: number): SpreadDecisionOut {
    const { markets, spread } = this.setup;
    // Orders still unverified (a caller that did not verify after sending): the venue's positions now decide.
    const early = this.verifyFills(view.account);
    const finalVerdict = manualVerdict(this.pairVerdict(view, ts), this.manual);
    const withBook = (i: number): SpreadSnapshot => {
      const book = view.books?.[i];
      return book ? { ...this.snapshots[i].current, book } : this.snapshots[i].current;
    };
    const healthBefore = this.state.health.status;
    const r = spreadCycle(
      this.state,
      {
        ts,
        drift: withBook(0),
        kmno: withBook(1),
        positions: view.account.positions,
        lastOrderResults: this.pending,
        verdict: finalVerdict,
        markets,
      },
      spread,
    );
    this.pending = [];
    this.state = r.state;
    this.lastVerdict = finalVerdict;
    this.nextCycleTs = ts + spread.cycleIntervalSec * 1000;
    if (r.state.health.status !== healthBefore) this.onHealthChange?.(r.state.health);
    const commands = this.placeAndTakeCommands(r.batches, view.account);
    return {
      ts,
      verdict: finalVerdict,
      commands,
      log: [...early, ...r.log],
      shutdownComplete: r.shutdownComplete,
      refused: refusedByCause(r.rejected),
    };
  }

  /**
   * One risk evaluation per leg, the account's other leg and other markets counted, each leg's governor state
   * carried to the next decision; the stricter verdict governs the pair.
   */
  private pairVerdict(view: SpreadAccountView, ts: number): Verdict {
    const { markets, spread, risk } = this.setup;
    const equity = Number(view.account.totalCollateral) / 1e6;
    const dayStart = this.dayStart.at(ts, equity);
    const qtys = [spread.driftQuantity, spread.kmnoQuantity];
    // Worst-case notional per leg: its position and orders, or the fixed quantity the strategy asks for.
    const legNotional = markets.map(
      (m, i) =>
        Math.max(worstCaseBaseOf(view.account, m.marketIndex), qtys[i] as number) *
        this.snapshots[i].current.mark,
    );
    let otherMarkets = 0;
    for (const p of view.account.positions) {
      if (p.base === 0n || this.leg(p.marketIndex) >= 0) continue;
      otherMarkets += Math.abs(Number(p.quoteEntry) / 1e6);
    }
    let verdict: Verdict | undefined;
    for (let i = 0; i < 2; i++) {
      const m = markets[i];
      const qty = qtys[i] as number;
      const intended = i === 0 ? this.state.intended.driftBase : this.state.intended.kmnoBase;
      const e = evaluateRisk(
        {
          ts,
          band: {
            kind: 'band',
            marketIndex: m.marketIndex,
            minBase: -qty,
            maxBase: qty,
            preferredBase: intended,
          },
          snapshot: this.snapshots[i].current,
          account: accountFigures({
            account: view.account,
            marketIndex: m.marketIndex,
            liquidationPrice: view.liquidationPrice(m.marketIndex),
            dayStartEquity: dayStart,
            // Leverage (B) and notional (D) are account-wide: the other leg counts.
            otherNotional: (legNotional[1 - i] as number) + otherMarkets,
          }),
          market: { maintenanceMarginRatio: m.marginRatioMaintenance / 10_000 },
          manualReduceOnly: this.manual.reduceOnly,
          previous: this.governors[i],
        },
        risk,
      );
      this.governors[i] = e.state;
      if (!verdict || VERDICT_RANK[e.verdict.kind] > VERDICT_RANK[verdict.kind]) verdict = e.verdict;
    }
    return verdict as Verdict;
  }

  /**
   * Each batch of the cycle's orders as one placeAndTake command, every order with a fresh userOrderId; what is
   * sent is kept in flight for verifyFills.
   */
  private placeAndTakeCommands(batches: readonly LegBatch[], account: AccountState): OrderCommand[] {
    const { execution } = this.setup;
    const commands: OrderCommand[] = [];
    const before = new Map(account.positions.map((p) => [p.marketIndex, p.base]));
    const flight: InFlight = { before, orders: [] };
    // Ids in use: the venue's open orders and the ones handed out in this decision.
    const open: { userOrderId: number }[] = account.openOrders.map((o) => ({
      userOrderId: o.userOrderId,
    }));
    for (const batch of batches) {
      const orders = batch.orders.map((d) => {
        const uid = this.uids.next(open);
        open.push({ userOrderId: uid });
        flight.orders.push({
          marketIndex: d.marketIndex,
          side: d.side,
          base: d.base,
          reduceOnly: d.reduceOnly,
          uid,
        });
        return toOrderParams(d, execution, uid);
      });
      commands.push({ kind: 'placeAndTake', orders, requireFullFill: batch.allOrNothing });
    }
    if (flight.orders.length > 0) this.inflight = flight;
    return commands;
  }
}

/** Legs refused before sending, counted by cause (the backtest report sums them). */
function refusedByCause(rejected: readonly LegRejection[]): Partial<Record<RejectionCause, number>> {
  const refused: Partial<Record<RejectionCause, number>> = {};
  for (const x of rejected) refused[x.cause] = (refused[x.cause] ?? 0) + 1;
  return refused;
}
