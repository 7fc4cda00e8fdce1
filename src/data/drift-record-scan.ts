/**
 * Drift candle records read straight from their bytes (issue 17, twentieth round). A year of 1-minute Drift
 * candles is 201 MB of JSON; read a piece at a time by JSON.parse (drift-candles-chunked.ts), its thread spent
 * ~2.0 s in JSON.parse — twelve strings and an object made per record — and ~0.55 s more turning the strings to
 * numbers, while the run waited for its rows. This reads a piece's records from its bytes: the ten fields a
 * candle is made of, numbers made from their digits, nothing made for the fields it does not read.
 *
 * Only a plain subset of JSON is read here: records that are flat objects whose values are strings of printable
 * ASCII without escapes, numbers, true, false or null, with JSON's whitespace between. Anything else — an escape,
 * a byte past ASCII, a nested value, a record the record path would refuse, a piece that is not JSON at all —
 * declines (undefined), and the caller parses the piece with JSON.parse as before. What it reads, it reads as
 * JSON.parse and driftCandleOf read it (the last of a repeated key, jsonNumber's numbers, the same timestamps and
 * checks): drift-record-scan.test.ts holds the two to the same candles.
 *
 * Hand-written, as the project's guidance allows for a measured need: the generic parser is the cost here.
 */
