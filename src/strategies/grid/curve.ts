/**
 * Curves: price → the position the grid wants, over the range [lo, hi] (DESIGN.md §4, docs/grid-strategy.md).
 * At lo the bot wants its largest long, at hi its largest short, with the zero crossing halfway for a neutral
 * bias and shifted by a bias. The range arrives snapped onto the lattice (range-exit.ts), so the curve changes
 * only when the laid range does, not with every wobble of a percentile.
 *
 * - `linear`: continuous — the target falls in a straight line from +maxLong at lo to −maxShort at hi, so each
 *   level adds (maxLong + maxShort) / (levels in the range) whatever `baseSizePerLevel` says.
 * - `stepwise` (the classic grid): one fixed `baseSizePerLevel` per level, counted from the zero crossing and
 *   capped at the extent (`levels` sizes each way), whatever the range's width.
 * The two agree only when the range holds exactly 2 × levels levels. Both are monotone non-increasing in price
 * (property-tested), which is what makes the ladder built from them a grid: bids below, asks above.
 */
import { type Lattice, levelAtOrBelow, levelPrice } from './lattice.ts';

export type CurveKind = 'linear' | 'stepwise';
export type Bias = 'bullish' | 'neutral' | 'bearish';

/** How far the curve reaches each way, in base units (both ≥ 0). */
export interface CurveExtent {
  maxLong: number;
  maxShort: number;
}

/**
 * The curve's reach: the full size is levels × baseSizePerLevel. A bias shrinks the disfavoured side by
 * (1 − biasSkew), which also moves the zero crossing towards that side: a bullish curve crosses zero 1/(2 − skew)
 * of the way up the range instead of halfway.
 */
export function curveExtent(
  levels: number,
  baseSizePerLevel: number,
  bias: Bias,
  biasSkew: number,
): CurveExtent {
  const full = levels * baseSizePerLevel;
  const shrunk = full * (1 - biasSkew);
  if (bias === 'bullish') return { maxLong: full, maxShort: shrunk };
  if (bias === 'bearish') return { maxLong: shrunk, maxShort: full };
  return { maxLong: full, maxShort: full };
}

/** A curve laid on the lattice for one decision. */
export interface LaidCurve {
  kind: CurveKind;
  extent: CurveExtent;
  sizePerLevel: number;
  /** The range snapped onto the lattice: the lowest level ≥ lo and the highest level ≤ hi. */
  loIdx: number;
  hiIdx: number;
  /** Their prices. */
  lo: number;
  hi: number;
  /** Lattice coordinate (fractional) of the zero crossing. */
  zeroIdx: number;
}

/** Lays the curve over the range loIdx..hiIdx (lattice levels, loIdx ≤ hiIdx). */
export function layCurve(
  kind: CurveKind,
  lattice: Lattice,
  range: { loIdx: number; hiIdx: number },
  extent: CurveExtent,
  sizePerLevel: number,
): LaidCurve {
  const { loIdx, hiIdx } = range;
  const total = extent.maxLong + extent.maxShort;
  const zeroFraction = total > 0 ? extent.maxLong / total : 0.5;
  return {
    kind,
    extent,
    sizePerLevel,
    loIdx,
    hiIdx,
    lo: levelPrice(lattice, loIdx),
    hi: levelPrice(lattice, hiIdx),
    zeroIdx: loIdx + (hiIdx - loIdx) * zeroFraction,
  };
}

/** The stepwise target at lattice level j: whole sizes counted from the zero crossing, capped at the extent. */
function stepwiseAt(c: LaidCurve, j: number): number {
  const size = c.sizePerLevel;
  if (!(size > 0)) return 0;
  const longLevels = Math.floor(c.extent.maxLong / size + 1e-9);
  const shortLevels = Math.floor(c.extent.maxShort / size + 1e-9);
  const n = Math.round(c.zeroIdx - j);
  return (n > longLevels ? longLevels : n < -shortLevels ? -shortLevels : n) * size;
}

/** The linear target at a price: +maxLong at lo, −maxShort at hi, a straight line between, flat outside. */
export function linearAt(c: LaidCurve, price: number): number {
  const { maxLong, maxShort } = c.extent;
  if (price <= c.lo) return maxLong;
  if (price >= c.hi) return -maxShort;
  return maxLong - ((maxLong + maxShort) * (price - c.lo)) / (c.hi - c.lo);
}

/** The position the curve wants at lattice level j (signed base units). */
export function targetAtLevel(c: LaidCurve, lattice: Lattice, j: number): number {
  if (c.kind === 'stepwise' || c.hiIdx === c.loIdx) return stepwiseAt(c, j);
  return linearAt(c, levelPrice(lattice, j));
}

/**
 * The position the curve wants at a price between levels (the band's preferred base). `level`: the level at or
 * below the price when the caller has it (levelAtOrBelow's answer), else it is looked up.
 */
export function targetAtPrice(c: LaidCurve, lattice: Lattice, price: number, level?: number): number {
  if (c.kind === 'stepwise' || c.hiIdx === c.loIdx) {
    return stepwiseAt(c, level ?? levelAtOrBelow(lattice, price));
  }
  return linearAt(c, price);
}

/**
 * Lattice levels beyond which the curve no longer changes: targetAtLevel is the same for every j ≤ below and for
 * every j ≥ above (linear: outside the range; stepwise: past the extent). The ladder stops scanning there.
 */
export function flatBounds(c: LaidCurve): { below: number; above: number } {
  if (c.kind === 'linear' && c.hiIdx > c.loIdx) return { below: c.loIdx, above: c.hiIdx };
  const size = c.sizePerLevel;
  const longLevels = size > 0 ? Math.floor(c.extent.maxLong / size + 1e-9) : 0;
  const shortLevels = size > 0 ? Math.floor(c.extent.maxShort / size + 1e-9) : 0;
  return {
    below: Math.floor(c.zeroIdx - longLevels) - 1,
    above: Math.ceil(c.zeroIdx + shortLevels) + 1,
  };
}
