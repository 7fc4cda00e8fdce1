/**
 * JSON's tokens read from UTF-8 bytes, for a reader that reads a plain subset of JSON and leaves anything else to
 * JSON.parse (drift-record-scan.ts). Each function reads one token from an offset and returns the offset past it,
 * or throws NOT_PLAIN where the bytes are not that token in the subset: strings of printable ASCII without
 * escapes, JSON's numbers, true, false and null, JSON's whitespace between.
 */

export const QUOTE = 34;
export const COMMA = 44;
export const COLON = 58;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const MINUS = 45;
const BACKSLASH = 92;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** Thrown where the bytes leave the plain subset: the caller reads them another way (JSON.parse). */
class NotPlain {}
export const NOT_PLAIN = new NotPlain();

export const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
/** The bytes that end a string's plain run: its closing quote, an escape, a control byte, a byte past ASCII. */
const STRING_STOP = Uint8Array.from({ length: 256 }, (_, c) =>
  c === QUOTE || c === BACKSLASH || c < 0x20 || c >= 0x80 ? 1 : 0,
);

/** Integers up to here are exact doubles (digits accumulate exactly below it). */
const EXACT_INTEGER = 2 ** 53;
/** 10^k is an exact double for k ≤ 22: a quotient by it is correctly rounded. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The offset of the first byte at or after `at` that is not JSON whitespace (or `end`). */
export function skipSpace(b: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && isSpace(b[i] as number)) i++;
  return i;
}

/** The offset of the `"` closing a string whose text starts at `at`; an escape or a byte past ASCII: NOT_PLAIN. */
export function stringEnd(b: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && STRING_STOP[b[i] as number] === 0) i++;
  if (i < end && b[i] === QUOTE) return i;
  throw NOT_PLAIN;
}

/** The end of a JSON number starting at `at` (its grammar checked), or NOT_PLAIN. */
export function numberEnd(b: Uint8Array, at: number, end: number): number {
  let i = at;
  if (b[i] === MINUS) i++;
  if (i >= end) throw NOT_PLAIN;
  if (b[i] === ZERO) i++;
  else if (isDigit(b[i] as number)) while (i < end && isDigit(b[i] as number)) i++;
  else throw NOT_PLAIN;
  if (i < end && b[i] === DOT) {
    i++;
    if (i >= end || !isDigit(b[i] as number)) throw NOT_PLAIN;
    while (i < end && isDigit(b[i] as number)) i++;
  }
  if (i < end && (b[i] === 101 || b[i] === 69)) {
    i++;
    if (i < end && (b[i] === PLUS || b[i] === MINUS)) i++;
    if (i >= end || !isDigit(b[i] as number)) throw NOT_PLAIN;
    while (i < end && isDigit(b[i] as number)) i++;
  }
  return i;
}

/** The end of the literal starting at `at`: true, false or null; anything else (a nested value) NOT_PLAIN. */
export function literalEnd(b: Uint8Array, at: number, end: number): number {
  const c = b[at];
  const word = c === 116 ? 'true' : c === 102 ? 'false' : c === 110 ? 'null' : undefined;
  if (word === undefined || at + word.length > end) throw NOT_PLAIN;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word.charCodeAt(k)) throw NOT_PLAIN;
  return at + word.length;
}

/** Where readDecimal puts the number it read. */
export interface DecimalOut {
  value: number;
}

/**
 * Reads `-?digits(.digits)?` from `at` up to the first byte that cannot continue it (or `end`), and returns that
 * offset; `out.value` is the double Number() makes of what was read, or NaN where that is not known exactly from
 * the digits (2^53 or more in them, more than 22 decimals, no digit, a dot without decimals). Exact where answered:
 * both the digits' integer and 10^decimals are exact doubles, and IEEE division rounds their quotient correctly —
 * as Number() rounds the decimal itself.
 */
export function readDecimal(b: Uint8Array, at: number, end: number, out: DecimalOut): number {
  let i = at;
  const negative = i < end && b[i] === MINUS;
  if (negative) i++;
  let digits = 0;
  let mantissa = 0;
  let decimals = -1;
  for (; i < end; i++) {
    const d = (b[i] as number) - ZERO;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (decimals >= 0) decimals++;
    } else if (d === DOT - ZERO && decimals < 0 && digits > 0) {
      decimals = 0;
    } else {
      break;
    }
  }
  if (digits === 0 || decimals === 0 || mantissa >= EXACT_INTEGER || decimals > 22) out.value = Number.NaN;
  else {
    const value = decimals > 0 ? mantissa / (POWERS_OF_TEN[decimals] as number) : mantissa;
    out.value = negative ? -value : value;
  }
  return i;
}

const decimal: DecimalOut = { value: 0 };

/** b[from, to) read by readDecimal when it is all of it, else NaN. */
export function plainDecimal(b: Uint8Array, from: number, to: number): number {
  return readDecimal(b, from, to, decimal) === to ? decimal.value : Number.NaN;
}

const ascii = new TextDecoder();

/** The text of b[from, to), a short token of ASCII bytes (where plainDecimal does not answer, a timestamp). */
export const asciiText = (b: Uint8Array, from: number, to: number): string =>
  ascii.decode(b.subarray(from, to));
