/**
 * Drift candle records read straight from their bytes (issue 17, twentieth round). A year of 1-minute Drift
 * candles is 201 MB of JSON; read a piece at a time by JSON.parse (drift-candles-chunked.ts), its thread spent
 * ~2.0 s in JSON.parse — twelve strings and an object made per record — and ~0.55 s more turning the strings to
 * numbers, while the run waited for its rows. This reads a piece's records from its bytes: the ten fields a
 * candle is made of, numbers made from their digits, nothing made for the fields it does not read.
 *
 * Only a plain subset of JSON is read here (json-bytes.ts): records that are flat objects whose values are strings
 * of printable ASCII without escapes, numbers, true, false or null, with JSON's whitespace between. Anything else
 * — an escape, a byte past ASCII, a nested value, a record the record path would refuse, a piece that is not JSON
 * at all — declines, and the caller parses the piece with JSON.parse as before. What it reads, it reads as
 * JSON.parse and driftCandleOf read it (the last of a repeated key, jsonNumber's numbers, the same timestamps and
 * checks): drift-record-scan.test.ts holds the two to the same candles.
 *
 * Hand-written, as the project's guidance allows for a measured need: the generic parser is the cost here.
 */
import {
  asciiText,
  CLOSE_BRACE,
  COLON,
  COMMA,
  type DecimalOut,
  isDigit,
  literalEnd,
  MINUS,
  NOT_PLAIN,
  numberEnd,
  OPEN_BRACE,
  plainDecimal,
  QUOTE,
  readDecimal,
  skipSpace,
  stringEnd,
} from './json-bytes.ts';
import { newCandle, ScannedCandles } from './scanned-candles.ts';
import { epochToMs, parseTimestamp } from './timestamps.ts';
import type { Candle } from './types.ts';
import { candleProblem } from './validate.ts';

/** The slots of the fields a candle is read from (driftCandleOf's). */
const START = 0;
const FILL_OPEN = 1;
const FILL_HIGH = 2;
const FILL_LOW = 3;
const FILL_CLOSE = 4;
const BASE_VOLUME = 5;
const ORACLE_OPEN = 6;
const ORACLE_HIGH = 7;
const ORACLE_LOW = 8;
const ORACLE_CLOSE = 9;
const SLOTS = 10;

/**
 * The keys in the order Drift's export writes them, each with its slot (−1: not read). A record's k-th key is
 * compared with the k-th here first, which spares the search where the order is Drift's (any order reads the same).
 */
const KEYS: readonly (readonly [Uint8Array, number])[] = (
  [
    ['start', START],
    ['fillOpen', FILL_OPEN],
    ['fillClose', FILL_CLOSE],
    ['fillHigh', FILL_HIGH],
    ['fillLow', FILL_LOW],
    ['oracleOpen', ORACLE_OPEN],
    ['oracleClose', ORACLE_CLOSE],
    ['oracleHigh', ORACLE_HIGH],
    ['oracleLow', ORACLE_LOW],
    ['quoteVolume', -1],
    ['baseVolume', BASE_VOLUME],
    ['resolution', -1],
  ] as const
).map(([name, slot]) => [Uint8Array.from(name, (ch) => ch.charCodeAt(0)), slot] as const);

