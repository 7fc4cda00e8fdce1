/**
 * One grid bot's decision pipeline, shared by backtest, paper and live (the drivers differ only in where
 * market data comes from and how commands reach a venue):
 *   market events → snapshot + blended range → decideGrid → evaluateRisk → governExecution → planOrders.
 * Every stage is a pure function; this class only carries their state from one decision to the next, and says
 * when a decision is due (grid-trigger.ts): on fills, risk changes, deadlines and range moves at once, on level
 * crossings and the heartbeat at the volatility-scaled cadence — never because the price merely moved.
 */
import type { Candle, FundingRecord } from '../data/types.ts';
import type { ExposureBand, Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { baseToNumber } from '../domain/precision.ts';
import { priceOnTick } from '../domain/rounding.ts';
import type { DesiredOrder, MarketSnapshot } from '../domain/snapshot.ts';
import type { OrderCommand } from '../domain/types.ts';
import { governExecution } from '../execution/execution-governor.ts';
import { floatMakerOrders } from '../execution/floating.ts';
import { liveIsWanted, planOrders, planOrdersNotWanted } from '../execution/planner.ts';
import type { ExecutionPolicy } from '../execution/policy.ts';
import { rampFactor } from '../execution/ramp-in.ts';
import { BlendedRange, type BlendedRangeConfig, type RangeSource } from '../marketdata/blended-range.ts';
import { MarketSnapshotBuilder } from '../marketdata/snapshot-builder.ts';
import type { RiskLimits } from '../risk/limits.ts';
import { LadderMemo } from '../strategies/grid/ladder-memo.ts';
import { type DecisionLevels, LevelFinder, makeLattice } from '../strategies/grid/lattice.ts';
import type { GridParams } from '../strategies/grid/params.ts';
import { movedMaterially, snapRangeInto } from '../strategies/grid/range-exit.ts';
import { decideGrid, type GridState, initialGridState } from '../strategies/grid/strategy.ts';
import { volatilityStepPct } from '../strategies/grid/volatility.ts';
import {
  type AccountView,
  GridRisk,
  type GridRiskMemory,
  holdingsOf,
  type RiskBaseline,
} from './grid-risk.ts';
import { type GridTrigger, type GridTriggerConfig, gridTrigger, type LastDecision } from './grid-trigger.ts';
import { type ManualControls, manualVerdict } from './manual-controls.ts';
import { type PlanInputs, QuietPlan } from './quiet-plan.ts';
import { hasSignature, verdictSignature } from './verdict-signature.ts';

export interface GridBotSetup {
  market: MarketSpec;
  grid: GridParams;
  execution: ExecutionPolicy;
  risk: RiskLimits;
  /** Synthetic spread for bid/ask when the feed has only a mark (bars). */
  spreadBps?: number;
  /** Heartbeat between decisions when nothing happens (ms). Default 300 s. */
  heartbeatMs?: number;
  /** When the bot (re)started: ramp-in opens exposure from here. */
  startTs: number;
}

export interface GridDecisionOut {
  ts: number;
  trigger: GridTrigger;
  snapshot: MarketSnapshot;
  band: ExposureBand;
  verdict: Verdict;
  desired: DesiredOrder[];
  commands: OrderCommand[];
  lo: number;
  hi: number;
}

interface Decided extends LastDecision, RiskBaseline {
  loIdx: number;
  hiIdx: number;
}

/** The blended-range settings of a grid. */
export function gridRangeConfig(
  grid: Pick<GridParams, 'percentiles' | 'lookbackWeights'>,
): BlendedRangeConfig {
  return { percentiles: grid.percentiles, weights: grid.lookbackWeights };
}

export class GridBot {
  readonly setup: GridBotSetup;
  readonly snapshots: MarketSnapshotBuilder;
  /** Its own range (backtest), or a view of the range shared by the bots on the same stream (runner). */
  readonly range: RangeSource;
  readonly manual: ManualControls = { pause: false, reduceOnly: false };
  private gridState: GridState = initialGridState();
  /** The risk governor's state, the day's start and what it reads of the account (grid-risk.ts). */
  readonly #risk: GridRisk;
  private last: Decided | undefined;
  private venueEventPending = true;
  /** The last ladder with what it was built from: a decision that moved none of it reuses it (ladder-memo.ts). */
  readonly #ladders = new LadderMemo();
  /** The levels of the mark and of the range's bounds, kept between bars (LevelFinder): asked on every bar. */
  readonly #markLevel = new LevelFinder();
  readonly #rangeLevels = { lo: new LevelFinder(), hi: new LevelFinder() };
  /** The blended range snapped to the lattice on this bar (due's check), written in place: no object per bar. */
  readonly #freshRange = { loIdx: Number.NaN, hiIdx: Number.NaN };
  /**
   * The levels a decision looks up (decideGrid): the mark's and the range's are the ones the trigger keeps
   * (declared after them: fields are set in order).
   */
  readonly #decisionLevels: DecisionLevels = {
    mark: this.#markLevel,
    bid: new LevelFinder(),
    ask: new LevelFinder(),
    range: this.#rangeLevels,
  };
  /** The last decision that found its orders live, for skipping the same one again (quiet-plan.ts). */
  readonly #quietPlan = new QuietPlan();
  /** The last verdict, for observers between decisions. */
  lastVerdict: Verdict | undefined;

  /** The trigger's settings with the policy they were made from (asked on every bar; made once per policy). */
  #triggerConfig: (GridTriggerConfig & { from: ExecutionPolicy }) | undefined;

  /** `range`: a shared range to read instead of owning one; it must use `setup.grid`'s percentiles and weights. */
  constructor(setup: GridBotSetup, range?: RangeSource) {
    this.setup = setup;
    const { market, grid } = setup;
    this.snapshots = new MarketSnapshotBuilder({
      marketIndex: market.marketIndex,
      spreadBps: setup.spreadBps,
      fundingPeriodSec: market.fundingPeriodSec,
      contractTier: market.contractTier,
    });
    this.range = range ?? new BlendedRange(gridRangeConfig(grid));
    this.#risk = new GridRisk(setup, this.manual);
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

  /**
   * The range the curve is laid on: the fixed one when configured, else the blended percentile range (the range
   * object itself: read at once, never kept, so no copy per bar).
   */
  private rangeInput(): { readonly lo: number; readonly hi: number } | undefined {
    const fixed = this.setup.grid.range;
    if (fixed) return fixed;
    return Number.isNaN(this.range.lo) ? undefined : this.range;
  }

  /**
   * Whether a decision is due at the current snapshot, and why; cheap, called on every market event. With the
   * account, a change of the risk verdict is noticed at once (without it, at the next decision).
   */
  due(view?: AccountView): GridTrigger | null {
    const s = this.snapshots.current;
    if (!(s.mark > 0)) return null;
    const last = this.last;
    if (last !== undefined && this.venueEventPending) {
      // gridTrigger answers this before it reads anything else, so neither the risk check nor the range is asked
      // (a fleet's fill bar is one of these for every bot). The risk check's one lasting effect is kept: it notes
      // the day's starting equity on a new day's first look.
      if (view) this.#risk.noteDay(s.ts, view);
      return 'venue_event';
    }
    const lattice = this.gridState.lattice;
    let riskChanged = false;
    let rangeMoved = false;
    if (last !== undefined) {
      if (view) riskChanged = this.#risk.changedSince(last, view, s);
      const input = this.rangeInput();
      if (lattice && input) {
        rangeMoved =
          Number.isNaN(last.loIdx) ||
          movedMaterially(last, snapRangeInto(lattice, input, this.#rangeLevels, this.#freshRange)) ||
          this.latticeStale();
      }
    }
    return gridTrigger(
      {
        ts: s.ts,
        mark: s.mark,
        zone: lattice ? this.#markLevel.atOrBelow(lattice, s.mark) : Number.NaN,
        oracleStale: s.oracleStale,
        venueEvent: this.venueEventPending,
        riskChanged,
        rangeMoved,
        nextTimerTs: this.nextTimer(),
      },
      last,
      this.#triggerConfigNow(),
    );
  }

  /** The trigger's settings, made again only when the setup's execution policy or heartbeat changed (a reload). */
  #triggerConfigNow(): GridTriggerConfig {
    const { execution, heartbeatMs = 300_000 } = this.setup;
    const kept = this.#triggerConfig;
    if (kept?.from === execution && kept.heartbeatMs === heartbeatMs) return kept;
    this.#triggerConfig = {
      from: execution,
      cadenceMs: execution.cadenceSec * 1000,
      heartbeatMs,
      requoteThresholdBps: execution.requoteThresholdBps,
    };
    return this.#triggerConfig;
  }

  /**
   * Floating orders: the lattice's origin moves to the oracle at each decision (its step kept) and the range is
   * laid afresh on it, so the ladder's oracle offsets stay where the curve wants them as the price moves.
   */
  #oracleLattice(oracle: number): GridState {
    const prev = this.gridState.lattice;
    if (!prev || !(oracle > 0)) return initialGridState();
    return { lattice: makeLattice(oracle, prev.stepFraction), loIdx: Number.NaN, hiIdx: Number.NaN };
  }

  /** One decision on the venue's current account: the commands to send, and why. */
  decide(view: AccountView, trigger: GridTrigger): GridDecisionOut {
    const { market, grid, execution } = this.setup;
    const snapshot = this.snapshots.current;
    const ts = snapshot.ts;
    const holdings = holdingsOf(view);
    const position = holdings.positions.find((p) => p.marketIndex === market.marketIndex);
    const positionBase = position?.base ?? 0n;
    // Floating orders: the levels follow the oracle (the lattice's origin moves to it at each decision, its
    // spacing kept), so resting oracle-offset orders stay where the ladder wants them as the price moves.
    const state = execution.oracleOffsetOrders ? this.#oracleLattice(snapshot.oracle) : this.gridState;
    const g = decideGrid(
      snapshot,
      this.rangeInput(),
      { base: baseToNumber(positionBase) },
      grid,
      market,
      state,
      this.#ladders,
      this.#decisionLevels,
    );
    this.gridState = g.state;

    const riskVerdict = this.#risk.decide(view, g.band, snapshot);
    const verdict = manualVerdict(riskVerdict, this.manual);
    const { desired, commands } = this.#execute(
      {
        ladder: g.ladder,
        verdict,
        positionBase,
        rampFactor: rampFactor(this.setup.startTs, ts, execution.rampIn),
        live: holdings.openOrders,
      },
      snapshot,
      ts,
    );
    this.lastVerdict = verdict;
    this.venueEventPending = false;
    // the last decision's signature when this verdict has it (mostly): a signature is only ever compared part by
    // part (hasSignature), so the kept one serves as a new one would, without its objects
    const kept = this.last?.verdictKey;
    const verdictKey =
      kept !== undefined && hasSignature(riskVerdict, kept, this.setup)
        ? kept
        : verdictSignature(riskVerdict, this.setup);
    this.last = {
      ts,
      mark: snapshot.mark,
      zone: g.zone,
      oracleStale: snapshot.oracleStale,
      cadenceFactor: g.cadenceFactor,
      marketRelative: desired.some((o) => o.level === 0),
      verdictKey,
      loIdx: g.loIdx,
      hiIdx: g.hiIdx,
      band: g.band,
    };
    return { ts, trigger, snapshot, band: g.band, verdict, desired, commands, lo: g.lo, hi: g.hi };
  }

  /**
   * The orders the verdict lets through and the commands that make the live set match them. A decision with the
   * same inputs as the last one that found its orders live sends nothing again: both stages skipped (quiet-plan.ts).
   */
  #execute(
    x: PlanInputs,
    snapshot: MarketSnapshot,
    ts: number,
  ): { desired: DesiredOrder[]; commands: OrderCommand[] } {
    const { market, execution } = this.setup;
    // floating orders are re-anchored to the oracle at every decision: nothing to keep
    const floating = execution.oracleOffsetOrders;
    const kept = floating ? undefined : this.#quietPlan.desiredIfQuiet(x);
    if (kept !== undefined) return { desired: kept, commands: [] };
    const desired = governExecution({
      verdict: x.verdict,
      snapshot,
      market,
      positionBase: x.positionBase,
      ladder: x.ladder,
      policy: execution,
      rampFactor: x.rampFactor,
    });
    if (floating) {
      const planned = planOrders(desired, x.live, execution, x.verdict, ts, x.positionBase);
      const oracle = priceOnTick(snapshot.oracle, market.tickSize, 'buy');
      return { desired, commands: floatMakerOrders(planned, x.live, oracle) };
    }
    // the planner's own fast path, asked first: its answer (nothing to send) is what the memo keeps
    const quiet = liveIsWanted(desired, x.live, x.verdict, x.positionBase);
    this.#quietPlan.keep(x, desired, quiet);
    if (quiet) return { desired, commands: [] };
    return {
      desired,
      commands: planOrdersNotWanted(desired, x.live, execution, x.verdict, ts, x.positionBase),
    };
  }

  /** The daily-loss memory to persist; compare with the last persisted value to know when to write. */
  riskMemory(): GridRiskMemory {
    return this.#risk.memory();
  }

  /** Takes persisted daily-loss memory back after a restart (a latch of an earlier day simply expires). */
  restoreRiskMemory(m: GridRiskMemory): void {
    this.#risk.restore(m);
  }

  /** The volatility response wants a step the lattice no longer matches (decideGrid will re-choose it). */
  private latticeStale(): boolean {
    const lattice = this.gridState.lattice;
    if (!lattice) return false;
    const { grid } = this.setup;
    const want = volatilityStepPct(this.snapshots.current.vol, grid.stepPct, grid.volatility) / 100;
    return Math.abs(lattice.stepFraction - want) > 0.2 * want;
  }

  /** The next deadline after the last decision: a ramp-in opening or a flatten turning taker. */
  private nextTimer(): number {
    const last = this.last;
    if (!last) return Number.POSITIVE_INFINITY;
    let next = Number.POSITIVE_INFINITY;
    const { steps, intervalSec } = this.setup.execution.rampIn;
    const interval = intervalSec * 1000;
    if (steps > 1 && interval > 0) {
      const k = Math.floor((last.ts - this.setup.startTs) / interval) + 1;
      if (k < steps) next = this.setup.startTs + k * interval;
    }
    const flatten = this.lastVerdict?.flatten;
    if (flatten && !flatten.taker) {
      next = Math.min(next, flatten.sinceTs + this.setup.risk.flattenAfterSec * 1000);
    }
    return next;
  }
}
