/**
 * A streamed load's files as the run's thread sees them before the reading thread takes them (streamed-load.ts):
 * how each is read (its first line, or Drift candles), its bytes, and its rows counted — what the run assumes and
 * the thread checks when its parse ends.
 */
import { open, stat } from 'node:fs/promises';
import { firstLine } from '../data/csv.ts';
import { streamableCsv } from '../data/detect.ts';
import { opensDriftCandles } from '../data/drift-candles-chunked.ts';
import type { FileWindow } from '../data/file-window.ts';
import { decodeDataText, displayPath, openDataWindow, readDataBytes } from '../data/read-file.ts';
import type { FileArg } from './file-arg.ts';
import { type ReadAhead, rowsReadAhead, stillTheFile } from './read-ahead.ts';
import type { StreamedFile, StreamedReader } from './streamed-parse.ts';

/**
 * One market's files' bytes, each with its reader and rows (the bytes move to the thread without a copy when they
 * are a buffer of their own); undefined when one cannot be read. A Drift candle file that begins with the record
 * the file before ended with, byte for byte (a download a month at a time: each month's last window ends with the
 * candle the next month's begins with), has one row fewer: the reader writes that row once (StreamedColumns
 * `continues`), as the usual merge keeps one.
 */
export async function readAll(
  args: readonly FileArg[],
  kinds: readonly StreamedKind[],
  readAhead?: Promise<ReadAhead | undefined>,
): Promise<(StreamedFile & { rows: number; ahead?: true })[] | undefined> {
  try {
    // a file read ahead stands for the one file it is (read-ahead.ts)
    const ahead = args.length === 1 ? await readAhead : undefined;
    const files = await Promise.all(args.map((arg, k) => readOne(arg, kinds[k] as StreamedKind, ahead)));
    return files.map(({ edges, ...f }, k) => {
      const before = files[k - 1]?.edges;
      const continues =
        before?.last !== undefined &&
        edges?.first !== undefined &&
        Buffer.compare(before.last, edges.first) === 0;
      return continues ? { ...f, rows: f.rows - 1 } : f;
    });
  } catch {
    return undefined;
  }
}

/**
 * A file read or counted, with a Drift candle file's first and last records (their bytes); a file the thread read
 * ahead (`ahead`, when it is still the file) is neither read nor counted again (`ahead: true` on the answer).
 */
async function readOne(
  arg: FileArg,
  kind: StreamedKind,
  ahead: ReadAhead | undefined,
): Promise<StreamedFile & { rows: number; edges?: DriftCount; ahead?: true }> {
  const counted =
    ahead !== undefined && ahead.reader === kind.reader && (await stillTheFile(ahead, arg.path));
  if (kind.reader === 'drift-json') {
    // counted by the thread already: it reads the file a piece at a time in the job, as ever
    if (counted) {
      const file = displayPath(arg.path);
      return { file, reader: 'drift-json', path: file, rows: rowsReadAhead(ahead, false), ahead: true };
    }
    // counted through a window, read again by the thread: neither holds the file whole
    const { file, window } = await openDataWindow(arg.path);
    try {
      const edges = countDriftRecords(window);
      return { file, reader: 'drift-json', path: displayPath(arg.path), rows: edges.rows, edges };
    } finally {
      window.close();
    }
  }
  if (counted) {
    const rows = rowsReadAhead(ahead, kind.header);
    return { file: displayPath(arg.path), reader: kind.reader, readAhead: true, rows, ahead: true };
  }
  const { file, bytes } = await readDataBytes(arg.path);
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const sent = own ? bytes : new Uint8Array(bytes);
  return { file, bytes: sent, reader: kind.reader, rows: countRows(sent, kind.header) };
}

/**
 * A file's first non-blank line (in its first 64 KiB, decoded as the loaders decode it) and its size; undefined
 * for a file without such a line, or one that is not a regular file or cannot be read.
 */