/** Whether the key b[from, to) (inside its quotes) is `name`. */
function keyIs(b: Uint8Array, from: number, to: number, name: Uint8Array): boolean {
  if (to - from !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (b[from + k] !== name[k]) return false;
  return true;
}

/**
 * The offset of the closing quote when the key whose text starts at `at` is `name`, else −1: the expected key read
 * in one pass (stringEnd then keyIs read its bytes twice: 24% more for the whole reader, measured).
 */
function expectedKeyEnd(b: Uint8Array, at: number, end: number, name: Uint8Array): number {
  const close = at + name.length;
  if (close >= end || b[close] !== QUOTE) return -1;
  for (let k = 0; k < name.length; k++) if (b[at + k] !== name[k]) return -1;
  return close;
}

/** The slot of the key b[from, to), or −1 for a key a candle does not read. */
function slotOf(b: Uint8Array, from: number, to: number): number {
  for (const [name, slot] of KEYS) if (keyIs(b, from, to, name)) return slot;
  return -1;
}

/** What a slot's last value was (a repeated key: JSON.parse keeps the last); a slot not set is missing. */
const NUMBER = 1;
const STRING = 2;
/** true, false or null: never a number or a timestamp. */
const OTHER = 3;

/**
 * The record's fields as last seen: kind, and the value's token b[from, to) (a string's inside its quotes). A
 * slot is the current record's while its `record` is the record's number: nothing is cleared between records.
 */
class Slots {
  readonly record = new Float64Array(SLOTS).fill(-1);
  /** A plain decimal's number, read with its token (readDecimal); NaN: read from the token's text. */
  readonly value = new Float64Array(SLOTS);
  readonly kind = new Uint8Array(SLOTS);
  readonly from = new Int32Array(SLOTS);
  readonly to = new Int32Array(SLOTS);
  /** The number of the record being read. */
  current = 0;

  /** Where readDecimal puts a string's number as the string is read. */
  readonly decimal: DecimalOut = { value: 0 };

  keep(slot: number, kind: number, from: number, to: number, value: number): void {
    this.value[slot] = value;
    this.record[slot] = this.current;
    this.kind[slot] = kind;
    this.from[slot] = from;
    this.to[slot] = to;
  }

  /** jsonNumber's number of the slot's value: a JSON number, or decimal text; NOT_PLAIN where it fails. */
  number(b: Uint8Array, slot: number): number {
    const kind = this.kind[slot];
    if (this.record[slot] !== this.current || (kind !== NUMBER && kind !== STRING)) throw NOT_PLAIN;
    let v = this.value[slot] as number;
    if (Number.isNaN(v)) {
      const text = asciiText(b, this.from[slot] as number, this.to[slot] as number);
      v = kind === NUMBER ? Number(text) : text.trim() !== '' ? Number(text) : Number.NaN;
    }
    if (!Number.isFinite(v)) throw NOT_PLAIN;
    return v;
  }

  /**
   * driftCandleOf's time of the `start` value: parseTimestamp of its text (a number's as String() writes it). Text
   * of 1 to 15 digits (Drift's: epoch ms) is read here as parseTimestampAt reads it: epochToMs of its integer.
   */
  time(b: Uint8Array): number {
    const kind = this.kind[START];
    if (this.record[START] !== this.current || (kind !== NUMBER && kind !== STRING)) throw NOT_PLAIN;
    const from = this.from[START] as number;
    const to = this.to[START] as number;
    if (kind === STRING && to > from && to - from <= 15) {
      let v = 0;
      let i = from;
      for (; i < to && isDigit(b[i] as number); i++) v = v * 10 + ((b[i] as number) - 48);
      if (i === to) return epochToMs(v);
    }
    const text = asciiText(b, from, to);
    const ts = parseTimestamp(kind === NUMBER ? String(Number(text)) : text);
    if (ts === undefined) throw NOT_PLAIN;
    return ts;
  }

  /** driftCandleOf's candle of the current record, into `c` (its checks too: NOT_PLAIN where it refuses it). */
  candle(b: Uint8Array, c: Candle): Candle {
    c.ts = this.time(b);
    c.volume = this.number(b, BASE_VOLUME);
    c.open = this.number(b, FILL_OPEN);
    c.high = this.number(b, FILL_HIGH);
    c.low = this.number(b, FILL_LOW);
    c.close = this.number(b, FILL_CLOSE);
    c.oracleOpen = this.number(b, ORACLE_OPEN);
    c.oracleHigh = this.number(b, ORACLE_HIGH);
    c.oracleLow = this.number(b, ORACLE_LOW);
    c.oracleClose = this.number(b, ORACLE_CLOSE);
    c.oracleStale = c.volume === 0;
    if (candleProblem(c) !== undefined) throw NOT_PLAIN;
    return c;
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

/** scanDriftRecords into `out` (emptied first), by value (scanned-candles.ts). False where the reader declines. */
export function scanDriftRecordsInto(b: Uint8Array, from: number, to: number, out: ScannedCandles): boolean {
  const slots = new Slots();
  const check = newCandle();
  out.length = 0;
  try {
    let i = skipSpace(b, from, to);
    for (;;) {
      i = record(b, i, to, slots);
      out.push(slots.candle(b, check));
      i = skipSpace(b, i, to);
      if (i === to) return true;
      if (b[i] !== COMMA) return false;
      i = skipSpace(b, i + 1, to);
    }
  } catch (err) {
    if (err === NOT_PLAIN) return false;
    throw err;
  }
}

/** One record from its `{` at `at`, its fields into `slots`; returns the offset past its `}`. */
function record(b: Uint8Array, at: number, end: number, slots: Slots): number {
  if (at >= end || b[at] !== OPEN_BRACE) throw NOT_PLAIN;
  slots.current++;
  let i = skipSpace(b, at + 1, end);
  if (i < end && b[i] === CLOSE_BRACE) return i + 1;
  for (let member = 0; ; member++) {
    // the key: the one Drift writes here, else any
    if (i >= end || b[i] !== QUOTE) throw NOT_PLAIN;
    const expected = KEYS[member];
    let keyEnd = expected === undefined ? -1 : expectedKeyEnd(b, i + 1, end, expected[0]);
    let slot: number;
    if (keyEnd >= 0) slot = (expected as readonly [Uint8Array, number])[1];
    else {
      keyEnd = stringEnd(b, i + 1, end);
      slot = slotOf(b, i + 1, keyEnd);
    }
    i = skipSpace(b, keyEnd + 1, end);
    if (i >= end || b[i] !== COLON) throw NOT_PLAIN;
    i = skipSpace(b, i + 1, end);
    if (i >= end) throw NOT_PLAIN;
    // the value: a string (its text), a number, or a literal
    const c = b[i] as number;
    if (c === QUOTE) {
      // a decimal's digits read on the way (one pass over most of a record's value bytes), then the rest
      const stop = readDecimal(b, i + 1, end, slots.decimal);
      const to = stop < end && b[stop] === QUOTE ? stop : stringEnd(b, stop, end);
      if (slot >= 0) slots.keep(slot, STRING, i + 1, to, to === stop ? slots.decimal.value : Number.NaN);
      i = to + 1;
    } else if (c === MINUS || isDigit(c)) {
      const to = numberEnd(b, i, end);
      if (slot >= 0) slots.keep(slot, NUMBER, i, to, plainDecimal(b, i, to));
      i = to;
    } else {
      i = literalEnd(b, i, end);
      if (slot >= 0) slots.keep(slot, OTHER, i, i, Number.NaN);
    }
    i = skipSpace(b, i, end);
    if (i >= end) throw NOT_PLAIN;
    if (b[i] === CLOSE_BRACE) return i + 1;
    if (b[i] !== COMMA) throw NOT_PLAIN;
    i = skipSpace(b, i + 1, end);
  }
}
