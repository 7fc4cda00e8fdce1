/**
 * The common rows of a price file read in one pass over their characters (issue 17: reading is the floor the
 * backtest is measured against, and the general reader — field bounds first, then each field again — took most of
 * it). A plain row is a timestamp field (any form: parseTimestampAt reads it) and then fields of digits with at
 * most one '.' and an optional leading '-', of at most 15 significant digits and 15 decimals, which is exactly
 * where parseNumberAt's own fast path gives the double Number() gives. Any other row — a space, a letter, an
 * exponent, a '+', a field too long, too few fields, an empty field — is handed back to be read by the general
 * reader, which then reads it exactly as it reads every row (and names the line when it is bad).
 */
import { parseTimestampAt } from './timestamps.ts';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const CR = 13;
const COMMA = 44;
const DOT = 46;
const MINUS = 45;

/** Where the fields a plain row must give are: the timestamp first, then `slots[k]` for field k (−1: ignored). */
export interface PlainLayout {
  /** Slot of each field after the timestamp (field k + 1); −1 for a column nobody reads. */
  slots: readonly number[];
  /** Fields a row needs (the header's last needed column + 1). */
  needed: number;
}

/** A plain row's values: [open, high, low, close, volume] by slot, written in place (the array is reused). */
export type PlainRow = (ts: number, values: Float64Array, line: number) => void;
/** A row to read the general way: its text is [start, next) (`next`: the next line's start), its number `line`. */
export type OtherRow = (start: number, next: number, line: number) => void;

/**
 * Reads the rows from offset `from` (line `fromLine`) to the end: each plain row to `onPlain`, each other
 * non-empty line to `onOther` (blank ones too, when they hold spaces: the general reader decides). Empty lines
 * are passed over, as the general reader passes them.
 */
export function scanPlainRows(
  text: string,
  from: number,
  fromLine: number,
  layout: PlainLayout,
  onPlain: PlainRow,
  onOther: OtherRow,
): void {
  const { slots, needed } = layout;
  const values = new Float64Array(5);
  const len = text.length;
  let pos = from;
  let line = fromLine - 1;
  while (pos < len) {
    line++;
    const nl = text.indexOf('\n', pos);
    const next = nl === -1 ? len : nl + 1;
    let end = nl === -1 ? len : nl;
    if (end > pos && text.charCodeAt(end - 1) === CR) end--;
    if (end === pos) {
      pos = next;
      continue;
    }
    const comma = text.indexOf(',', pos);
    const ts = comma === -1 || comma >= end ? undefined : parseTimestampAt(text, pos, comma);
    if (ts === undefined || !readFields(text, comma + 1, end, slots, values, needed)) {
      onOther(pos, next, line);
    } else {
      onPlain(ts, values, line);
    }
    pos = next;
  }
}

/**
 * The numeric fields of [start, end) into `values` by slot; false when one is not plain (see the module comment)
 * or the row has fewer than `needed` fields (the timestamp counted).
 */
function readFields(
  text: string,
  start: number,
  end: number,
  slots: readonly number[],
  values: Float64Array,
  needed: number,
): boolean {
  let k = 0;
  let i = start;
  for (;;) {
    const slot = k < slots.length ? slots[k] : -1;
    let fieldEnd: number;
    if (slot < 0) {
      // a column nobody reads: any text up to the next comma
      const comma = text.indexOf(',', i);
      fieldEnd = comma === -1 || comma > end ? end : comma;
    } else {
      let mant = 0;
      let digits = 0;
      let frac = -1;
      let sawDigit = false;
      let neg = false;
      if (i < end && text.charCodeAt(i) === MINUS) {
        neg = true;
        i++;
      }
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          sawDigit = true;
          mant = mant * 10 + (c - 48);
          // leading zeros are not significant (parseNumberAt counts the same way)
          if (mant !== 0) digits++;
          if (frac >= 0) frac++;
        } else if (c === DOT && frac < 0) frac = 0;
        else if (c === COMMA) break;
        else return false;
      }
      if (!sawDigit || digits > 15 || frac > 15) return false;
      const v = frac > 0 ? mant / POW10[frac] : mant;
      values[slot] = neg ? -v : v;
      fieldEnd = i;
    }
    k++;
    if (fieldEnd >= end) return k + 1 >= needed;
    i = fieldEnd + 1;
  }
}
