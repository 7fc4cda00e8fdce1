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
import { baseToNumber, quoteToNumber } from '../domain/precision.ts';
import { priceOnTick } from '../domain/rounding.ts';
import type { DesiredOrder, MarketSnapshot } from '../domain/snapshot.ts';
import type { AccountState, OrderCommand } from '../domain/types.ts';
import { governExecution } from '../execution/execution-governor.ts';
import { floatMakerOrders } from '../execution/floating.ts';
import { liveIsWanted, planOrders, planOrdersNotWanted } from '../execution/planner.ts';
import type { ExecutionPolicy } from '../execution/policy.ts';
import { rampFactor } from '../execution/ramp-in.ts';
import { BlendedRange, type BlendedRangeConfig, type RangeSource } from '../marketdata/blended-range.ts';
import { MarketSnapshotBuilder } from '../marketdata/snapshot-builder.ts';
import { anyRuleTrips, approvedVerdict, evaluateRisk, type RiskEvaluation } from '../risk/governor.ts';
import {
  type GovernorState,
  INITIAL_GOVERNOR_STATE,
  type MarketFacts,
  type RiskInputs,
} from '../risk/inputs.ts';
import type { RiskLimits } from '../risk/limits.ts';
import { LadderMemo } from '../strategies/grid/ladder-memo.ts';
import { LevelFinder, makeLattice } from '../strategies/grid/lattice.ts';
import type { GridParams } from '../strategies/grid/params.ts';
import { movedMaterially, snapRange } from '../strategies/grid/range-exit.ts';
import { decideGrid, type GridState, initialGridState } from '../strategies/grid/strategy.ts';
import { volatilityResponse } from '../strategies/grid/volatility.ts';
import { accountFigures, exposureOf, type MarketExposure } from './account-figures.ts';
import { DayStartEquity, type DayStartMemory } from './day-start-equity.ts';
import { type GridTrigger, type GridTriggerConfig, gridTrigger, type LastDecision } from './grid-trigger.ts';
import { LiveOrdersRecord } from './live-orders-record.ts';
import { type ManualControls, manualVerdict } from './manual-controls.ts';
import { type PlanInputs, QuietPlan } from './quiet-plan.ts';
import { hasSignature, type VerdictSignature, verdictSignature } from './verdict-signature.ts';

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

export interface AccountView {
  account: AccountState;
  /** Liquidation price of this market's position (PRICE), undefined when none. */
  liquidationPrice: bigint | undefined;
}

/** What survives a restart of the bot's risk memory (persisted by the runner, see docs/risk.md). */
export interface GridRiskMemory {
  dayStart?: DayStartMemory;
  dailyLossLatchDay: number | null;
  dailyLossSince: number | null;
}

/** An exposure with the orders and position it was summed from (GridBot.#exposureOf). */
interface ExposureMemo {
  orders: LiveOrdersRecord;
  base: bigint;
  quoteEntry: bigint;
  exposure: MarketExposure;
}

interface Decided extends LastDecision {
  verdictKey: VerdictSignature;
  /**
   * Whether a check that trips no rule on `band` (approvedVerdict) has verdictKey's signature, with the grid it
   * was asked under (the signature counts whole levels of the grid's size, which a reload may change).
   */
  quiet?: { grid: GridParams; keeps: boolean };
  loIdx: number;
  hiIdx: number;
  band: ExposureBand;
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
  private governor: GovernorState = INITIAL_GOVERNOR_STATE;
  private readonly dayStart = new DayStartEquity();
  private last: Decided | undefined;
  private venueEventPending = true;
  /**
   * The exposure of the last account evaluated, with what it was summed from: the bots check risk on every bar,
   * mostly with no order or position changed since, so the orders need not be summed again. The orders are
   * compared one by one (live-orders-record.ts): a backtest's account view brings a new list at every read.
   */
  #exposure: ExposureMemo | undefined;
  /** The last ladder with what it was built from: a decision that moved none of it reuses it (ladder-memo.ts). */
  readonly #ladders = new LadderMemo();
  /** The levels of the mark and of the range's bounds, kept between bars (LevelFinder): asked on every bar. */
  readonly #markLevel = new LevelFinder();
  readonly #rangeLevels = { lo: new LevelFinder(), hi: new LevelFinder() };
  /** The last decision that found its orders live, for skipping the same one again (quiet-plan.ts). */
  readonly #quietPlan = new QuietPlan();
  /**
   * The risk memory last handed out, handed out again while nothing in it changed: the runner asks after every
   * decision and compares by object before it serialises (it is the same for a whole day but for a latch).
   */
  #riskMemory: GridRiskMemory | undefined;
  /** The last verdict, for observers between decisions. */
  lastVerdict: Verdict | undefined;