import { epochToMs, parseTimestamp } from './timestamps.ts';
import type { Candle } from './types.ts';
import { candleProblem } from './validate.ts';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** The fields a candle is read from, by slot (driftCandleOf's). */
const FIELDS = [
  'start',
  'fillOpen',
  'fillHigh',
  'fillLow',
  'fillClose',
  'baseVolume',
  'oracleOpen',
  'oracleHigh',
  'oracleLow',
  'oracleClose',
] as const;
const START = 0;
const FIELD_BYTES = FIELDS.map((f) => Uint8Array.from(f, (ch) => ch.charCodeAt(0)));

/** What a slot's last value was (a repeated key: JSON.parse keeps the last); a slot not set is missing. */
const NUMBER = 1;
const STRING = 2;
/** true, false or null: never a number or a timestamp. */
const OTHER = 3;

/** Integers up to here are exact doubles (digits accumulate exactly below it). */
const EXACT_INTEGER = 2 ** 53;
/** 10^k is an exact double for k ≤ 22: a quotient by it is correctly rounded. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
/** The bytes that end a string's plain run: its closing quote, an escape, a control byte, a byte past ASCII. */
const STRING_STOP = Uint8Array.from({ length: 256 }, (_, c) =>
  c === QUOTE || c === BACKSLASH || c < 0x20 || c >= 0x80 ? 1 : 0,
);

/**
 * The keys in the order Drift's export writes them, each with its slot (−1: not read): a record's k-th key is
 * first compared with the k-th here, which spares the search of slotOf where the order is Drift's (any order reads
 * the same).
 */
const DRIFT_KEY_ORDER: readonly (readonly [Uint8Array, number])[] = (
  [
    ['start', START],
    ['fillOpen', 1],
    ['fillClose', 4],
    ['fillHigh', 2],
    ['fillLow', 3],
    ['oracleOpen', 6],
    ['oracleClose', 9],
    ['oracleHigh', 7],
    ['oracleLow', 8],
    ['quoteVolume', -1],
    ['baseVolume', 5],
    ['resolution', -1],
  ] as const
).map(([name, slot]) => [Uint8Array.from(name, (ch) => ch.charCodeAt(0)), slot] as const);

/** The offset of the closing quote when the key at `at` (inside its quotes) is `name`, else −1. */
function keyIs(b: Uint8Array, at: number, end: number, name: Uint8Array): number {
  const close = at + name.length;
  if (close >= end || b[close] !== QUOTE) return -1;
  for (let k = 0; k < name.length; k++) if (b[at + k] !== name[k]) return -1;
  return close;
}

/** Declined: the piece is left to JSON.parse. */
class Decline {}
const DECLINE = new Decline();

/**
 * The slot of the key in b[from, to), or −1 for a key a candle does not read. Told apart by length and one byte,
 * then compared whole.
 */
function slotOf(b: Uint8Array, from: number, to: number): number {
  let slot: number;
  switch (to - from) {
    case 5:
      slot = START;
      break;
    case 7:
      slot = 3; // fillLow
      break;
    case 8:
      slot = b[from + 4] === 79 ? 1 : 2; // fill[O]pen, fill[H]igh
      break;
    case 9:
      slot = b[from] === 102 ? 4 : 8; // [f]illClose, [o]racleLow
      break;
    case 10: {
      const c = b[from + 6]; // baseVo[l]ume, oracle[O]pen, oracle[H]igh
      slot = c === 108 ? 5 : c === 79 ? 6 : c === 72 ? 7 : -1;
      break;
    }
    case 11:
      slot = 9; // oracleClose
      break;
    default:
      return -1;
  }
  if (slot < 0) return -1;
  const name = FIELD_BYTES[slot] as Uint8Array;
  for (let i = 0; i < name.length; i++) if (b[from + i] !== name[i]) return -1;
  return slot;
}

/** The ASCII text of b[from, to) (a short token: a timestamp, or a number the fast path does not read). */
function asciiText(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

/**
 * `-?digits(.digits)?` in b[from, to) as the double Number() makes of it, or NaN where that is not known exactly
 * from the digits (more than 2^53 in them, more than 22 decimals, any other form). Exact where answered: both the
 * digits' integer and 10^decimals are exact doubles, and IEEE division rounds their quotient correctly — as
 * Number() rounds the decimal itself.
 */
function plainDecimal(b: Uint8Array, from: number, to: number): number {
  let i = from;
  const negative = b[i] === MINUS;
  if (negative) i++;
  let digits = 0;
  let mantissa = 0;
  let decimals = -1;
  for (; i < to; i++) {
    const c = b[i] as number;
    if (isDigit(c)) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === DOT && decimals < 0 && digits > 0) {
      decimals = 0;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || decimals === 0 || mantissa >= EXACT_INTEGER || decimals > 22) return Number.NaN;
  const value = decimals > 0 ? mantissa / (POWERS_OF_TEN[decimals] as number) : mantissa;
  return negative ? -value : value;
}

/** The end of a JSON number starting at `at` (its grammar checked), or DECLINE. */
function numberEnd(b: Uint8Array, at: number, end: number): number {
  let i = at;
  if (b[i] === MINUS) i++;
  if (i >= end) throw DECLINE;
  if (b[i] === ZERO) i++;
  else if (isDigit(b[i] as number)) while (i < end && isDigit(b[i] as number)) i++;
  else throw DECLINE;
  if (i < end && b[i] === DOT) {
    i++;
    if (i >= end || !isDigit(b[i] as number)) throw DECLINE;
    while (i < end && isDigit(b[i] as number)) i++;
  }
  if (i < end && (b[i] === 101 || b[i] === 69)) {
    i++;
    if (i < end && (b[i] === PLUS || b[i] === MINUS)) i++;
    if (i >= end || !isDigit(b[i] as number)) throw DECLINE;
    while (i < end && isDigit(b[i] as number)) i++;
  }
  return i;
}

/** The end of `word` at `at` (true, false, null), or DECLINE. */
function wordEnd(b: Uint8Array, at: number, end: number, word: string): number {
  if (at + word.length > end) throw DECLINE;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word.charCodeAt(k)) throw DECLINE;
  return at + word.length;
}

/**
 * The record's fields as last seen (a repeated key: JSON.parse keeps the last): kind, the value's token b[from, to)
 * (a string's inside its quotes) and, for a plain decimal, its number (NaN: read from the token's text). A slot
 * is the current record's while its `record` is the record's number: nothing is cleared between records.
 */
class Slots {
  readonly record = new Float64Array(FIELDS.length).fill(-1);
  readonly kind = new Uint8Array(FIELDS.length);
  readonly from = new Int32Array(FIELDS.length);
  readonly to = new Int32Array(FIELDS.length);
  readonly value = new Float64Array(FIELDS.length);
  /** The number of the record being read. */
  current = 0;

  /** The slot's value, of the current record (a string's or number's value is set before). */
  keep(slot: number, kind: number, from: number, to: number): void {
    this.record[slot] = this.current;
    this.kind[slot] = kind;
    this.from[slot] = from;
    this.to[slot] = to;
  }

  /** jsonNumber's number of the slot's value: a JSON number, or decimal text; DECLINE where it fails. */
  number(b: Uint8Array, slot: number): number {
    if (this.record[slot] !== this.current) throw DECLINE;
    let v = this.value[slot] as number;
    if (Number.isNaN(v)) {
      const kind = this.kind[slot];
      if (kind !== NUMBER && kind !== STRING) throw DECLINE;
      const text = asciiText(b, this.from[slot] as number, this.to[slot] as number);
      v = kind === NUMBER ? Number(text) : text.trim() !== '' ? Number(text) : Number.NaN;
    }
    if (!Number.isFinite(v)) throw DECLINE;
    return v;
  }

  /**
   * driftCandleOf's time of the `start` value: parseTimestamp of its text (a number's as String() writes it). Text
   * of 1 to 15 digits (Drift's: epoch ms) is read here as parseTimestampAt reads it: epochToMs of its integer.
   */
  time(b: Uint8Array): number {
    const kind = this.kind[START];
    if (this.record[START] !== this.current || (kind !== NUMBER && kind !== STRING)) throw DECLINE;
    const from = this.from[START] as number;
    const to = this.to[START] as number;
    if (kind === STRING && to > from && to - from <= 15) {
      let v = 0;
      let i = from;
      for (; i < to; i++) {
        const c = (b[i] as number) - ZERO;
        if (c < 0 || c > 9) break;
        v = v * 10 + c;
      }
      if (i === to) return epochToMs(v);
    }
    const text = asciiText(b, from, to);
    const ts = parseTimestamp(kind === NUMBER ? String(Number(text)) : text);
    if (ts === undefined) throw DECLINE;
    return ts;
  }
}

/**
 * The candles of the records in b[from, to) — a piece of the "candles" array between two records, without the
 * array's brackets — as driftCandleOf makes them from JSON.parse's records; undefined where this reader declines
 * (the module comment), then parse the piece as before. An object per candle: the pieces reader uses
 * scanDriftRecordsInto; this is the form its tests compare with the record path's.
 */
export function scanDriftRecords(b: Uint8Array, from: number, to: number): Candle[] | undefined {
  const scanned = new ScannedCandles();
  if (!scanDriftRecordsInto(b, from, to, scanned)) return undefined;
  return Array.from({ length: scanned.length }, (_, k) => scanned.candle(k, newCandle()));
}

/**
 * scanDriftRecords into `out` (emptied first), by value: no object per record (a year's half a million candle
 * objects were a good part of the reading thread's collections). False where the reader declines.
 */
export function scanDriftRecordsInto(b: Uint8Array, from: number, to: number, out: ScannedCandles): boolean {
  const slots = new Slots();
  out.length = 0;
  try {
    let i = skipSpace(b, from, to);
    for (;;) {
      i = record(b, i, to, slots);
      out.add(b, slots);
      i = skipSpace(b, i, to);
      if (i === to) return true;
      if (b[i] !== COMMA) return false;
      i = skipSpace(b, i + 1, to);
    }
  } catch (err) {
    if (err === DECLINE) return false;
    throw err;
  }
}

/** A candle's fields in a ScannedCandles row: time, the fill OHLC, the volume, the oracle OHLC. */
const STRIDE = 10;

/** A fresh candle object with every field (driftCandleOf's order), for ScannedCandles.candle to fill. */
export const newCandle = (): Candle => ({
  ts: 0,
  open: 0,
  high: 0,
  low: 0,
  close: 0,
  volume: 0,
  oracleOpen: 0,
  oracleHigh: 0,
  oracleLow: 0,
  oracleClose: 0,
  oracleStale: false,
});

/** The candles of a scanned piece, by value (scanDriftRecordsInto); reused piece after piece. */
export class ScannedCandles {
  length = 0;
  #v = new Float64Array(STRIDE * 2048);
  /** The candle the record path's checks are asked about (candleProblem), reused. */
  readonly #check = newCandle();

  /** The current record of `slots` as driftCandleOf makes it (its checks too): DECLINE where it refuses it. */
  add(b: Uint8Array, slots: Slots): void {
    const c = this.#check;
    c.ts = slots.time(b);
    c.volume = slots.number(b, 5);
    c.open = slots.number(b, 1);
    c.high = slots.number(b, 2);
    c.low = slots.number(b, 3);
    c.close = slots.number(b, 4);
    c.oracleOpen = slots.number(b, 6);
    c.oracleHigh = slots.number(b, 7);
    c.oracleLow = slots.number(b, 8);
    c.oracleClose = slots.number(b, 9);
    c.oracleStale = c.volume === 0;
    if (candleProblem(c) !== undefined) throw DECLINE;
    let v = this.#v;
    const at = this.length * STRIDE;
    if (at + STRIDE > v.length) {
      v = new Float64Array(v.length * 2);
      v.set(this.#v);
      this.#v = v;
    }
    v[at] = c.ts;
    v[at + 1] = c.open;
    v[at + 2] = c.high;
    v[at + 3] = c.low;
    v[at + 4] = c.close;
    v[at + 5] = c.volume;
    v[at + 6] = c.oracleOpen as number;
    v[at + 7] = c.oracleHigh as number;
    v[at + 8] = c.oracleLow as number;
    v[at + 9] = c.oracleClose as number;
    this.length++;
  }

  /** Candle k's fields written into `into` (a caller's reused object, or newCandle()); returns `into`. */
  candle(k: number, into: Candle): Candle {
    const v = this.#v;
    const at = k * STRIDE;
    into.ts = v[at] as number;
    into.open = v[at + 1] as number;
    into.high = v[at + 2] as number;
    into.low = v[at + 3] as number;
    into.close = v[at + 4] as number;
    into.volume = v[at + 5] as number;
    into.oracleOpen = v[at + 6] as number;
    into.oracleHigh = v[at + 7] as number;
    into.oracleLow = v[at + 8] as number;
    into.oracleClose = v[at + 9] as number;
    into.oracleStale = into.volume === 0;
    return into;
  }
}

function skipSpace(b: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && isSpace(b[i] as number)) i++;
  return i;
}

/** One record from its `{` at `at`, its fields into `slots`; returns the offset past its `}`. */
function record(b: Uint8Array, at: number, end: number, slots: Slots): number {
  if (at >= end || b[at] !== OPEN_BRACE) throw DECLINE;
  slots.current++;
  let i = skipSpace(b, at + 1, end);
  if (i < end && b[i] === CLOSE_BRACE) return i + 1;
  for (let member = 0; ; member++) {
    // the key: the one Drift writes here, else any
    if (i >= end || b[i] !== QUOTE) throw DECLINE;
    const expected = member < DRIFT_KEY_ORDER.length ? DRIFT_KEY_ORDER[member] : undefined;
    let keyEnd = expected === undefined ? -1 : keyIs(b, i + 1, end, expected[0]);
    let slot: number;
    if (keyEnd >= 0) slot = (expected as readonly [Uint8Array, number])[1];
    else {
      keyEnd = stringEnd(b, i + 1, end);
      slot = slotOf(b, i + 1, keyEnd);
    }
    i = skipSpace(b, keyEnd + 1, end);
    if (i >= end || b[i] !== COLON) throw DECLINE;
    i = skipSpace(b, i + 1, end);
    if (i >= end) throw DECLINE;
    // the value
    const c = b[i] as number;
    if (c === QUOTE) {
      const to = slot > START ? decimalStringEnd(b, i + 1, end, slots, slot) : stringEnd(b, i + 1, end);
      if (slot >= 0) slots.keep(slot, STRING, i + 1, to);
      i = to + 1;
    } else if (c === MINUS || isDigit(c)) {
      const to = numberEnd(b, i, end);
      if (slot >= 0) {
        slots.value[slot] = plainDecimal(b, i, to);
        slots.keep(slot, NUMBER, i, to);
      }
      i = to;
    } else {
      if (c !== 116 && c !== 102 && c !== 110) throw DECLINE; // a nested value, or not JSON
      i = wordEnd(b, i, end, c === 116 ? 'true' : c === 102 ? 'false' : 'null');
      if (slot >= 0) {
        slots.value[slot] = Number.NaN;
        slots.keep(slot, OTHER, i, i);
      }
    }
    i = skipSpace(b, i, end);
    if (i >= end) throw DECLINE;
    if (b[i] === CLOSE_BRACE) return i + 1;
    if (b[i] !== COMMA) throw DECLINE;
    i = skipSpace(b, i + 1, end);
  }
}

/** The offset of the `"` closing a string whose text starts at `at`; an escape or a byte past ASCII declines. */
function stringEnd(b: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && STRING_STOP[b[i] as number] === 0) i++;
  if (i < end && b[i] === QUOTE) return i;
  throw DECLINE;
}

/**
 * stringEnd of a numeric field's string, its text read as plainDecimal reads it on the way (one pass: these are
 * most of a record's bytes); the number, or NaN, goes to the slot's value.
 */
function decimalStringEnd(b: Uint8Array, at: number, end: number, slots: Slots, slot: number): number {
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
  if (i < end && b[i] === QUOTE) {
    const plain = digits > 0 && decimals !== 0 && mantissa < EXACT_INTEGER && decimals <= 22;
    const value = !plain
      ? Number.NaN
      : decimals > 0
        ? mantissa / (POWERS_OF_TEN[decimals] as number)
        : mantissa;
    slots.value[slot] = negative ? -value : value;
    return i;
  }
  // another form of text: Number() reads it (Slots.number)
  slots.value[slot] = Number.NaN;
  return stringEnd(b, i, end);
}
