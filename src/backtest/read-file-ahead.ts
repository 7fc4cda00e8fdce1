/**
 * The reading thread's side of a read ahead (read-ahead.ts): the file counted as the load would count it, by the
 * kind its first line says, and a CSV's bytes for the thread to keep.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
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
