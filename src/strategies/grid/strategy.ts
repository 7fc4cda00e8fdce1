/**
 * The grid/curve strategy's decision (DESIGN.md §4, docs/grid-strategy.md): a pure function of the market
 * snapshot, the current range, the position, the parameters, the market spec and the grid's own state. It
 * returns the exposure band the strategy asks for (preferred base from the curve), the desired maker ladder —
 * the orders that walk the position along the curve, on the fixed lattice — and the next state.
 *
 * The band is [−maxShort, +maxLong] from the curve's extent while the grid may trade, and shrinks to
 * [min(0, position), max(0, position)] in exits-only mode (no range yet, or the venue has the market in
 * reduce-only). A bounded range does not switch the whole grid to exits-only: it clips the levels, so orders that
 * would grow the position rest only inside [lo, hi].
 */
import type { ExposureBand } from '../../domain/intent.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import type { DesiredOrder, MarketSnapshot } from '../../domain/snapshot.ts';
import type { PriceRange } from '../../marketdata/blended-range.ts';
import { normalizeIntent } from '../intent.ts';
import { curveExtent, type LaidCurve, layCurve, targetAtPrice } from './curve.ts';
import { buildLadder, sideLevels } from './ladder.ts';
import { type LadderKey, type LadderMemo, ladderSpecOf } from './ladder-memo.ts';
import { type DecisionLevels, freshDecisionLevels, type Lattice, latticeFor } from './lattice.ts';
import type { GridParams } from './params.ts';
import { type GridState, layRange } from './range-exit.ts';
import { volatilityCadenceFactor, volatilityStepPct } from './volatility.ts';

export type { GridState } from './range-exit.ts';
export { initialGridState } from './range-exit.ts';

export interface GridDecision {
  band: ExposureBand;
  ladder: DesiredOrder[];
  state: GridState;
  /** The laid range this decision used (lattice prices); NaN bounds when there was none. */
  lo: number;
  hi: number;
  /** True when only position-reducing orders were allowed anywhere. */
  exitsOnly: boolean;
  /** Step actually used, percent (≥ params.stepPct when volatility widened it). */
  stepPct: number;
  /** Multiply the decision cadence by this (≥ 1; volatility slows the cadence). */
  cadenceFactor: number;
  /** The lattice the ladder sits on, and the level at or below the mark (the "zone" the price is in). */
  lattice: Lattice;
  zone: number;
  /** The laid range in lattice levels (NaN when there was none): the ladder changes only when these do. */
  loIdx: number;
  hiIdx: number;
}

/** Every level counts as outside: only orders that bring the position towards flat. */
const EVERYWHERE_OUTSIDE = { loIdx: Number.POSITIVE_INFINITY, hiIdx: Number.NEGATIVE_INFINITY };