  /** The trigger's settings with the policy they were made from (asked on every bar; made once per policy). */
  #triggerConfig: (GridTriggerConfig & { from: ExecutionPolicy }) | undefined;
  /** The risk rules' market facts with the market they were made from. */
  #facts: { from: GridBotSetup['market']; facts: MarketFacts } | undefined;

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
      if (view) this.dayStart.at(s.ts, quoteToNumber(view.account.totalCollateral));
      return 'venue_event';
    }
    const lattice = this.gridState.lattice;
    let riskChanged = false;
    let rangeMoved = false;
    if (last !== undefined) {
      if (view) riskChanged = this.#riskChanged(view, last);
      const input = this.rangeInput();
      if (lattice && input) {
        rangeMoved =
          Number.isNaN(last.loIdx) ||
          movedMaterially(last, snapRange(lattice, input, this.#rangeLevels)) ||
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
    const position = view.account.positions.find((p) => p.marketIndex === market.marketIndex);
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
    );
    this.gridState = g.state;

    const evaluation = this.evaluate(view, g.band);
    this.governor = evaluation.state;
    const verdict = manualVerdict(evaluation.verdict, this.manual);
    const { desired, commands } = this.#execute(
      {
        ladder: g.ladder,
        verdict,
        positionBase,
        rampFactor: rampFactor(this.setup.startTs, ts, execution.rampIn),
        live: view.account.openOrders,
      },
      snapshot,
      ts,
    );
    this.lastVerdict = verdict;
    this.venueEventPending = false;
    const verdictKey = verdictSignature(evaluation.verdict, this.setup);
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
    const kept = this.#riskMemory;
    const { dailyLossLatchDay, dailyLossSince } = this.governor;
    if (
      kept !== undefined &&
      kept.dailyLossLatchDay === dailyLossLatchDay &&
      kept.dailyLossSince === dailyLossSince &&
      this.dayStart.is(kept.dayStart)
    ) {
      return kept;
    }
    this.#riskMemory = { dayStart: this.dayStart.memory(), dailyLossLatchDay, dailyLossSince };
    return this.#riskMemory;
  }

  /** Takes persisted daily-loss memory back after a restart (a latch of an earlier day simply expires). */
  restoreRiskMemory(m: GridRiskMemory): void {
    if (m.dayStart) this.dayStart.restore(m.dayStart);
    this.governor = {
      ...this.governor,
      dailyLossLatchDay: m.dailyLossLatchDay,
      dailyLossSince: m.dailyLossSince,
    };
  }

  /**
   * Whether the risk verdict on the account now would have another signature than the last decision's (the
   * every-bar pre-check). Most checks trip no rule: the verdict is then approvedVerdict on the decision's band,
   * whose answer was noted with the decision, so the outcomes are not built.
   */
  #riskChanged(view: AccountView, last: Decided): boolean {
    const inputs = this.#riskInputs(view, last.band);
    if (!anyRuleTrips(inputs, this.setup.risk)) {
      const grid = this.setup.grid;
      if (last.quiet?.grid !== grid) {
        last.quiet = { grid, keeps: hasSignature(approvedVerdict(last.band), last.verdictKey, this.setup) };
      }
      return !last.quiet.keeps;
    }
    return !hasSignature(evaluateRisk(inputs, this.setup.risk).verdict, last.verdictKey, this.setup);
  }

  /**
   * The risk governor's verdict on the account now and the state it carries; pure apart from noting the day's
   * starting equity. When no rule trips (most decisions) it is what evaluateRisk answers then (`approved`),
   * without the outcomes, which a decision does not read.
   */
  private evaluate(view: AccountView, band: ExposureBand): Pick<RiskEvaluation, 'verdict' | 'state'> {
    const inputs = this.#riskInputs(view, band);
    const risk = this.setup.risk;
    if (!anyRuleTrips(inputs, risk)) return { verdict: approvedVerdict(band), state: INITIAL_GOVERNOR_STATE };
    return evaluateRisk(inputs, risk);
  }

  /** What the risk governor reads of the account now; notes the day's starting equity on a new day's first look. */
  #riskInputs(view: AccountView, band: ExposureBand): RiskInputs {
    const { market } = this.setup;
    const snapshot = this.snapshots.current;
    const equity = quoteToNumber(view.account.totalCollateral);
    const figures = accountFigures({
      account: view.account,
      marketIndex: market.marketIndex,
      liquidationPrice: view.liquidationPrice,
      dayStartEquity: this.dayStart.at(snapshot.ts, equity),
      exposure: this.#exposureOf(view.account),
      totalCollateral: equity,
    });
    return {
      ts: snapshot.ts,
      band,
      snapshot,
      account: figures,
      market: this.#marketFacts(),
      manualReduceOnly: this.manual.reduceOnly,
      previous: this.governor,
    };
  }

  /** The market facts the risk rules read, made again only when the setup's market changed (a reload). */
  #marketFacts(): MarketFacts {
    const market = this.setup.market;
    const kept = this.#facts;
    if (kept?.from === market) return kept.facts;
    const facts = { maintenanceMarginRatio: market.marginRatioMaintenance / 10_000 };
    this.#facts = { from: market, facts };
    return facts;
  }

  /** This market's exposure of `account`, summed again only when its orders or position changed. */
  #exposureOf(account: AccountState): MarketExposure {
    const marketIndex = this.setup.market.marketIndex;
    let base = 0n;
    let quoteEntry = 0n;
    // a loop, not find() with a closure: this runs on every risk check
    for (const p of account.positions) {
      if (p.marketIndex !== marketIndex) continue;
      base = p.base;
      quoteEntry = p.quoteEntry;
      break;
    }
    const kept = this.#exposure;
    if (
      kept !== undefined &&
      kept.base === base &&
      kept.quoteEntry === quoteEntry &&
      kept.orders.matches(account.openOrders)
    ) {
      return kept.exposure;
    }
    const exposure = exposureOf(account, marketIndex);
    // the record is made once and taken again in place: this runs on every bar
    const orders = kept?.orders ?? new LiveOrdersRecord();
    orders.take(account.openOrders);
    this.#exposure = { orders, base, quoteEntry, exposure };
    return exposure;
  }

  /** The volatility response wants a step the lattice no longer matches (decideGrid will re-choose it). */
  private latticeStale(): boolean {
    const lattice = this.gridState.lattice;
    if (!lattice) return false;
    const { grid } = this.setup;
    const want = volatilityResponse(this.snapshots.current.vol, grid.stepPct, grid.volatility).stepPct / 100;
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
