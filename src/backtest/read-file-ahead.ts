/**
 * A read ahead (read-ahead.ts), on either side: the reading thread counts a file as the load would count it, by the
 * kind its first line says (and keeps a CSV's bytes); the run's thread reads a CSV into shared memory
 * (readCsvAhead).
 */
import { constants } from 'node:buffer';
import { closeSync, fstatSync, openSync, read, readFileSync, readSync, statSync } from 'node:fs';
import { FileWindow } from '../data/file-window.ts';
import type { ReadAhead } from './read-ahead.ts';
import {
  countDriftRecords,
  countRows,
  HEAD_BYTES,
  headOf,
  type StreamedKind,
  streamedKind,
} from './streamed-files.ts';
import type { StreamedReader } from './streamed-parse.ts';

/**
 * The file's count with what the run's thread is told of it, and a CSV's bytes (the thread keeps their text);
 * undefined when it is not read ahead.
 */
export function readFileAhead(path: string): { ahead: ReadAhead; bytes?: Buffer } | undefined {
  try {
    const info = statSync(path);
    if (!info.isFile()) return undefined;
    // how the load would read it, by its first line as the load reads it (streamedKind), before the file is read
    // whole: a CSV with oracle columns is loaded the usual way, and Drift candles (200 MB a year) never whole
    const kind = headKind(path, info.size);
    if (kind === undefined) return undefined;
    const { size, mtimeMs, dev, ino } = info;
    const stood = { path, size, mtimeMs, dev, ino, reader: kind.reader };
    if (kind.reader === 'drift-json') {
      const window = new FileWindow(path);
      try {
        return { ahead: { ...stood, count: countDriftRecords(window).rows } };
      } finally {
        window.close();
      }
    }
    const bytes = readFileSync(path);
    // a file growing or shrinking as it is read: left to the load
    if (bytes.length !== info.size) return undefined;
    return { ahead: { ...stood, count: countRows(bytes, false) }, bytes };
  } catch {
    return undefined;
  }
}

/** How the load would read the file at `path` (its kind by its head, as headKind), if it is one the load streams. */
export function kindAhead(path: string): StreamedKind | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? headKind(path, info.size) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A CSV (of `reader`'s kind, kindAhead's answer) read ahead by the run's thread, as the reading thread reads one
 * (readFileAhead): its bytes (shared memory) handed to the reading thread to decode for the job (`handOver`) as soon
 * as they are all in, then counted as the load counts them while the reading thread decodes; undefined when it
 * cannot be read whole.
 *
 * Opened here, and read by libuv's pool from this thread's first turn of its event loop (when its modules are
 * loaded and it waits for the load). Read at once, the file took a core from the command's modules and the reading
 * thread's start-up, and the first bar came no sooner; counted a piece at a time as it was read, the decode started
 * only after the count and the first bar came later (issue 17, twenty-sixth round).
 */
export function readCsvAhead(
  path: string,
  reader: Exclude<StreamedReader, 'drift-json'>,
  handOver: (bytes: Uint8Array) => void,
): Promise<ReadAhead | undefined> {
  let fd: number;
  let info: ReturnType<typeof fstatSync>;
  try {
    fd = openSync(path, 'r');
    info = fstatSync(fd);
  } catch {
    return Promise.resolve(undefined);
  }
  const { size, mtimeMs, dev, ino } = info;
  // a file the reading thread could not decode into one string: left to the load
  if (size > constants.MAX_STRING_LENGTH) {
    closeSync(fd);
    return Promise.resolve(undefined);
  }
  const bytes = Buffer.from(new SharedArrayBuffer(size));
  return new Promise((resolve) => {
    const done = (whole: boolean): void => {
      closeSync(fd);
      if (!whole) {
        resolve(undefined);
        return;
      }
      handOver(bytes);
      resolve({ path, size, mtimeMs, dev, ino, reader, count: countRows(bytes, false) });
    };
    const readFrom = (at: number): void => {
      if (at === size) {
        done(true);
        return;
      }
      // a file that fails to read or shrinks as it is read: left to the load
      read(fd, bytes, at, size - at, at, (err, n) => (err || n === 0 ? done(false) : readFrom(at + n)));
    };
    setImmediate(() => readFrom(0));
  });
}

/** How the load would read the file, by its head as readHead reads it (streamedKind). */
function headKind(path: string, size: number): StreamedKind | undefined {
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(HEAD_BYTES);
    const head = headOf(bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, 0)), size);
    return head === undefined ? undefined : streamedKind(head);
  } finally {
    closeSync(fd);
  }
}