export function decideGrid(
  snapshot: MarketSnapshot,
  range: PriceRange | undefined,
  position: { base: number },
  params: GridParams,
  market: MarketSpec,
  state: GridState,
  /** The grid's ladder memo (ladder-memo.ts): the same orders as building them, built only when an input moved. */
  ladders?: LadderMemo,
  /** Level lookups kept between decisions (LevelFinder: the same answers as the lattice's functions). */
  levels: DecisionLevels = freshDecisionLevels(),
): GridDecision {
  const mark = snapshot.mark;
  const q = position.base;
  const size = params.baseSizePerLevel;
  // the two parts apart: no response object per decision
  const stepPct = volatilityStepPct(snapshot.vol, params.stepPct, params.volatility);
  const cadenceFactor = volatilityCadenceFactor(snapshot.vol, params.volatility);
  const lattice = latticeFor(state.lattice, mark, stepPct / 100);
  const zone = mark > 0 ? levels.mark.atOrBelow(lattice, mark) : Number.NaN;
  const laid = layRange(lattice, range, state, levels.range);
  const haveRange = !Number.isNaN(laid.loIdx);
  const exitsOnly = !haveRange || snapshot.reduceOnly || !(mark > 0);

  const extent = curveExtent(params.levels, size, params.bias, params.biasSkew);
  let curve: LaidCurve;
  let clip: { loIdx: number; hiIdx: number } | undefined;
  if (haveRange) {
    curve = ladders
      ? ladders.curve(params.curve, lattice, laid, extent, size)
      : layCurve(params.curve, lattice, laid, extent, size);
    clip = exitsOnly ? EVERYWHERE_OUTSIDE : params.rangeMode === 'bounded' ? curve : undefined;
  } else {
    curve = unwindingCurve(q, size, zone);
    clip = EVERYWHERE_OUTSIDE;
  }

  const minBase = exitsOnly ? Math.min(0, q) : -extent.maxShort;
  const maxBase = exitsOnly ? Math.max(0, q) : extent.maxLong;
  // the zone is the level at or below the mark (LevelFinder: levelAtOrBelow's answer)
  const preferred = haveRange && mark > 0 ? targetAtPrice(curve, lattice, mark, zone) : 0;
  const band = normalizeIntent(
    { kind: 'band', marketIndex: market.marketIndex, minBase, maxBase, preferredBase: preferred },
    preferred,
  );

  const limits = { position: q, minBase, maxBase, clip, reduceOnly: exitsOnly };
  const ladder = gridLadder(snapshot, market, params, lattice, curve, limits, levels, ladders);

  return {
    band,
    ladder,
    state: laid.state,
    lo: haveRange ? curve.lo : Number.NaN,
    hi: haveRange ? curve.hi : Number.NaN,
    exitsOnly,
    stepPct,
    cadenceFactor,
    lattice,
    zone,
    loIdx: haveRange ? curve.loIdx : Number.NaN,
    hiIdx: haveRange ? curve.hiIdx : Number.NaN,
  };
}

/**
 * No range yet: a plain unwinding ladder, one size per level back to flat (a stepwise curve centred on the
 * position; the caller counts every level as outside, so nothing can grow it).
 */
function unwindingCurve(q: number, size: number, zone: number): LaidCurve {
  const reach = Math.abs(q);
  return {
    kind: 'stepwise',
    extent: { maxLong: reach, maxShort: reach },
    sizePerLevel: size,
    loIdx: Number.NaN,
    hiIdx: Number.NaN,
    lo: Number.NaN,
    hi: Number.NaN,
    zeroIdx: (Number.isNaN(zone) ? 0 : zone) + q / size,
  };
}

/** What bounds the ladder's orders: the position, the band, the clip and the exits-only flag. */
type LadderLimits = Pick<LadderKey, 'position' | 'minBase' | 'maxBase' | 'clip' | 'reduceOnly'>;

/**
 * The desired maker ladder: from the memo when nothing it is built from moved, else built (buildLadder). None
 * without a bid and an ask (buildLadder builds none without; the memo only ever sees priced markets).
 */
function gridLadder(
  snapshot: MarketSnapshot,
  market: MarketSpec,
  params: GridParams,
  lattice: Lattice,
  curve: LaidCurve,
  limits: LadderLimits,
  levels: DecisionLevels,
  ladders: LadderMemo | undefined,
): DesiredOrder[] {
  const { bid, ask } = snapshot;
  if (!(snapshot.mark > 0 && bid > 0 && ask > 0)) return [];
  const sides = sideLevels(params.bias, params.biasSkew, params.liveLevelsPerSide);
  const key: LadderKey = {
    lattice,
    curve,
    // the highest level below the ask, the lowest above the bid (levelBelow, levelAbove: buildLadder's starts,
    // which it finds itself from the book: only the memo reads them here)
    bidFrom: ladders ? levels.ask.below(lattice, ask) : Number.NaN,
    askFrom: ladders ? levels.bid.atOrBelow(lattice, bid) + 1 : Number.NaN,
    position: limits.position,
    minBase: limits.minBase,
    maxBase: limits.maxBase,
    clip: limits.clip,
    liveBids: sides.liveBids,
    liveAsks: sides.liveAsks,
    postOnly: params.postOnly,
    reduceOnly: limits.reduceOnly,
    market,
  };
  return ladders ? ladders.ladder(key, bid, ask) : buildLadder(ladderSpecOf(key, bid, ask), market);
}