export async function readHead(path: FileArg['path']): Promise<Head | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // looked at before it is opened: opening a FIFO waits for a writer (the usual load refuses it)
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    handle = await open(path, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return headOf(buffer.subarray(0, bytesRead), info.size);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** How much of a file's start readHead looks at. */
export const HEAD_BYTES = 65_536;

/** A file's head from its first HEAD_BYTES bytes (decoded as the loaders decode them) and its size. */
export function headOf(bytes: Uint8Array, size: number): Head | undefined {
  const text = decodeDataText(bytes);
  const line = firstLine(text)?.line;
  return line === undefined ? undefined : { line, text, size };
}

/** A file's first 64 KiB as text, its first non-blank line, and its size. */
export interface Head {
  line: string;
  text: string;
  size: number;
}

/** How a file is read on the thread, and whether its first line is a header (a CSV's). */
export interface StreamedKind {
  reader: StreamedReader;
  header: boolean;
}

/** How a file is read on the thread: a price CSV's reader by its first line, or Drift candles in pieces. */
export function streamedKind(h: Head): StreamedKind | undefined {
  return (
    streamableCsv(h.line) ?? (opensDriftCandles(h.text) ? { reader: 'drift-json', header: false } : undefined)
  );
}

/**
 * A Drift candle file's rows: its records, counted by their opening braces less the document's own (it opens with
 * `{` then its "candles" array: opensDriftCandles), less the records that repeat the one before byte for byte —
 * what the export's overlapping chunks leave at their edges (data/README.md), and `data download` writes too: the
 * reader drops such a record as the usual load does (drift-candles-chunked.ts), so it is no row. What the run
 * assumes, checked when the parse ends: a brace anywhere else (a string holding one; a nested value, whose brace
 * follows a colon, ends the count as a member after the array does), or a repeat in other bytes, miscounts, and the
 * file is then loaded the usual way. A member after the array (Drift's API answers with `lastTradeSeen` there) is no
 * record: its brace follows a colon, and the count ends before it. A byte is found by
 * memchr: the count of a year (201 MB) took 17–20 ms, against 160–184 ms for the records' `"start"` keys, which it
 * counted before (issue 17, twentieth round), on the path to the run's first bar; a record is compared with the one
 * before only where the two are as long (a compare stops at the first byte that differs, mostly in `start`).
 */
export function countDriftRecords(window: FileWindow): DriftCount {
  const document = window.indexOf(OPEN_BRACE, 0);
  if (document === -1) return { rows: 0, first: undefined, last: undefined };
  let first: Uint8Array | undefined;
  let last: Uint8Array | undefined;
  let records = 0;
  let repeats = 0;
  // the record before: where it starts and how long it is, with what separates it from the next
  let before = -1;
  let beforeLength = -1;
  for (let at = window.indexOf(OPEN_BRACE, document + 1); at !== -1; ) {
    records++;
    let next = window.indexOf(OPEN_BRACE, at + 1);
    // a brace after a colon opens a member's value, not a record: the records end before it (Drift's API answers
    // with a `lastTradeSeen` object after the array, as the shipped files have it)
    if (next !== -1 && afterColon(window, next, at)) next = -1;
    // the last record is compared up to its closing brace (the one before has a separator where it has the end)
    const length = next !== -1 ? next - at : window.nextClose(at) + 1 - at;
    // the first and last records' own bytes (a copy: the window moves on), for the files before and after
    if (records === 1) first = Buffer.from(window.bytes(at, window.nextClose(at) + 1));
    if (next === -1 && length > 0) last = Buffer.from(window.bytes(at, at + length));
    if (
      before !== -1 &&
      length > 0 &&
      (length === beforeLength || next === -1) &&
      window.same(before, at, length)
    )
      repeats++;
    // the record just compared is the next one's `before`: only what precedes it may go
    window.release(at);
    before = at;
    beforeLength = length;
    at = next;
  }
  return { rows: records - repeats, first, last };
}

/** A Drift candle file's rows (countDriftRecords), and its first and last records' bytes (from `{` to `}`). */
export interface DriftCount {
  rows: number;
  first: Uint8Array | undefined;
  last: Uint8Array | undefined;
}
const OPEN_BRACE = Uint8Array.of(123);
const COLON = 58;
const SPACE = 0x20;

/**
 * Whether the brace at `i` opens a member's value: a colon just before it, or a colon and one space (the layouts
 * JSON.stringify writes, compact or indented). A record's brace follows a comma or a line's indent. Two bytes at
 * most are looked at (this runs once a record, on the path to the run's first bar): a member written otherwise
 * miscounts, and the file loads the usual way.
 */
function afterColon(window: FileWindow, i: number, floor: number): boolean {
  let j = i - 1;
  if (j > floor && window.code(j) === SPACE) j--;
  return j > floor && window.code(j) === COLON;
}

/**
 * A CSV's rows: its non-empty lines (a line of "\r" alone is empty, as the readers take it), less the header
 * when it has one.
 */
export function countRows(bytes: Uint8Array, header = true): number {
  let lines = 0;
  for (let pos = 0; pos < bytes.length; ) {
    const nl = bytes.indexOf(10, pos);
    let end = nl === -1 ? bytes.length : nl;
    if (end > pos && bytes[end - 1] === 13) end--;
    if (end > pos) lines++;
    pos = nl === -1 ? bytes.length : nl + 1;
  }
  return Math.max(0, header ? lines - 1 : lines);
}
