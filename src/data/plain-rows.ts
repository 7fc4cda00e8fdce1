/**
 * The common rows of a price file read in one pass over their characters (issue 17: reading is the floor the
 * backtest is measured against, and the general reader — field bounds first, then each field again — took most of
 * it). A plain row is a timestamp field (any form: parseTimestampAt reads it) and then fields that are plain
 * decimals as scanDecimal (csv.ts) takes them — an optional sign, digits, at most one '.', at most 15
 * significant digits and 15 decimals — which is the scan parseNumberAt makes of every field, giving the double
 * Number() gives. Any other row — a space, a letter, an exponent, a field too long, too few fields, an empty
 * field — is handed back to be read by the general reader, which then reads it exactly as it reads every row
 * (and names the line when it is bad).
 */
import { type ScanStop, scanDecimal } from './csv.ts';
import { parseTimestampAt } from './timestamps.ts';

const stop: ScanStop = { at: 0 };

const CR = 13;
const COMMA = 44;

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
      const v = scanDecimal(text, i, end, stop);
      fieldEnd = stop.at;
      if (Number.isNaN(v) || (fieldEnd < end && text.charCodeAt(fieldEnd) !== COMMA)) return false;
      values[slot] = v;
    }
    k++;
    if (fieldEnd >= end) return k + 1 >= needed;
    i = fieldEnd + 1;
  }
}
