/**
 * Integer arithmetic in doubles, exact: the truncating multiply-divide that Drift's margin maths does in u128
 * (and the simulator in BigInt), for integers a double holds exactly.
 *
 * Why: the backtest reads the account's margin on every bar (the risk pre-check, the report row). In BigInt that
 * took the exact BigInt prices made afresh every bar and every figure made as a BigInt (a BigInt operation is
 * cheap in V8; making one from a double, or a double from one, is not). The same integers fit in doubles
 * (|v| < 2^53 is exact), so the simulator computes in doubles where it can prove the result exact
 * (margin-doubles.ts) and in BigInt elsewhere.
 *
 * The proof, piece by piece:
 * - An integer product p = a·b below 2^52 is exact, and `a * b < 2^52` in doubles tells so exactly: rounding is
 *   monotonic and 2^52 is a double, so a true product ≥ 2^52 never rounds below it.
 * - Above that, Dekker's two-product gives the product exactly as hi + lo (Veltkamp's split of each factor into
 *   halves of at most 26 significant bits; exact for factors below 2^53, far from overflow).
 * - Below 2^52, ⌊fl(x / d)⌋ is ⌊x/d⌋ (floorDiv says why). Above, the quotient of the rounded product may be
 *   off by a few; the exact remainder a·b − q·d says by how much: (hi − qh) + (lo − ql), with q·d also as
 *   qh + ql. hi and qh lie within a factor of two of each other, so hi − qh is exact (Sterbenz), and every
 *   other term is a small integer.
 * Every function returns NaN where it cannot promise exactness (a result of 2^52 or more); callers then take
 * the BigInt path. exact-doubles.test.ts checks all of it against BigInt, on random and edge values.
 */

/** Results and the operands of plain (non-Dekker) steps stay below this. */
export const EXACT_LIMIT = 2 ** 52;
/**
 * Divisors stay below this: a quotient below 2^52 then comes from a product below 2^100, whose last bit is at
 * most 2^48, so the remainder stays well inside the exact range.
 */
const DIVISOR_LIMIT = 2 ** 48;
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134_217_729;

/**
 * ⌊x / d⌋ for integers |x| < 2^52, 1 ≤ d < 2^52: the floor of the rounded quotient is already exact. Were x/d
 * = k − r/d (r ≥ 1) to round up to k, the gap r/d ≥ 1/d would be below half of k's last bit, k·2^−53 <
 * 2^52/d·2^−53 = 1/(2d): it is not. (Nor can the quotient round below an integer at or under it.)
 */
export function floorDiv(x: number, d: number): number {
  return Math.floor(x / d);
}

/** The rounding error of a·b (a·b − fl(a·b), an integer for integer factors), by Dekker's two-product. */
function productError(a: number, b: number, p: number): number {
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * ⌊a·b / d⌋ for integers 0 ≤ a, b < 2^53 and 1 ≤ d < 2^48, exactly; NaN when the result is 2^52 or more (or an
 * operand is out of range).
 */
export function floorMulDiv(a: number, b: number, d: number): number {
  if (!(a >= 0 && b >= 0 && a < 2 ** 53 && b < 2 ** 53 && d >= 1 && d < DIVISOR_LIMIT)) return Number.NaN;
  const p = a * b;
  if (p < EXACT_LIMIT) return floorDiv(p, d);
  let q = Math.floor(p / d);
  if (!(q < EXACT_LIMIT)) return Number.NaN;
  const lo = productError(a, b, p);
  const qh = q * d;
  const ql = productError(q, d, qh);
  // the exact remainder a·b − q·d, small (within a few d): see the header
  const r = p - qh + (lo - ql);
  q += floorDiv(r, d);
  return q < EXACT_LIMIT ? q : Number.NaN;
}

/** Truncation toward zero of n·m / d (BigInt's and Rust's division) for integers, d ≥ 1; NaN as floorMulDiv. */
export function truncMulDiv(n: number, m: number, d: number): number {
  const q = floorMulDiv(Math.abs(n), Math.abs(m), d);
  // 0 − q, not −q: a zero stays +0, as Number(0n) is
  return n < 0 !== m < 0 ? 0 - q : q;
}

/** `x` when below `limit` in magnitude, else NaN (a sum's term kept inside the bound its exactness rests on). */
export const bounded = (x: number, limit: number): number => (x < limit && x > -limit ? x : Number.NaN);

/** A bigint as a double when it is exact and below `limit` in magnitude, else NaN. */
export const exactNumber = (v: bigint, limit = EXACT_LIMIT): number => bounded(Number(v), limit);
