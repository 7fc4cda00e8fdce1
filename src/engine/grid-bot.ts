/**
 * One grid bot's decision pipeline, shared by backtest, paper and live (the drivers differ only in where
 * market data comes from and how commands reach a venue):
 *   market events → snapshot + blended range → decideGrid → evaluateRisk → governExecution → planOrders.
 * Every stage is a pure function; this class only carries their state from one decision to the next.
 */
import type { Candle, FundingRecord } from '../data/types.ts';
import type { ExposureBand, Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { baseToNumber } from '../domain/precision.ts';
import { priceOnTick } from '../domain/rounding.ts';
import type { DesiredOrder, MarketSnapshot } from '../domain/snapshot.ts';
import type { AccountState, OrderCommand } from '../domain/types.ts';
import { governExecution } from '../execution/execution-governor.ts';
import { floatMakerOrders } from '../execution/floating.ts';
import { planOrders } from '../execution/planner.ts';
import type { ExecutionPolicy } from '../execution/policy.ts';
import { rampFactor } from '../execution/ramp-in.ts';
import { BlendedRange } from '../marketdata/blended-range.ts';
import { MarketSnapshotBuilder } from '../marketdata/snapshot-builder.ts';
import { evaluateRisk } from '../risk/governor.ts';
import { type GovernorState, INITIAL_GOVERNOR_STATE } from '../risk/inputs.ts';
import type { RiskLimits } from '../risk/limits.ts';
import type { GridParams } from '../strategies/grid/params.ts';
import { decideGrid, type GridState, initialGridState } from '../strategies/grid/strategy.ts';
import { accountFigures } from './account-figures.ts';
import { DayStartEquity } from './day-start-equity.ts';
import { decisionTrigger, initialTriggerState, markDecided, type TriggerReason } from './decision-trigger.ts';
import { type ManualControls, manualVerdict } from './manual-controls.ts';

export interface GridBotSetup {
  market: MarketSpec;
  grid: GridParams;
  execution: ExecutionPolicy;
  risk: RiskLimits;
  /** Synthetic spread for bid/ask when the feed has only a mark (bars). */
  spreadBps?: number;
  /** Heartbeat between decisions when nothing happens (ms). Default 60 s. */
  heartbeatMs?: number;
  /** When the bot (re)started: ramp-in opens exposure from here. */
  startTs: number;
}

export interface GridDecisionOut {
  ts: number;
  trigger: Exclude<TriggerReason, null>;
  snapshot: MarketSnapshot;
  band: ExposureBand;
  verdict: Verdict;
  desired: DesiredOrder[];
  commands: OrderCommand[];
  lo: number;
  hi: number;
}

export interface AccountView {
  account: AccountState;
  /** Liquidation price of this market's position (PRICE), undefined when none. */
  liquidationPrice: bigint | undefined;
}

export class GridBot {
  readonly setup: GridBotSetup;
  readonly snapshots: MarketSnapshotBuilder;
  readonly range: BlendedRange;
  readonly manual: ManualControls = { pause: false, reduceOnly: false };
  private gridState: GridState = initialGridState();
  private governor: GovernorState = INITIAL_GOVERNOR_STATE;
  private readonly trigger = initialTriggerState();
  private readonly dayStart = new DayStartEquity();
  private cadenceFactor = 1;
  private venueEventPending = true;
  /** The last verdict, for observers between decisions. */
  lastVerdict: Verdict | undefined;

  constructor(setup: GridBotSetup) {
    this.setup = setup;
    const { market, grid } = setup;
    this.snapshots = new MarketSnapshotBuilder({
      marketIndex: market.marketIndex,
      spreadBps: setup.spreadBps,
      fundingPeriodSec: market.fundingPeriodSec,
    });
    this.range = new BlendedRange({ percentiles: grid.percentiles, weights: grid.lookbackWeights });
  }

  onBar(candle: Candle, intervalMs: number): void {
    const s = this.snapshots.onBar(candle, intervalMs);
    this.range.update(s.ts, s.mark);
  }

  onFunding(record: FundingRecord): void {
    this.snapshots.onFunding(record);
  }

  /** A fill, funding payment, reject or liquidation happened: decide at the next opportunity. */
  onVenueEvent(): void {
    this.venueEventPending = true;
  }

  /** Restarting (or reconnecting): ramp in again from `ts`. */
  restart(ts: number): void {
    this.setup.startTs = ts;
    this.venueEventPending = true;
  }

  /** Whether a decision is due at the current snapshot; cheap, called on every market event. */
  due(): TriggerReason {
    const s = this.snapshots.current;
    if (!(s.mark > 0)) return null;
    return decisionTrigger(
      {
        ts: s.ts,
        mark: s.mark,
        oracleStale: s.oracleStale,
        venueEvent: this.venueEventPending,
        cadenceFactor: this.cadenceFactor,
      },
      this.trigger,
      {
        requoteThresholdBps: this.setup.execution.requoteThresholdBps,
        heartbeatMs: this.setup.heartbeatMs ?? 300_000,
      },
    );
  }

  #oracleLattice(oracle: number): GridState {
    const prev = this.gridState.lattice;
    if (!prev || !(oracle > 0)) return { ...this.gridState, lattice: undefined };
    return { ...this.gridState, lattice: { origin: oracle, spacing: prev.spacing } };
  }

  /** One decision on the venue's current account: the commands to send, and why. */
  decide(view: AccountView, trigger: Exclude<TriggerReason, null>): GridDecisionOut {
    const { market, grid, execution, risk } = this.setup;
    const snapshot = this.snapshots.current;
    const ts = snapshot.ts;
    const position = view.account.positions.find((p) => p.marketIndex === market.marketIndex);
    const positionBase = position?.base ?? 0n;
    // Floating orders: the levels follow the oracle (the lattice's origin moves to it at each decision, its
    // spacing kept), so resting oracle-offset orders stay where the ladder wants them as the price moves.
    const state = execution.oracleOffsetOrders ? this.#oracleLattice(snapshot.oracle) : this.gridState;
    const g = decideGrid(
      snapshot,
      Number.isNaN(this.range.lo) ? undefined : { lo: this.range.lo, hi: this.range.hi },
      { base: baseToNumber(positionBase) },
      grid,
      market,
      state,
    );
    this.gridState = g.state;
    this.cadenceFactor = g.cadenceFactor;

    const equity = Number(view.account.totalCollateral) / 1e6;
    const figures = accountFigures({
      account: view.account,
      marketIndex: market.marketIndex,
      liquidationPrice: view.liquidationPrice,
      dayStartEquity: this.dayStart.at(ts, equity),
    });
    const evaluation = evaluateRisk(
      {
        ts,
        band: g.band,
        snapshot,
        account: figures,
        market: { maintenanceMarginRatio: market.marginRatioMaintenance / 10_000 },
        manualReduceOnly: this.manual.reduceOnly,
        previous: this.governor,
      },
      risk,
    );
    this.governor = evaluation.state;
    const verdict = manualVerdict(evaluation.verdict, this.manual);
    const desired = governExecution({
      verdict,
      snapshot,
      market,
      positionBase,
      ladder: g.ladder,
      policy: execution,
      rampFactor: rampFactor(this.setup.startTs, ts, execution.rampIn),
    });
    const planned = planOrders(desired, view.account.openOrders, execution, verdict, ts, positionBase);
    const commands = execution.oracleOffsetOrders
      ? floatMakerOrders(
          planned,
          view.account.openOrders,
          priceOnTick(snapshot.oracle, market.tickSize, 'buy'),
        )
      : planned;
    this.lastVerdict = verdict;
    this.venueEventPending = false;
    markDecided(this.trigger, {
      ts,
      mark: snapshot.mark,
      oracleStale: snapshot.oracleStale,
      venueEvent: false,
      cadenceFactor: this.cadenceFactor,
    });
    return { ts, trigger, snapshot, band: g.band, verdict, desired, commands, lo: g.lo, hi: g.hi };
  }
}
