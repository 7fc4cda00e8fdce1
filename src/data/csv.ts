/**
 * Hand-rolled CSV reading for market data. Speed matters (a year of 1-minute bars is 525,600 rows), so rows
 * are scanned in place: field boundaries are offsets into the file text and numbers are parsed from those
 * offsets, without making a string per line or per field (that garbage dominated the first version's time).
 * Quoting: a pair of double quotes around a field is stripped; fields never contain commas in market exports.
 */
import { DataError } from './errors.ts';
import { parseTimestampAt } from './timestamps.ts';

/** Field boundaries of the current row: field k is `text.slice(start[k], end[k])`. Reused between rows. */
export interface CsvRow {
  text: string;
  start: Int32Array;
  end: Int32Array;
  count: number;
  /** 1-based line number in the file. */
  line: number;
}

const CR = 13;
const QUOTE = 34;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === CR;
}

/** One line's bounds: [start, end) without the newline or a trailing CR; next is where the following line starts. */
interface LineBounds {
  start: number;
  end: number;
  next: number;
}

function lineAt(text: string, start: number): LineBounds {
  const nl = text.indexOf('\n', start);
  const next = nl === -1 ? text.length : nl + 1;
  let end = nl === -1 ? text.length : nl;
  if (end > start && text.charCodeAt(end - 1) === CR) end--;
  return { start, end, next };
}

function isBlankRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** The first non-blank line: its text, its 1-based number and the offset where the next line starts. */
export function firstLine(text: string): { line: string; lineNo: number; next: number } | undefined {
  let pos = 0;
  for (let lineNo = 1; pos < text.length; lineNo++) {
    const b = lineAt(text, pos);
    if (!isBlankRange(text, b.start, b.end))
      return { line: text.slice(b.start, b.end), lineNo, next: b.next };
    pos = b.next;
  }
  return undefined;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.charCodeAt(0) === QUOTE && f.charCodeAt(f.length - 1) === QUOTE
    ? f.slice(1, -1)
    : f;
}

/** Fields of one line as strings (header lines and detection only; rows go through `forEachRow`). */
export function splitFields(line: string): string[] {
  return line.split(',').map(unquote);
}

/** Header names: trimmed, unquoted, lower case. */
export function parseHeader(line: string): string[] {
  return splitFields(line).map((h) => h.toLowerCase());
}

/** True when a first line looks like column names rather than data (its first field is no number or time). */
export function looksLikeHeader(line: string): boolean {
  const first = splitFields(line)[0];
  return parseTimestampAt(first, 0, first.length) === undefined && !Number.isFinite(Number(first));
}

/** Column index of the first alias present in the header, or -1. */
export function findColumn(header: readonly string[], aliases: readonly string[]): number {
  for (const a of aliases) {
    const i = header.indexOf(a);
    if (i !== -1) return i;
  }
  return -1;
}

/** Resolves required columns (each a list of accepted names) or fails on line `line` naming every missing one. */
export function requireColumns<K extends string>(
  file: string,
  line: number,
  header: string[],
  spec: Record<K, readonly string[]>,
): Record<K, number> {
  const found = {} as Record<K, number>;
  const missing: string[] = [];
  for (const key of Object.keys(spec) as K[]) {
    const idx = findColumn(header, spec[key]);
    if (idx === -1) missing.push(spec[key][0]);
    found[key] = idx;
  }
  if (missing.length > 0) {
    throw new DataError(
      file,
      line,
      `header lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${header.join(',')})`,
    );
  }
  return found;
}

/**
 * Calls `onRow` for every non-blank line from offset `from` (which is line `fromLine`) to `to` (the end, or a
 * line's start). The row object is reused: read what you need before returning. Blank lines carry no data and
 * are passed over.
 */
export function forEachRow(
  text: string,
  from: number,
  fromLine: number,
  onRow: (row: CsvRow) => void,
  to = text.length,
): void {
  const quoted = text.includes('"');
  const row: CsvRow = {
    text,
    start: new Int32Array(16),
    end: new Int32Array(16),
    count: 0,
    line: fromLine - 1,
  };
  let pos = from;
  while (pos < to) {
    row.line++;
    const nl = text.indexOf('\n', pos);
    let end = nl === -1 || nl >= to ? to : nl;
    const next = nl === -1 || nl >= to ? to : nl + 1;
    if (end > pos && text.charCodeAt(end - 1) === CR) end--;
    if (end === pos || (isSpace(text.charCodeAt(pos)) && isBlankRange(text, pos, end))) {
      pos = next;
      continue;
    }
    let count = 0;
    let s = pos;
    for (;;) {
      let comma = text.indexOf(',', s);
      if (comma === -1 || comma > end) comma = end;
      if (count === row.start.length) {
        const grow = (a: Int32Array): Int32Array => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        row.start = grow(row.start);
        row.end = grow(row.end);
      }
      let fs = s;
      let fe = comma;
      if (quoted && fe - fs >= 2 && text.charCodeAt(fs) === QUOTE && text.charCodeAt(fe - 1) === QUOTE) {
        fs++;
        fe--;
      }
      row.start[count] = fs;
      row.end[count] = fe;
      count++;
      if (comma === end) break;
      s = comma + 1;
    }
    row.count = count;
    onRow(row);
    pos = next;
  }
}

