/**
 * Which range the curve is laid on, and what the grid does when price leaves it (DESIGN.md §4,
 * docs/grid-strategy.md). Ranges live on the lattice: the blended percentile range [lo, hi] is snapped to the
 * lowest level ≥ lo and the highest level ≤ hi.
 *
 * The laid range is sticky: it is re-laid from the blended range only when the market has moved somewhere else —
 * the blended range no longer overlaps the laid one, or its width has doubled or halved. A percentile band
 * wobbles with every bar; a curve that followed each wobble would move the position with it, buying after every
 * rise and selling after every fall (measured on the shipped SOL month: docs/grid-strategy.md). A grid should
 * wait for the price instead.
 *
 * The two range modes differ outside the laid range:
 * - bounded: no order may grow the position there (the ladder clips its levels);
 * - infinity: the ladder keeps trading the lattice beyond the range, up to the curve's extent, and the range
 *   follows the market by re-laying as above. Risk limits still cap everything downstream.
 */
import { type Lattice, type LevelFinder, levelAtOrAbove, levelAtOrBelow } from './lattice.ts';

export type RangeMode = 'bounded' | 'infinity';

/** The grid's memory between decisions. */
export interface GridState {
  /** The ladder's price lattice, chosen at the first decision (see lattice.ts). */
  lattice?: Lattice;
  /** The range the curve is laid on, in levels of `lattice`; NaN before there was one. */
  loIdx: number;
  hiIdx: number;
}

export const initialGridState = (): GridState => ({ loIdx: Number.NaN, hiIdx: Number.NaN });

export interface LaidRange {
  loIdx: number;
  hiIdx: number;
  state: GridState;
}

/** The blended range snapped onto the lattice; a range narrower than one step becomes its middle level. */
export function snapRange(
  lattice: Lattice,
  range: { lo: number; hi: number },
  /** Finders kept for the range's two bounds across calls (the per-bar check), else computed afresh. */
  finders?: { lo: LevelFinder; hi: LevelFinder },
): { loIdx: number; hiIdx: number } {
  return snapRangeInto(lattice, range, finders, { loIdx: 0, hiIdx: 0 });
}

/** snapRange written into `out` (returned): the every-bar check (GridBot.due) makes no object per bar. */
export function snapRangeInto<T extends { loIdx: number; hiIdx: number }>(
  lattice: Lattice,
  range: { lo: number; hi: number },
  finders: { lo: LevelFinder; hi: LevelFinder } | undefined,
  out: T,
): T {
  const loIdx = finders ? finders.lo.atOrAbove(lattice, range.lo) : levelAtOrAbove(lattice, range.lo);
  const hiIdx = finders ? finders.hi.atOrBelow(lattice, range.hi) : levelAtOrBelow(lattice, range.hi);
  if (hiIdx >= loIdx) {
    out.loIdx = loIdx;
    out.hiIdx = hiIdx;
    return out;
  }
  const mid = levelAtOrBelow(lattice, Math.sqrt(range.lo * range.hi));
  out.loIdx = mid;
  out.hiIdx = mid;
  return out;
}

/** True when the fresh range has left the laid one (no overlap) or its width doubled or halved. */
export function movedMaterially(
  laid: { loIdx: number; hiIdx: number },
  fresh: { loIdx: number; hiIdx: number },
): boolean {
  const width = Math.max(1, laid.hiIdx - laid.loIdx);
  const freshWidth = Math.max(1, fresh.hiIdx - fresh.loIdx);
  return (
    fresh.loIdx > laid.hiIdx || fresh.hiIdx < laid.loIdx || freshWidth > 2 * width || 2 * freshWidth < width
  );
}

/**
 * The range for one decision on `lattice`, given the blended (or fixed) range, if any. Returns `state` itself when
 * nothing changed (no allocation on the common path).
 */
export function layRange(
  lattice: Lattice,
  input: { lo: number; hi: number } | undefined,
  state: GridState,
  /** The range bounds' finders (snapRange), kept across decisions. */
  finders?: { lo: LevelFinder; hi: LevelFinder },
): LaidRange {
  const sameLattice = state.lattice === lattice;
  let loIdx = sameLattice ? state.loIdx : Number.NaN;
  let hiIdx = sameLattice ? state.hiIdx : Number.NaN;
  if (input !== undefined && input.lo > 0 && input.hi >= input.lo) {
    const fresh = snapRange(lattice, input, finders);
    if (Number.isNaN(loIdx) || movedMaterially({ loIdx, hiIdx }, fresh)) {
      loIdx = fresh.loIdx;
      hiIdx = fresh.hiIdx;
    }
  }
  if (sameLattice && loIdx === state.loIdx && hiIdx === state.hiIdx) return { loIdx, hiIdx, state };
  return { loIdx, hiIdx, state: { lattice, loIdx, hiIdx } };
}
