/**
 * Drift's integer precisions and exact conversions between decimal text, JS numbers and integers.
 *
 * Every money figure that reaches the venue or the ledger is a bigint in one of these precisions; floats are
 * allowed only in the decision layer (strategy maths), and cross into integers through `toInt` here.
 * Source: protocol-v2 `sdk/src/constants/numericConstants.ts` (BASE 1e9, PRICE 1e6, QUOTE 1e6,
 * FUNDING_RATE 1e9, MARGIN 1e4, PERCENTAGE 1e6).
 */

export const BASE_DECIMALS = 9;
export const PRICE_DECIMALS = 6;
export const QUOTE_DECIMALS = 6;
export const FUNDING_RATE_DECIMALS = 9;
export const MARGIN_DECIMALS = 4;

export const BASE_PRECISION = 1_000_000_000n;
export const PRICE_PRECISION = 1_000_000n;
export const QUOTE_PRECISION = 1_000_000n;
export const FUNDING_RATE_PRECISION = 1_000_000_000n;
export const MARGIN_PRECISION = 10_000n;
export const PERCENTAGE_PRECISION = 1_000_000n;
/** BASE × PRICE / AMM_TO_QUOTE = QUOTE: base (1e9) times price (1e6) is 1e15; quote is 1e6. */
export const BASE_PRICE_TO_QUOTE = BASE_PRECISION;
/** fundingRate (1e9, quote per base) × base (1e9) / this = quote (1e6). */
export const FUNDING_BASE_TO_QUOTE = (FUNDING_RATE_PRECISION * BASE_PRECISION) / QUOTE_PRECISION;

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses decimal text ("123.456", "-1e-3", "0.5") into an integer at `decimals` places, exactly.
 * Digits beyond the precision are truncated toward zero; returns undefined when the text is not a number.
 */
export function parseDecimal(text: string, decimals: number): bigint | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const [, sign, intPart, fracPart = '', expPart] = m;
  let digits = intPart + fracPart;
  let scale = decimals - fracPart.length + (expPart ? Number(expPart) : 0);
  if (scale >= 0) digits += '0'.repeat(scale);
  else {
    scale = -scale;
    digits = digits.length > scale ? digits.slice(0, digits.length - scale) : '0';
  }
  const v = BigInt(digits);
  return sign === '-' ? -v : v;
}

/**
 * Converts a JS number to an integer at `decimals` places, rounding to nearest. Uses the shortest decimal text
 * of the number so 0.1 becomes exactly 100000 at 6 places (not 99999 from binary noise).
 */
export function toInt(value: number, decimals: number): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`cannot convert ${value} to an integer amount`);
  const scaled = value * 10 ** decimals;
  // Fast path: well inside the exactly representable range, nearest-integer rounding of the scaled float
  // equals rounding of the decimal value except on exact half ties, which binary floats rarely hit.
  if (Math.abs(scaled) < 2 ** 50) return BigInt(Math.round(scaled));
  const text = String(value);
  const exact = parseDecimal(text, decimals + 1);
  if (exact === undefined) throw new RangeError(`cannot convert ${value} to an integer amount`);
  // round half away from zero on the extra digit
  const q = exact / 10n;
  const r = exact % 10n;
  if (r >= 5n) return q + 1n;
  if (r <= -5n) return q - 1n;
  return q;
}

/** Integer at `decimals` places to a JS number (for display and float maths only, never for booking). */
export function toNumber(value: bigint, decimals: number): number {
  return Number(value) / (POW10[decimals] ?? 10 ** decimals);
}
/** 10^0 … 10^22, all exact doubles: the same divisor `10 ** d` gives, without a pow call per conversion. */
const POW10 = Array.from({ length: 23 }, (_, d) => 10 ** d);

/** Integer at `decimals` places to exact decimal text, trailing zeros trimmed ("1.5", "-0.000001", "3"). */
export function formatInt(value: bigint, decimals: number): string {
  const neg = value < 0n;
  const abs = neg ? -value : value;
  const s = abs.toString().padStart(decimals + 1, '0');
  const int = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

export const baseToInt = (v: number): bigint => toInt(v, BASE_DECIMALS);
export const priceToInt = (v: number): bigint => toInt(v, PRICE_DECIMALS);
export const quoteToInt = (v: number): bigint => toInt(v, QUOTE_DECIMALS);
export const baseToNumber = (v: bigint): number => toNumber(v, BASE_DECIMALS);
export const priceToNumber = (v: bigint): number => toNumber(v, PRICE_DECIMALS);
export const quoteToNumber = (v: bigint): number => toNumber(v, QUOTE_DECIMALS);

/** Integer division rounding toward negative infinity (BigInt `/` truncates toward zero). */
export function divFloor(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Integer division rounding toward positive infinity. */
export function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n === b < 0n ? q + 1n : q;
}

export const absBig = (v: bigint): bigint => (v < 0n ? -v : v);
export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
