/**
 * Prices as integers on a decimal lattice: a value v is the key k at scale 10^d when k / 10^d is v exactly (the
 * division is correctly rounded, so it gives back the very double a parser made of the decimal). Prices read from
 * files carry a few decimals (a generic CSV's 149.865, a Binance kline's 147.25), so they sit on such a lattice;
 * a price computed in doubles (a simulated path) usually does not.
 *
 * Why: the blended range's windows (lattice-windows.ts) count samples by key, which turns each window's ordered
 * multiset into an array of counts that a sample changes in O(1).
 */

/** 10^0 … 10^9: the scales tried. More decimals than 9 are not taken as a lattice. */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * Keys stay within ±2^50: then v·10^d is exact to well under a half, and neighbouring keys give different
 * doubles (a double's spacing near k/10^d is below 10^-d), so the order of keys is the order of values.
 */
const MAX_KEY = 2 ** 50;

/** The decimals of the coarsest lattice v sits on (0 … 9), or −1 when none does. */
export function decimalsOf(v: number): number {
  for (let d = 0; d < POW10.length; d++) {
    const scale = POW10[d] as number;
    if (!Number.isNaN(keyAt(v, scale))) return d;
  }
  return -1;
}

/** 10^d (0 ≤ d ≤ 9). */
export const scaleOf = (d: number): number => POW10[d] as number;

/**
 * v's key at `scale`, or NaN when v is not on that lattice (or its key is too large). −0 is left off the lattice:
 * its key would read back as +0.
 */
export function keyAt(v: number, scale: number): number {
  const k = Math.round(v * scale);
  if (k / scale !== v || Math.abs(k) > MAX_KEY) return Number.NaN;
  return k === 0 && 1 / v < 0 ? Number.NaN : k;
}
