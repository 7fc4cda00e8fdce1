/**
 * The grid/curve strategy's decision (DESIGN.md §4): a pure function of the market snapshot, the current range,
 * the position, the parameters, the market spec and the grid's own state. It returns the exposure band the
 * strategy asks for (preferred base from the curve), the desired maker ladder, and the next state.
 *
 * The band is [−maxShort, +maxLong] from the curve's extent while the grid may trade, and shrinks to
 * [min(0, position), max(0, position)] in exits-only mode (bounded grid outside its range, no range yet, or the
 * venue has the market in reduce-only), so the same band check in the ladder leaves only reducing orders.
 */
import type { ExposureBand } from '../../domain/intent.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import type { DesiredOrder, MarketSnapshot } from '../../domain/snapshot.ts';
import type { PriceRange } from '../../marketdata/blended-range.ts';
import { normalizeIntent } from '../intent.ts';
import { curveExtent, preferredBase } from './curve.ts';
import { buildLadder, sideLevels } from './ladder.ts';
import { latticeFor } from './lattice.ts';
import type { GridParams } from './params.ts';
import { type GridState, resolveRange } from './range-exit.ts';
import { volatilityResponse } from './volatility.ts';

export type { GridState } from './range-exit.ts';
export { initialGridState } from './range-exit.ts';

export interface GridDecision {
  band: ExposureBand;
  ladder: DesiredOrder[];
  state: GridState;
  /** The range this decision used (after re-anchoring); NaN bounds when there was none. */
  lo: number;
  hi: number;
  /** True when only position-reducing orders were allowed. */
  exitsOnly: boolean;
  /** Step actually used, percent (≥ params.stepPct when volatility widened it). */
  stepPct: number;
  /** Multiply the decision interval by this (≥ 1; volatility slows the cadence). */
  cadenceFactor: number;
}

export function decideGrid(
  snapshot: MarketSnapshot,
  range: PriceRange | undefined,
  position: { base: number },
  params: GridParams,
  market: MarketSpec,
  state: GridState,
): GridDecision {
  const mark = snapshot.mark;
  const pos = position.base;
  const { stepPct, cadenceFactor } = volatilityResponse(snapshot.vol, params.stepPct, params.volatility);
  const stepFraction = stepPct / 100;
  const resolved = resolveRange(params.rangeMode, mark, range, state);
  const lattice = latticeFor(resolved.state.lattice, mark, stepFraction);
  const nextState = lattice === resolved.state.lattice ? resolved.state : { ...resolved.state, lattice };
  const exitsOnly = resolved.exitsOnly || snapshot.reduceOnly || !(mark > 0);
  const extent = curveExtent(params.levels, params.baseSizePerLevel, params.bias, params.biasSkew);

  const minBase = exitsOnly ? Math.min(0, pos) : -extent.maxShort;
  const maxBase = exitsOnly ? Math.max(0, pos) : extent.maxLong;
  const curve = Number.isNaN(resolved.lo)
    ? 0
    : preferredBase(
        params.curve,
        mark,
        resolved.lo,
        resolved.hi,
        extent,
        stepFraction,
        params.baseSizePerLevel,
      );
  const band = normalizeIntent(
    { kind: 'band', marketIndex: market.marketIndex, minBase, maxBase, preferredBase: curve },
    curve,
  );

  const sides = sideLevels(params.bias, params.biasSkew, params.levels, params.liveLevelsPerSide);
  const ladder = buildLadder(
    {
      mark,
      stepFraction,
      bidLevels: sides.bidLevels,
      askLevels: sides.askLevels,
      liveBids: sides.liveBids,
      liveAsks: sides.liveAsks,
      bidSize: params.baseSizePerLevel,
      askSize: params.baseSizePerLevel,
      position: pos,
      minBase,
      maxBase,
      postOnly: params.postOnly,
      reduceOnly: exitsOnly,
      lattice,
    },
    market,
  );

  return {
    band,
    ladder,
    state: nextState,
    lo: resolved.lo,
    hi: resolved.hi,
    exitsOnly,
    stepPct,
    cadenceFactor,
  };
}
