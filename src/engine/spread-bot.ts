/**
 * One spread bot's decision pipeline, shared by backtest, paper and live: two market snapshots, one risk
 * evaluation per leg (the stricter verdict governs the pair), and the pure spread cycle every
 * cycleIntervalSec. Its taker orders become IOC place commands.
 */
import type { Candle, FundingRecord } from '../data/types.ts';
import { VERDICT_RANK, type Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
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
  type SpreadBotState,
  spreadCycle,
} from '../strategies/spread/cycle.ts';
import type { SpreadParams } from '../strategies/spread/params.ts';
import type { LegOrderResult } from '../strategies/spread/types.ts';
import { accountFigures } from './account-figures.ts';
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
}

export interface SpreadAccountView {
  account: AccountState;
  liquidationPrice: (marketIndex: number) => bigint | undefined;
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
  private pending: LegOrderResult[] = [];
  /** userOrderId → the leg order it was, to turn venue outcomes into LegOrderResults. */
  private readonly sent = new Map<number, { marketIndex: number; side: 'buy' | 'sell'; filled: boolean }>();
  lastVerdict: Verdict | undefined;

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
    if (i >= 0) this.snapshots[i].onBar(candle, intervalMs);
  }

  onFunding(market: string, record: FundingRecord): void {
    const i = this.leg(market);
    if (i >= 0) this.snapshots[i].onFunding(record);
  }

  /** Venue outcomes of the orders sent last cycle become the cycle's `lastOrderResults`. */
  onVenueEvents(events: readonly VenueEvent[]): void {
    for (const e of events) {
      if (e.type === 'filled') {
        const s = this.sent.get(e.fill.userOrderId);
        if (s) s.filled = true;
      } else if (e.type === 'rejected' || e.type === 'cancelled') {
        const uid = e.type === 'rejected' ? e.order.userOrderId : e.userOrderId;
        const s = this.sent.get(uid);
        if (s && !s.filled) {
          this.pending.push({
            marketIndex: s.marketIndex,
            side: s.side,
            ok: false,
            reason: e.type === 'rejected' ? e.reason : e.reason,
          });
          this.sent.delete(uid);
        }
      }
    }
    for (const [uid, s] of this.sent) {
      if (s.filled) {
        this.pending.push({ marketIndex: s.marketIndex, side: s.side, ok: true });
        this.sent.delete(uid);
      }
    }
  }

  shutdown(): void {
    this.state = requestShutdown(this.state);
    this.nextCycleTs = Number.NEGATIVE_INFINITY;
  }

  /** Both legs have prices and the cycle interval has passed. */
  due(ts: number): boolean {
    return ts >= this.nextCycleTs && this.snapshots.every((s) => s.current.mark > 0);
  }

  decide(view: SpreadAccountView, ts: number): SpreadDecisionOut {
    const { markets, spread, risk, execution } = this.setup;
    const equity = Number(view.account.totalCollateral) / 1e6;
    const dayStart = this.dayStart.at(ts, equity);
    let verdict: Verdict | undefined;
    for (let i = 0; i < 2; i++) {
      const m = markets[i];
      const qty = i === 0 ? spread.driftQuantity : spread.kmnoQuantity;
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
    const finalVerdict = manualVerdict(verdict as Verdict, this.manual);
    const r = spreadCycle(
      this.state,
      {
        ts,
        drift: this.snapshots[0].current,
        kmno: this.snapshots[1].current,
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
    const commands: OrderCommand[] = [];
    for (const d of r.orders) {
      const uid = this.uids.next(view.account.openOrders);
      this.sent.set(uid, { marketIndex: d.marketIndex, side: d.side, filled: false });
      commands.push({ kind: 'place', order: toOrderParams(d, execution, uid) });
    }
    return { ts, verdict: finalVerdict, commands, log: r.log, shutdownComplete: r.shutdownComplete };
  }
}
