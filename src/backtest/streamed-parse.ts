/**
 * A streamed load's parse (run on its own thread by streamed-load-worker.ts; in process by tests): the file's
 * rows into the shared columns, the grid's blended range of each chunk computed before the chunk is published,
 * and the parse's end said on the port and in the shared state.
 */

import type { MessagePort } from 'node:worker_threads';
import { parseBinanceKlines } from '../data/binance-klines.ts';
import type { StreamableCsv } from '../data/detect.ts';
import { RECORDS_PER_PIECE, readDriftCandleFileInPieces } from '../data/drift-candles-chunked.ts';
import { DataError } from '../data/errors.ts';
import { FileWindow } from '../data/file-window.ts';
import { parseGenericOhlcv } from '../data/generic-ohlcv.ts';
import { inferIntervalMs } from '../data/normalize.ts';
import { decodeDataText } from '../data/read-file.ts';
import {
  endStream,
  NotStreamable,
  STATUS_DONE,
  STATUS_FAILED,
  STATUS_NOT_STREAMABLE,
  type StreamBuffers,
  StreamedColumns,
} from '../data/streamed-columns.ts';
import type { LoadReport } from '../data/types.ts';
import { BlendedRange, type BlendedRangeConfig } from '../marketdata/blended-range.ts';
import type { RangeSeriesBuffers } from '../marketdata/range-series.ts';

/** How a file is read: a price CSV's reader (data/detect.ts streamableCsv), or Drift candle JSON in pieces. */
export type StreamedReader = StreamableCsv['reader'] | 'drift-json';

/**
 * One file of a load: its name, reader, and its bytes (a CSV's), or that it is the CSV the thread read ahead
 * (read-ahead.ts), or its path (Drift JSON, read through a window: the thread never holds it whole).
 */
export type StreamedFile =
  | { file: string; reader: StreamableCsv['reader']; bytes: Uint8Array }
  | { file: string; reader: StreamableCsv['reader']; readAhead: true }
  | { file: string; reader: 'drift-json'; path: string };

/**
 * What the run's thread sends: the files (read one after the other into the same columns), the buffers it
 * allocated, and the range to compute (grid runs).
 */
export interface StreamedLoadJob {
  files: StreamedFile[];
  buffers: StreamBuffers;
  range: StreamedRange | undefined;
  port: MessagePort;
}

/**
 * The grid's blended range, computed along with the parse: over the bars known in [from, to] (a run's --from/--to
 * window; ±Infinity when it has none), as the usual run computes it over its window's bars alone. The bars outside
 * have no range: the run never reads them.
 */
export interface StreamedRange {
  config: BlendedRangeConfig;
  buffers: RangeSeriesBuffers;
  from: number;
  to: number;
}

/** What the port says when the parse ends. */
export type StreamedLoadEnd =
  | { kind: 'done'; reports: LoadReport[] }
  | { kind: 'failed'; file: string; line: number; reason: string }
  | { kind: 'error'; message: string }
  | { kind: 'not-streamable'; reason: string };

/** What a file's bytes are replaced by once decoded. */
const NO_BYTES = new Uint8Array(0);

/** range-series.ts's layout: progress[0] bars done, progress[1] failed. */
const RANGE_DONE = 0;
const RANGE_FAILED = 1;

/** `readAhead`: the decoded text of the file read ahead, for the job's file that names it. */
export function runStreamedParse(job: StreamedLoadJob, readAhead?: string): void {
  const { buffers, range } = job;
  const end = (message: StreamedLoadEnd, status: number): void => {
    job.port.postMessage(message);
    if (range && status !== STATUS_DONE) {
      Atomics.store(range.buffers.progress, RANGE_FAILED, 1);
      Atomics.notify(range.buffers.progress, RANGE_DONE);
    }
    endStream(buffers, status);
  };
  try {
    const blended = range ? new BlendedRange(range.config) : undefined;
    const bars = new StreamedColumns(buffers, (from, to) => {
      // the interval the first rows show: what the run's bars are timed by (checked against each file's when
      // the parse ends); a bar becomes known at its close
      if (from === 0) buffers.meta[0] = inferIntervalMs(buffers.ts.subarray(0, to));
      if (!blended || !range) return;
      const interval = buffers.meta[0];
      const r = range.buffers;
      for (let i = from; i < to; i++) {
        const knownAt = buffers.ts[i] + interval;
        r.ts[i] = knownAt;
        r.price[i] = buffers.close[i];
        if (!(knownAt >= range.from && knownAt <= range.to)) continue;
        blended.update(knownAt, r.price[i]);
        r.lo[i] = blended.lo;
        r.hi[i] = blended.hi;
      }
      Atomics.store(r.progress, RANGE_DONE, to);
      Atomics.notify(r.progress, RANGE_DONE);
    });
    const reports: LoadReport[] = [];
    for (const f of job.files) {
      bars.beginFile();
      if (f.reader === 'drift-json') {
        reports.push(driftJsonReport(f, bars));
        continue;
      }
      let text: string;
      if ('readAhead' in f) {
        if (readAhead === undefined) throw new Error(`${f.file}: the thread holds no file read ahead`);
        text = readAhead;
        readAhead = undefined;
      } else {
        text = decodeDataText(f.bytes);
        // the parse reads the text: the bytes (as large) are let go before it (this thread's copy of the job)
        f.bytes = NO_BYTES;
      }
      const parse = f.reader === 'generic' ? parseGenericOhlcv : parseBinanceKlines;
      reports.push(parse(text, f.file, { bars }).report);
    }
    end({ kind: 'done', reports }, STATUS_DONE);
  } catch (err) {
    if (err instanceof NotStreamable)
      end({ kind: 'not-streamable', reason: err.message }, STATUS_NOT_STREAMABLE);
    else if (err instanceof DataError)
      end({ kind: 'failed', file: err.file, line: err.line, reason: err.reason }, STATUS_FAILED);
    else end({ kind: 'error', message: err instanceof Error ? err.message : String(err) }, STATUS_FAILED);
  }
}

/** A Drift candle file read a piece at a time into the shared columns (drift-candles-chunked.ts). */
function driftJsonReport(f: { file: string; path: string }, bars: StreamedColumns): LoadReport {
  const window = new FileWindow(f.path);
  try {
    const load = readDriftCandleFileInPieces(f.file, window, RECORDS_PER_PIECE, bars);
    // where the pieces give way (another layout, a bad record) the usual load reads it, or names the error
    if (load === undefined) throw new NotStreamable('the candle JSON is not read a piece at a time');
    return load.report;
  } finally {
    window.close();
  }
}
