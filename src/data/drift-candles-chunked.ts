/**
 * Drift candle JSON read a few thousand records at a time (issue 17). Parsed whole, a year of 1-minute Drift
 * candles as `data download drift candles` writes it — 201 MB of JSON — became half a million objects of twelve
 * strings each, which lived until the last record was read: the backtest peaked at 832–849 MB, where the same bars
 * as CSV load within ~250 MB.
 *
 * The "candles" array is cut after records — at a `}` followed by a `,` — and each piece parsed by JSON.parse as
 * an array of its own. A cut anywhere but between two records leaves a string or an object open in its piece,
 * which JSON.parse refuses (the piece is then taken on to the next such `}`); so when every piece parses, the
 * pieces' records are the array's records, in order, with the values JSON.parse gives the whole. What follows the
 * array is parsed too (after a placeholder member in its place, so that a second "candles" member, which would win
 * in the whole, shows). Each record is read by the record path's own driftCandleOf. Rows in time order go straight
 * to columns (finishSortedBars: what finishCandles makes of such rows), and so does a record that repeats the one
 * before it exactly — what the export's overlapping chunks leave at their edges — dropped and counted as
 * finishCandles drops and counts it. Once a time steps back, or repeats with other fields, the rows become candles
 * for finishCandles (sorting, duplicates, superseded records with their lines), as the record path gives them, the
 * repeats dropped so far put back where they were — or, for a streamed load's shared columns, the load gives way
 * (NotStreamable).
 *
 * Read from a file through a window (file-window.ts), the text is never held whole: a piece's bytes decode to the
 * characters they are in the whole, as pieces are cut before ASCII characters. There a piece is first read from its
 * bytes (drift-record-scan.ts: the candles as driftCandleOf makes them, without JSON.parse's strings and objects),
 * and only a piece that reader declines is parsed by JSON.parse (all of them after eight declined in a row).
 *
 * Only for the layout this project writes and Drift's export has: the document opens with its "candles" member.
 * Any other layout, 64 refused tries at one piece, an empty array or a bad record gives way (undefined): the caller
 * parses the whole text as before, which then loads it the same or names the error and its line
 * (drift-candles-chunked.test.ts compares the two).
 */
import { BarColumnsBuilder, type BarSink } from './bar-columns.ts';
import { driftCandleOf } from './drift-candles.ts';
import { scanDriftRecordsInto } from './drift-record-scan.ts';
import type { FileWindow } from './file-window.ts';
import { isRecord, type JsonRecordRef } from './json-fields.ts';
import { elementLines } from './json-source.ts';
import { type CandleLoad, finishCandles, finishSortedBars } from './load-result.ts';
import { sameCandle } from './normalize.ts';
import { newCandle, ScannedCandles } from './scanned-candles.ts';
import { NotStreamable, StreamedColumns } from './streamed-columns.ts';
import type { Candle } from './types.ts';

const FORMAT = 'drift-candles-json';
const KEY = 'candles';
/** Records per piece: small enough that a piece's objects die young, large enough that JSON.parse dominates. */
export const RECORDS_PER_PIECE = 2048;

