/**
 * What the grid does when price leaves its range (DESIGN.md §4).
 * - bounded: the range is the blended percentile range; outside it the grid only exits (no order may grow the
 *   position).
 * - infinity: when price breaks out, the range re-anchors to follow it: it slides multiplicatively (keeping its
 *   lo/hi ratio) so price sits on the edge it crossed. The slid range is kept in GridState and holds on a pullback,
 *   so the grid trades around the new level; once price is back inside the input range, the input range rules
 *   again. Risk limits still cap everything downstream.
 */
import type { PriceRange } from '../../marketdata/blended-range.ts';
import type { Lattice } from './lattice.ts';

export type RangeMode = 'bounded' | 'infinity';

/** The grid's memory between decisions. */
export interface GridState {
  /** The range used by the last decision; NaN before the first one. */
  lo: number;
  hi: number;
  /** True while an infinity grid runs on a re-anchored (slid) range. */
  anchored: boolean;
  /** The ladder's price lattice, chosen at the first decision (see lattice.ts). */
  lattice?: Lattice;
}

export const initialGridState = (): GridState => ({ lo: Number.NaN, hi: Number.NaN, anchored: false });

export interface ResolvedRange {
  lo: number;
  hi: number;
  /** No usable range, or a bounded grid outside it: emit only orders that reduce the position. */
  exitsOnly: boolean;
  state: GridState;
}

/** Resolves the range for one decision; returns `state` itself when nothing changed (no allocation). */
export function resolveRange(
  mode: RangeMode,
  mark: number,
  input: PriceRange | undefined,
  state: GridState,
): ResolvedRange {
  const haveInput = input !== undefined && input.hi >= input.lo && input.lo > 0;
  const haveState = state.lo > 0 && state.hi >= state.lo;
  if (!haveInput && !haveState) return { lo: Number.NaN, hi: Number.NaN, exitsOnly: true, state };
  let lo = haveInput ? input.lo : state.lo;
  let hi = haveInput ? input.hi : state.hi;
  const inside = mark >= lo && mark <= hi;

  if (mode === 'bounded') return { lo, hi, exitsOnly: !inside, state: remember(state, lo, hi, false) };

  if (inside) {
    // without a fresh input the state's range is what we are inside; keep its anchored flag
    const anchored = !haveInput && state.anchored;
    return { lo, hi, exitsOnly: false, state: remember(state, lo, hi, anchored) };
  }
  if (state.anchored && haveState) {
    lo = state.lo;
    hi = state.hi;
  }
  const factor = mark > hi ? mark / hi : mark < lo ? mark / lo : 1;
  lo *= factor;
  hi *= factor;
  if (factor > 1)
    hi = mark; // exact edge despite rounding
  else if (factor < 1) lo = mark;
  return { lo, hi, exitsOnly: false, state: remember(state, lo, hi, true) };
}

function remember(state: GridState, lo: number, hi: number, anchored: boolean): GridState {
  return state.lo === lo && state.hi === hi && state.anchored === anchored
    ? state
    : { ...state, lo, hi, anchored };
}