/** The text of field `col` of a row (for messages). */
export function fieldText(row: CsvRow, col: number): string {
  return row.text.slice(row.start[col], row.end[col]);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Where a scanDecimal stopped: the first character it did not take. */
export interface ScanStop {
  at: number;
}

/**
 * The plain decimal at the start of `text[s, e)`: an optional sign, digits, at most one '.'. Stops at the first
 * other character (`stop.at`). NaN when it saw no digit or more than 15 significant digits or 15 decimals; else
 * the double Number() gives for the text it took: the digits form an exact integer m, and m / 10^k is then
 * correctly rounded by IEEE division (both operands exact).
 */
export function scanDecimal(text: string, s: number, e: number, stop: ScanStop): number {
  let i = s;
  let neg = false;
  const first = text.charCodeAt(i);
  if (first === 45) {
    neg = true;
    i++;
  } else if (first === 43) i++;
  let mant = 0;
  let digits = 0;
  let sawDigit = false;
  let frac = -1;
  for (; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      sawDigit = true;
      mant = mant * 10 + (c - 48);
      // Leading zeros are not significant; every digit after the first non-zero one is.
      if (mant !== 0) digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else break;
  }
  stop.at = i;
  if (!sawDigit || digits > 15 || frac > 15) return Number.NaN;
  const v = frac > 0 ? mant / POW10[frac] : mant;
  return neg ? -v : v;
}

const STOP: ScanStop = { at: 0 };

/**
 * Parses a decimal number from `text[s, e)` exactly as Number() would: scanDecimal when the whole field is a plain
 * decimal, else Number().
 */
export function parseNumberAt(text: string, s: number, e: number): number {
  const v = scanDecimal(text, s, e, STOP);
  return STOP.at === e && !Number.isNaN(v) ? v : slowNumber(text, s, e);
}

function slowNumber(text: string, s: number, e: number): number {
  const t = text.slice(s, e);
  // Number('') and Number('  ') are 0: an empty cell is not a zero.
  return t.trim().length === 0 ? Number.NaN : Number(t);
}

/** A required numeric field: empty text or anything Number() cannot read as a finite number fails. */
export function numberField(file: string, row: CsvRow, col: number, name: string): number {
  if (col >= row.count) throw new DataError(file, row.line, `column "${name}" is missing from the row`);
  const v = parseNumberAt(row.text, row.start[col], row.end[col]);
  if (Number.isFinite(v)) return v;
  const t = fieldText(row, col);
  throw new DataError(
    file,
    row.line,
    t.trim().length === 0 ? `column "${name}" is empty` : `column "${name}" is not a number: "${t}"`,
  );
}

/** An optional numeric field: an absent or empty cell means "no value"; anything else must be a finite number. */
export function optionalNumberField(
  file: string,
  row: CsvRow,
  col: number,
  name: string,
): number | undefined {
  if (col < 0 || col >= row.count || isBlankRange(row.text, row.start[col], row.end[col])) return undefined;
  return numberField(file, row, col, name);
}

/** A required timestamp field in any form `parseTimestampAt` accepts. */
export function timestampField(file: string, row: CsvRow, col: number, name: string): number {
  if (col >= row.count) throw new DataError(file, row.line, `column "${name}" is missing from the row`);
  const ts = parseTimestampAt(row.text, row.start[col], row.end[col]);
  if (ts !== undefined) return ts;
  const t = fieldText(row, col);
  throw new DataError(
    file,
    row.line,
    t.trim().length === 0 ? `column "${name}" is empty` : `column "${name}" is not a timestamp: "${t}"`,
  );
}

/** Fails when a row has fewer fields than the columns it must supply. */
export function requireFieldCount(file: string, row: CsvRow, needed: number): void {
  if (row.count < needed) {
    throw new DataError(
      file,
      row.line,
      `row has ${row.count} column${row.count === 1 ? '' : 's'}, expected at least ${needed}`,
    );
  }
}