/** The document's opening up to its "candles" array, JSON's whitespace allowed between (sticky: at 0 only). */
const OPENING = /[ \t\n\r]*\{[ \t\n\r]*"candles"[ \t\n\r]*:[ \t\n\r]*\[/y;
/** How far into the document its opening may reach (whitespace beyond this gives way). */
const OPENING_REACH = 4096;

/** Whether a document's first characters (its first 64 KiB, say) open it with its "candles" array. */
export function opensDriftCandles(head: string): boolean {
  OPENING.lastIndex = 0;
  return OPENING.test(head.length > OPENING_REACH ? head.slice(0, OPENING_REACH) : head);
}

/** Gave way: the text is not read here (see the module comment). */
class GiveWay {}
const GIVE_WAY = new GiveWay();

/** The document, as its text or as a file read through a window (offsets then count its bytes). */
interface JsonSource {
  readonly length: number;
  /** The character (text) or byte (file) at i; −1 past the end. */
  code(i: number): number;
  /** The offset of the next `}` at or after `at`, −1 when none. */
  nextClose(at: number): number;
  /** The text of [from, to). */
  text(from: number, to: number): string;
  /** The whole text (for the lines of superseded records only). */
  whole(): string;
  /** What lies before `before` is not asked for again. */
  release(before: number): void;
  /**
   * The candles of the records in [from, to) read from their bytes into `out` (drift-record-scan.ts), false where
   * that reader declines; absent for a text (its pieces are parsed by JSON.parse).
   */
  scan?(from: number, to: number, out: ScannedCandles): boolean;
}

function textSource(t: string): JsonSource {
  return {
    length: t.length,
    code: (i) => (i < t.length ? t.charCodeAt(i) : -1),
    nextClose: (at) => t.indexOf('}', at),
    text: (from, to) => t.slice(from, to),
    whole: () => t,
    release: () => {},
  };
}

/**
 * A data file read through a window that moves on a piece at a time (file-window.ts): its bytes decode to the
 * characters they are in the whole text, as pieces are cut before ASCII characters (a BOM gives way: the whole
 * text strips it).
 */
function windowSource(w: FileWindow): JsonSource {
  return {
    length: w.length,
    code: (i) => w.code(i),
    nextClose: (at) => w.nextClose(at),
    text: (from, to) => w.text(from, to),
    whole: () => w.whole(),
    release: (before) => w.release(before),
    scan: (from, to, out) => scanDriftRecordsInto(w.bytes(from, to), 0, to - from, out),
  };
}

/**
 * The file's candles loaded as driftCandlesFromJson loads them, or undefined where this reader gives way (then
 * parse the text whole). `perPiece`: records per JSON.parse (tests cut small pieces).
 */
export function readDriftCandlesInPieces(
  file: string,
  text: string,
  perPiece = RECORDS_PER_PIECE,
): CandleLoad | undefined {
  return readPieces(file, textSource(text), perPiece);
}

/**
 * readDriftCandlesInPieces from a file through a window (file-window.ts): its text is never held whole.
 * `sink`: the rows go there (a streamed load's shared columns) and must rise in time (else NotStreamable).
 */
export function readDriftCandleFileInPieces(
  file: string,
  window: FileWindow,
  perPiece = RECORDS_PER_PIECE,
  sink?: BarSink,
): CandleLoad | undefined {
  return readPieces(file, windowSource(window), perPiece, sink);
}

function readPieces(file: string, src: JsonSource, perPiece: number, sink?: BarSink): CandleLoad | undefined {
  const rows = new Rows(file, src, sink);
  OPENING.lastIndex = 0;
  try {
    if (!OPENING.test(src.text(0, Math.min(src.length, OPENING_REACH)))) throw GIVE_WAY;
    const end = readArray(src, OPENING.lastIndex, perPiece, rows);
    if (rows.count === 0 || !closesAsJson(src, end)) throw GIVE_WAY;
  } catch (err) {
    if (err !== GIVE_WAY) throw err;
    return undefined;
  }
  return rows.finish();
}

/** Times a piece is taken further when JSON.parse refuses it, before the whole text is parsed instead. */
const MAX_RETRIES = 64;
/** Pieces in a row the byte reader declines (and JSON.parse reads) before the rest go to JSON.parse alone. */
const SCAN_DECLINES_BEFORE_GIVING_UP = 8;

/**
 * The records from `from` (just inside the array's `[`) to the array's end, a piece at a time into `rows`; returns
 * the offset just past the array's `]`.
 */
function readArray(src: JsonSource, from: number, perPiece: number, rows: Rows): number {
  let pos = from;
  const scanned = src.scan === undefined ? undefined : new ScannedCandles();
  // one candle object for the scanned rows, filled row by row (Rows keeps a copy where it keeps one)
  const row = newCandle();
  // the byte reader, while it reads the pieces (a file whose records it declines, piece after piece, is left
  // to JSON.parse: each decline had read part of the piece for nothing)
  let scanning = scanned !== undefined;
  let declined = 0;
  for (;;) {
    src.release(pos);
    let [cut, last] = pieceEnd(src, pos, perPiece);
    let read = readPiece(src, pos, cut, scanning ? scanned : undefined);
    for (let retry = 0; read === undefined; retry++) {
      // the cut fell in a string or a nested value (a `}` there): take the piece on to the next candidate
      if (retry === MAX_RETRIES) throw GIVE_WAY;
      [cut, last] = pieceEnd(src, cut + 1, 1);
      read = readPiece(src, pos, cut, scanning ? scanned : undefined);
    }
    let count: number;
    if (read === READ_BY_BYTES) {
      declined = 0;
      count = (scanned as ScannedCandles).length;
      for (let k = 0; k < count; k++) rows.addCandle((scanned as ScannedCandles).candle(k, row), true);
    } else {
      if (scanning && ++declined === SCAN_DECLINES_BEFORE_GIVING_UP) scanning = false;
      count = read.length;
      for (const rec of read) rows.add(rec);
    }
    if (last) return cut + 1;
    // the rows to come, guessed from the first piece's bytes a record (a little over: the columns grow once)
    if (pos === from) rows.expect(Math.ceil(((src.length - from) / (cut + 1 - from)) * count * 1.02));
    pos = cut + 1;
  }
}

/** readPiece's answer when the piece's candles were read from its bytes (into `scanned`). */
const READ_BY_BYTES = 'bytes';

/**
 * The piece [pos, cut): its candles read from its bytes into `scanned` where the source can (drift-record-scan.ts),
 * else its records as JSON.parse gives them; undefined when neither reads it (the cut is not between two records).
 */
function readPiece(
  src: JsonSource,
  pos: number,
  cut: number,
  scanned: ScannedCandles | undefined,
): typeof READ_BY_BYTES | unknown[] | undefined {
  if (scanned !== undefined && src.scan?.(pos, cut, scanned)) return READ_BY_BYTES;
  return parsePiece(src, pos, cut);
}

/** The records of [pos, cut) as a JSON array, undefined when JSON.parse refuses it. */
function parsePiece(src: JsonSource, pos: number, cut: number): unknown[] | undefined {
  try {
    const records = JSON.parse(`[${src.text(pos, cut)}]`) as unknown;
    return Array.isArray(records) ? records : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a piece whose search starts at `at` ends: the offset of the `,` after the `perPiece`-th `}` followed by
 * one, or of a `]` after a `}` (`last`: the array's end). A guess where a `}` sits in a string or a nested
 * object: JSON.parse then refuses the piece, and the search goes on from there.
 */
function pieceEnd(src: JsonSource, at: number, perPiece: number): [number, boolean] {
  let records = 0;
  let from = at;
  for (;;) {
    const close = src.nextClose(from);
    if (close === -1) throw GIVE_WAY;
    let next = close + 1;
    for (let c = src.code(next); c === 32 || c === 10 || c === 13 || c === 9; c = src.code(++next));
    const c = src.code(next);
    if (c === 93) return [next, true];
    if (c === 44 && ++records === perPiece) return [next, false];
    from = close + 1;
  }
}

/**
 * Whether the text after the array (from `end`) closes the document as JSON, with no second "candles" member
 * (the whole's JSON.parse would take that one): parsed after a placeholder member in the array's place.
 */
function closesAsJson(src: JsonSource, end: number): boolean {
  try {
    const rest = JSON.parse(`{"":0${src.text(end, src.length)}`) as unknown;
    return isRecord(rest) && !Object.hasOwn(rest, KEY);
  } catch {
    return false;
  }
}

/**
 * The records as read: columns while their times rise (an exact repeat of the row before dropped and noted),
 * candles once one does not.
 */
class Rows {
  readonly #file: string;
  readonly #src: JsonSource;
  readonly #ref: JsonRecordRef;
  readonly #bars: BarSink;
  /** A sink that takes rows only in time order (a streamed load's): a step back is NotStreamable. */
  readonly #streamed: boolean;
  #candles: Candle[] | undefined;
  #last = Number.NEGATIVE_INFINITY;
  /** For each exact repeat dropped, the row it repeated (columns' index), in file order. */
  readonly #repeats: number[] = [];
  /** The sink's last row is the file before's (a streamed load's next file): the first record may be it again. */
  #rowBefore = false;
  count = 0;

  constructor(file: string, src: JsonSource, sink: BarSink | undefined) {
    this.#file = file;
    this.#src = src;
    this.#bars = sink ?? new BarColumnsBuilder(4096);
    this.#streamed = sink !== undefined;
    const before = sink instanceof StreamedColumns ? sink.last() : undefined;
    if (before !== undefined) {
      this.#last = before.ts;
      this.#rowBefore = true;
    }
    // a bad record gives way before its line is looked up (driftCandleOf reads `text` only to name the line)
    this.#ref = { file, text: '', arrayKey: KEY, index: 0 };
  }

  add(rec: unknown): void {
    this.#ref.index = this.count;
    let candle: Candle;
    try {
      candle = driftCandleOf(this.#ref, rec);
    } catch {
      // the record path names the record and its line
      throw GIVE_WAY;
    }
    this.addCandle(candle);
  }

  /**
   * A record's candle, made by driftCandleOf or as it makes them (drift-record-scan.ts). `reused`: the caller
   * fills the same object again for the next row, so a candle kept here is a copy.
   */
  addCandle(candle: Candle, reused = false): void {
    this.count++;
    if (this.#candles !== undefined) {
      this.#candles.push(reused ? { ...candle } : candle);
      return;
    }
    if (candle.ts > this.#last) {
      this.#last = candle.ts;
      this.#bars.push(candle);
      return;
    }
    // the row before again, field for field: finishCandles would drop it (normalizeSeries keeps the first of equal
    // records) and count it among the duplicates and the places where time did not advance (a streamed load
    // counted such repeats among the records it expects where their bytes repeat too: streamed-files.ts)
    // (the last row is made from the columns only here, where a time repeats: none is kept row by row)
    if (candle.ts === this.#last && sameCandle(this.#bars.last() as Candle, candle)) {
      // the file's first record, the file before's last row again: the file's own row (its load report counts it
      // among its rows), written once (the usual merge of the two files keeps one)
      if (this.#rowBefore && this.count === 1) (this.#bars as StreamedColumns).continues();
      else this.#repeats.push(this.#bars.length - 1);
      return;
    }
    if (this.#streamed) throw new NotStreamable('rows out of time order, or a repeated time');
    // a time that steps back, or repeats with other fields: the rows so far as the candles they were
    // (BarColumns.candle gives the fields and values they had), each repeat dropped so far back after the row it
    // repeated (an equal copy: finishCandles reads only its time and fields), then candles from here on
    const so = this.#bars.finish();
    const repeats = this.#repeats;
    this.#candles = [];
    for (let i = 0, r = 0; i < so.length; i++) {
      this.#candles.push(so.candle(i));
      for (; r < repeats.length && repeats[r] === i; r++) this.#candles.push(so.candle(i));
    }
    this.#candles.push(reused ? { ...candle } : candle);
  }

  /** About how many rows the array holds (the columns' room: a guess, never a limit). */
  expect(rows: number): void {
    if (this.#bars instanceof BarColumnsBuilder) this.#bars.reserve(rows);
  }

  finish(): CandleLoad {
    const src = this.#src;
    if (this.#candles === undefined) {
      return finishSortedBars(this.#file, FORMAT, this.#bars.finish(), this.#repeats.length);
    }
    return finishCandles(this.#file, FORMAT, this.#candles, (idx) =>
      idx.length === 0 ? [] : elementLines(src.whole(), KEY, idx),
    );
  }
}
