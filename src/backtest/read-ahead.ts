/**
 * A price file read ahead by the streamed load's thread (streamed-load-thread.ts): the thread is started before the
 * backtest command's modules load, and with a single `--data` file it counts that file's rows while they load and
 * the config is read — a CSV read whole (the thread keeps its text for the job), or Drift candle JSON counted
 * through a window as the load counts it (countDriftRecords; the thread keeps nothing, and reads it a piece at a
 * time in the job as before). The run's thread then takes the count instead of making it, and a CSV's job names
 * the file the thread already holds.
 *
 * Why: reading a year's CSV (27 MB) and counting its rows on the run's thread took 37 + 32 ms, and counting a
 * year of Drift candles (200 MB) 95–185 ms, before the first bar and while the reading thread waited (issue 17,
 * twenty-second round).
 *
 * A CSV is now read by the run's own thread instead (read-file-ahead.ts readCsvAhead), into shared memory and off
 * the thread (libuv's pool reads it while this thread waits for its load to start), then handed to the reading
 * thread to decode while this thread counts it: the read, the count and the decode no longer run one after the
 * other on the reading thread after its start-up (issue 17, twenty-sixth round).
 *
 * The count stands only for the very file the load opens: the path as given, and the same size, modification time,
 * device and inode when the load looks (a file replaced or written since is counted again, the usual way). A file
 * the thread cannot read, or whose first line is not one the load streams (a CSV with oracle columns, loaded the
 * usual way; JSON of another shape), is not read ahead: the load then reads it as before, and says what it says of
 * a bad one.
 */
import { stat } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import type { StreamedReader } from './streamed-parse.ts';

/** What the run's thread asks of the reading thread before its job: read `path`, answer on `reply`. */
export interface ReadAheadRequest {
  kind: 'read-ahead';
  path: string;
  reply: MessagePort;
}

/** Or: decode these bytes of the CSV read ahead (shared memory), and keep the text for the job. */
export interface DecodeAheadRequest {
  kind: 'decode-ahead';
  bytes: Uint8Array;
}

/**
 * A file the thread read ahead: which one, as it stood, and its count — a CSV's non-empty lines (countRows without a
 * header), or a Drift candle file's records (countDriftRecords' rows).
 */
export interface ReadAhead {
  path: string;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  reader: StreamedReader;
  count: number;
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

/** The rows a file read ahead holds: a CSV's lines less the header when it has one (countRows), or its records. */
export const rowsReadAhead = (ahead: ReadAhead, header: boolean): number =>
  ahead.reader === 'drift-json' ? ahead.count : Math.max(0, header ? ahead.count - 1 : ahead.count);
