/**
 * A price CSV read ahead by the streamed load's thread (streamed-load-thread.ts): the thread is started before the
 * backtest command's modules load, and with a single `--data` file it reads that file and counts its lines while
 * they load and the config is read. The run's thread then takes the count instead of reading and counting the
 * file itself, and hands the thread a job that names the file it already holds.
 *
 * Why: reading a year's CSV (27 MB) and counting its rows on the run's thread took 37 + 32 ms, before the first
 * bar and while the reading thread waited for the bytes (issue 17, twenty-second round).
 *
 * The count stands only for the very file the load opens: the path as given, and the same size, modification time,
 * device and inode when the load looks (a file replaced or written since is read again, the usual way). A file the
 * thread cannot read, or whose first line is not a CSV's the load streams (Drift candles, read through a window and
 * never whole; a CSV with oracle columns, loaded the usual way), is not read ahead: the load then reads it as
 * before, and says what it says of a bad one.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import { firstLine } from '../data/csv.ts';
import { streamableCsv } from '../data/detect.ts';
import { decodeDataText } from '../data/read-file.ts';
import { countRows } from './streamed-files.ts';

/** What the run's thread asks of the reading thread before its job: read `path`, answer on `reply`. */
export interface ReadAheadRequest {
  kind: 'read-ahead';
  path: string;
  reply: MessagePort;
}

/** A file the thread read ahead: which one, as it stood, and its non-empty lines (countRows without a header). */
export interface ReadAhead {
  path: string;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  lines: number;
}

/** The file's bytes with what the run's thread is told of them; undefined when it is not read ahead. */
export function readFileAhead(path: string): { ahead: ReadAhead; bytes: Buffer } | undefined {
  try {
    const info = statSync(path);
    // only a CSV the load would stream, by its first line as the load reads it (streamedKind), before the file is
    // read whole: a year of Drift candles is 200 MB, and a CSV with oracle columns is loaded the usual way
    if (!info.isFile() || !streamsAsCsv(path)) return undefined;
    const bytes = readFileSync(path);
    // a file growing or shrinking as it is read: left to the load
    if (bytes.length !== info.size) return undefined;
    const { size, mtimeMs, dev, ino } = info;
    return { ahead: { path, size, mtimeMs, dev, ino, lines: countRows(bytes, false) }, bytes };
  } catch {
    return undefined;
  }
}

/** Whether the file read ahead is still the file at `path` (the same size, time, device and inode). */
export async function stillTheFile(ahead: ReadAhead, path: string): Promise<boolean> {
  if (ahead.path !== path) return false;
  try {
    const info = await stat(path);
    return (
      info.isFile() &&
      info.size === ahead.size &&
      info.mtimeMs === ahead.mtimeMs &&
      info.dev === ahead.dev &&
      info.ino === ahead.ino
    );
  } catch {
    return false;
  }
}

/** The rows a CSV read ahead holds: its lines, less the header when it has one (countRows). */
export const rowsReadAhead = (ahead: ReadAhead, header: boolean): number =>
  Math.max(0, header ? ahead.lines - 1 : ahead.lines);

/** Whether the file's first non-blank line (in its first 64 KiB, as readHead reads it) is a CSV's the load streams. */
function streamsAsCsv(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(65_536);
    const line = firstLine(decodeDataText(head.subarray(0, readSync(fd, head, 0, head.length, 0))))?.line;
    return line !== undefined && streamableCsv(line) !== undefined;
  } finally {
    closeSync(fd);
  }
}
