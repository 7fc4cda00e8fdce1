/**
 * Curves: price → preferred signed base inside the range [lo, hi] (DESIGN.md §4). At lo the bot wants its
 * largest long, at hi its largest short; below lo / above hi the curve stays at those ends. Every curve here is
 * monotone non-increasing in price, which the tests check as a property.
 */

export type CurveKind = 'linear' | 'stepwise';
export type Bias = 'bullish' | 'neutral' | 'bearish';

/** How far the curve reaches each way, in base units (both ≥ 0). */
export interface CurveExtent {
  maxLong: number;
  maxShort: number;
}

/**
 * The curve's reach: the full size is levels × baseSizePerLevel (filling every level of one side gets there).
 * A bias shrinks the disfavoured side by (1 − biasSkew), which also moves the curve's zero crossing towards
 * that side: a bullish curve is flat at 1/(2 − skew) of the way up the range instead of halfway.
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

/** Continuous: maxLong at lo, −maxShort at hi, straight line between. */
export function linearCurve(price: number, lo: number, hi: number, extent: CurveExtent): number {
  const { maxLong, maxShort } = extent;
  if (price <= lo && price < hi) return maxLong;
  if (price >= hi && price > lo) return -maxShort;
  if (!(hi > lo)) return (maxLong - maxShort) / 2; // degenerate range and price exactly on it
  const u = (price - lo) / (hi - lo);
  return maxLong - (maxLong + maxShort) * u;
}

/**
 * Grid-like: grid levels sit at lo·(1 + step)^j; between two levels the position holds the linear curve's value
 * at the lower level, quantised to whole level sizes. So the position changes only when price crosses a grid
 * level, and then by whole multiples of baseSizePerLevel. `stepFraction` is the step as a fraction (0.005).
 */
export function stepwiseCurve(
  price: number,
  lo: number,
  hi: number,
  extent: CurveExtent,
  stepFraction: number,
  baseSizePerLevel: number,
): number {
  const { maxLong, maxShort } = extent;
  if (price <= lo && price < hi) return maxLong;
  if (price >= hi && price > lo) return -maxShort;
  if (!(hi > lo) || !(lo > 0) || !(stepFraction > 0)) {
    return quantise(linearCurve(price, lo, hi, extent), baseSizePerLevel, extent);
  }
  const j = Math.floor(Math.log(price / lo) / Math.log1p(stepFraction));
  const level = lo * (1 + stepFraction) ** j;
  return quantise(linearCurve(level, lo, hi, extent), baseSizePerLevel, extent);
}

/** Rounds to whole level sizes, then clamps into the extent (both steps monotone, so the curve stays monotone). */
function quantise(value: number, size: number, extent: CurveExtent): number {
  const q = size > 0 ? Math.round(value / size) * size : value;
  return q > extent.maxLong ? extent.maxLong : q < -extent.maxShort ? -extent.maxShort : q;
}

/** The curve the parameters name. */
export function preferredBase(
  kind: CurveKind,
  price: number,
  lo: number,
  hi: number,
  extent: CurveExtent,
  stepFraction: number,
  baseSizePerLevel: number,
): number {
  return kind === 'linear'
    ? linearCurve(price, lo, hi, extent)
    : stepwiseCurve(price, lo, hi, extent, stepFraction, baseSizePerLevel);
}
