/**
 * A backtest that starts on its price files' first rows while a second thread reads the rest (issue 17: reading a
 * year of 1-minute bars took a fifth of the CLI's time, all of it before the first bar).
 *
 * The run's thread reads the files' bytes and counts their rows (lines), then hands them to the thread
 * (streamed-load-worker.ts), which parses them one after the other with the usual readers (generic CSV, Binance
 * klines) into shared columns and computes the grid's blended range of each chunk before publishing it. The run
 * reads bar i as soon as it is published (StreamedTape). What the run assumed before the files were read — how
 * many rows, the bar interval — is checked when the parse ends, with everything else the usual load checks (the
 * prices' scale); where anything differs, or a file turns out bad or not streamable (rows out of order or
 * overlapping another file's, repeated times, oracle fields), the run is thrown away and the files loaded the
 * usual way (StreamFallback), which then says what the usual load says. A streamed run therefore gives the very
 * report the usual one gives; only its data notes come after the run.
 *
 * Used for price CSVs whose rows give the trade fields only (data/detect.ts streamableCsv: a generic OHLCV CSV
 * without oracle or funding columns, Binance klines) and for Drift candle JSON that opens with its "candles" array
 * (read in pieces, data/drift-candles-chunked.ts, into columns that carry the oracle's fields too); one file or
 * several of one kind, as `data download` writes a month each; a one-market bot, a machine with a second core, and
 * files long enough to be worth a thread (the bench's year is such a file). The market's funding files
 * (`--funding`), small beside its prices, are loaded on the run's thread before the run, and the tape merges their
 * records in among the bars as the usual merge does.
 *
 * A --from/--to window: the run reads the bars known in it, as the usual run reads its window of the merged tape.
 * Which rows those are is known once the thread has published the first row past the window's end (the rows are
 * published in time order, each checked against the one before), so the run starts then, on the window's first
 * bar, while the thread reads the rest of the file (every row is still checked, as the usual load checks them);
 * the thread computes the grid's range over the window's bars alone.
 */
import { open, stat } from 'node:fs/promises';
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { BotConfig } from '../config/bot-config.ts';
import { firstLine } from '../data/csv.ts';
import { streamableCsv } from '../data/detect.ts';
import { opensDriftCandles } from '../data/drift-candles-chunked.ts';
import type { FileWindow } from '../data/file-window.ts';
import { type MarketEventInput, mergeEventTape } from '../data/merge.ts';
import { decodeDataText, displayPath, openDataWindow, readDataBytes } from '../data/read-file.ts';
import {
  allocateStream,
  publishedColumns,
  ROWS,
  STATUS,
  STATUS_DONE,
  STATUS_RUNNING,
  type StreamBuffers,
} from '../data/streamed-columns.ts';
import type { FundingRecord, LoadReport } from '../data/types.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { gridRangeConfig } from '../engine/grid-bot.ts';
import { allocateRangeSeries, RangeSeriesReader } from '../marketdata/range-series.ts';
import { type FileArg, type LoadedInputs, loadFundingFile } from './load-inputs.ts';
import { streamedLoadWanted, takeStreamedLoadThread } from './streamed-load-thread.ts';
import type {
  StreamedFile,
  StreamedLoadEnd,
  StreamedLoadJob,
  StreamedRange,
  StreamedReader,
} from './streamed-parse.ts';
import { describeEnd, STALL_MS, StreamedTape, StreamFallback, type TapeRows } from './streamed-tape.ts';

export { StreamFallback } from './streamed-tape.ts';

/** Below this many rows the thread's start-up costs more than the read it takes off the run. */
export const STREAMED_LOAD_MIN_ROWS = 50_000;

/** A run's --from/--to window: the events known in [from, to] (EventTape.window), either bound optional. */
export interface RunWindow {
  from?: number;
  to?: number;
}

/** What a run asks for: its config, data and funding files, and time window. */
export interface StreamedLoadRequest {
  config: BotConfig;
  data: readonly FileArg[];
  funding: readonly FileArg[];
  window?: RunWindow;
  /** Fewer rows than this load the usual way (default STREAMED_LOAD_MIN_ROWS; tests stream small files). */
  minRows?: number;
}

/** The shortest row a generic CSV can hold ("1,1,1,1,1,1" and its newline): a file's size bounds its rows. */
const SHORTEST_ROW_BYTES = 12;

/**
 * Starts a streamed load when the run suits one (the module comment); undefined when it does not (then load the
 * usual way). A file that cannot be read is left to the usual load to report.
 */
export async function startStreamedLoad(req: StreamedLoadRequest): Promise<StreamedLoad | undefined> {
  const market = req.config.markets.length === 1 ? req.config.markets[0] : undefined;
  if (!market || req.data.length === 0 || !streamedLoadWanted()) return undefined;
  const another = (arg: FileArg): boolean => arg.market !== undefined && arg.market !== market.symbol;
  if (req.data.some(another) || req.funding.some(another)) return undefined;
  const minRows = req.minRows ?? STREAMED_LOAD_MIN_ROWS;
  // every file's first line says how it is read; together they must be long enough to be worth the thread
  const heads = await Promise.all(req.data.map((arg) => readHead(arg.path)));
  const kinds = heads.map((h) => (h === undefined ? undefined : streamedKind(h)));
  const size = heads.reduce((sum, h) => sum + (h?.size ?? 0), 0);
  if (kinds.some((k) => k === undefined) || size < minRows * SHORTEST_ROW_BYTES) return undefined;
  // Drift candles bring the oracle's columns: every file must, or none
  const oracle = kinds.some((k) => k?.reader === 'drift-json');
  if (oracle && kinds.some((k) => k?.reader !== 'drift-json')) return undefined;
  // the thread starts before the files are read (if the command did not start it ahead), so that loading its
  // code overlaps the reads
  const worker = takeStreamedLoadThread();
  const [files, funding] = await Promise.all([
    readAll(req.data, kinds as StreamedKind[]),
    loadFunding(req.funding, market),
  ]);
  const rows = files?.reduce((sum, f) => sum + f.rows, 0) ?? 0;
  if (files === undefined || funding === undefined || rows < minRows) {
    void worker.terminate();
    return undefined;
  }
  const buffers = allocateStream(rows, oracle);
  // The thread computes the grid's range along with the parse, which keeps ahead of the run (Drift JSON too, now
  // that its records are read from their bytes: data/drift-record-scan.ts).
  const range: StreamedRange | undefined =
    req.config.strategy === 'grid'
      ? {
          config: gridRangeConfig(req.config.grid),
          buffers: allocateRangeSeries(rows),
          from: req.window?.from ?? Number.NEGATIVE_INFINITY,
          to: req.window?.to ?? Number.POSITIVE_INFINITY,
        }
      : undefined;
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const job: StreamedLoadJob = {
    files: files.map(({ rows: _rows, ...f }) => f),
    buffers,
    range,
    port: port2,
  };
  const transfer = files.flatMap((f) => ('bytes' in f ? [f.bytes.buffer as ArrayBuffer] : []));
  worker.postMessage(job, [port2, ...transfer]);
  const names = files.map((f) => f.file).join(', ');
  const read = req.window ? windowRows(buffers, req.window) : { start: 0, end: rows };
  if (read === undefined) {
    void worker.terminate();
    return undefined;
  }
  return new StreamedLoad(worker, port1, buffers, market, names, range, funding, read, req.window);
}

/**
 * The rows of the bars known in a window (their close in [from, to]), found as the thread publishes them: it
 * publishes rows in time order (each checked against the one before), so they are known once a row past `to` is
 * published, or every row is. Blocks until then. Undefined when the window holds no bar, or the parse ended before
 * they were known otherwise than with every row read (the usual load then runs, and says what it says).
 */
function windowRows(b: StreamBuffers, window: RunWindow): TapeRows | undefined {
  const from = window.from ?? Number.NEGATIVE_INFINITY;
  const to = window.to ?? Number.POSITIVE_INFINITY;
  let start = -1;
  let row = 0;
  for (let waited = 0; ; ) {
    // the status before the rows: a parse that has ended published all its rows first
    const status = Atomics.load(b.state, STATUS);
    const published = Atomics.load(b.state, ROWS);
    // the interval is written before the first rows are published
    const intervalMs = b.meta[0];
    for (; row < published; row++) {
      const knownAt = (b.ts[row] as number) + intervalMs;
      if (start < 0 && knownAt >= from) start = row;
      if (knownAt > to) return start < 0 || start === row ? undefined : { start, end: row };
    }
    if (status !== STATUS_RUNNING) {
      const whole = status === STATUS_DONE && published === b.capacity;
      return whole && start >= 0 ? { start, end: published } : undefined;
    }
    const r = Atomics.wait(b.state, ROWS, published, 1000);
    waited = r === 'timed-out' && Atomics.load(b.state, ROWS) === published ? waited + 1000 : 0;
    if (waited >= STALL_MS) return undefined;
  }
}

/** The market's funding files, loaded before the run; undefined where one fails (the usual load says why). */
async function loadFunding(
  args: readonly FileArg[],
  market: MarketSpec,
): Promise<StreamedFunding | undefined> {
  try {
    const loaded = await Promise.all(args.map((arg) => loadFundingFile(arg.path, market)));
    return { records: loaded.map((f) => f.records), reports: loaded.map((f) => f.report) };
  } catch {
    return undefined;
  }
}

/** A streamed load's funding files: each file's records, and its report. */
interface StreamedFunding {
  records: FundingRecord[][];
  reports: LoadReport[];
}

/**
 * The files' bytes, each with its reader and rows (the bytes move to the thread without a copy when they are a
 * buffer of their own); undefined when one cannot be read.
 */
async function readAll(
  args: readonly FileArg[],
  kinds: readonly StreamedKind[],
): Promise<(StreamedFile & { rows: number })[] | undefined> {
  try {
    return await Promise.all(
      args.map(async (arg, k): Promise<StreamedFile & { rows: number }> => {
        const kind = kinds[k];
        if (kind.reader === 'drift-json') {
          // counted through a window, read again by the thread: neither holds the file whole
          const { file, window } = await openDataWindow(arg.path);
          try {
            return {
              file,
              reader: 'drift-json',
              path: displayPath(arg.path),
              rows: countDriftRecords(window),
            };
          } finally {
            window.close();
          }
        }
        const { file, bytes } = await readDataBytes(arg.path);
        const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        const sent = own ? bytes : new Uint8Array(bytes);
        return { file, bytes: sent, reader: kind.reader, rows: countRows(sent, kind.header) };
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * A file's first non-blank line (in its first 64 KiB, decoded as the loaders decode it) and its size; undefined
 * for a file without such a line, or one that is not a regular file or cannot be read.
 */
async function readHead(path: FileArg['path']): Promise<Head | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // looked at before it is opened: opening a FIFO waits for a writer (the usual load refuses it)
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    handle = await open(path, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65_536), 0, 65_536, 0);
    const text = decodeDataText(buffer.subarray(0, bytesRead));
    const line = firstLine(text)?.line;
    return line === undefined ? undefined : { line, text, size: info.size };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** A file's first 64 KiB as text, its first non-blank line, and its size. */
interface Head {
  line: string;
  text: string;
  size: number;
}

/** How a file is read on the thread, and whether its first line is a header (a CSV's). */
interface StreamedKind {
  reader: StreamedReader;
  header: boolean;
}

/** How a file is read on the thread: a price CSV's reader by its first line, or Drift candles in pieces. */
function streamedKind(h: Head): StreamedKind | undefined {
  return (
    streamableCsv(h.line) ?? (opensDriftCandles(h.text) ? { reader: 'drift-json', header: false } : undefined)
  );
}

/**
 * A Drift candle file's records, counted by their opening braces less the document's own (it opens with `{` then
 * its "candles" array: opensDriftCandles). What the run assumes, checked when the parse ends: a brace anywhere
 * else (a nested value, a string holding one, a member after the array) miscounts, and the file is then loaded the
 * usual way. A byte is found by memchr: the count of a year (201 MB) took 17–20 ms, against 160–184 ms for the
 * records' `"start"` keys, which it counted before (issue 17, twentieth round), on the path to the run's first bar.
 */
function countDriftRecords(window: FileWindow): number {
  let braces = 0;
  for (let at = window.indexOf(OPEN_BRACE, 0); at !== -1; at = window.indexOf(OPEN_BRACE, at + 1)) {
    braces++;
    window.release(at);
  }
  return Math.max(0, braces - 1);
}
const OPEN_BRACE = Uint8Array.of(123);

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

export class StreamedLoad {
  readonly tape: StreamedTape;
  /** The grid's blended range, computed on the thread (undefined for other strategies). */
  readonly range: RangeSeriesReader | undefined;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #b: StreamBuffers;
  readonly #market: MarketSpec;
  readonly #funding: StreamedFunding;
  /** Funding files were given: the venue replays their records (BacktestOptions.replayFunding). */
  readonly fundingGiven: boolean;
  #end: StreamedLoadEnd | undefined;

  /** `rows`: the rows the run reads (a window's, when it has one: `window`). */
  constructor(
    worker: Worker,
    port: MessagePort,
    buffers: StreamBuffers,
    market: MarketSpec,
    file: string,
    range: StreamedRange | undefined,
    funding: StreamedFunding,
    rows: TapeRows,
    window: RunWindow | undefined,
  ) {
    this.#worker = worker;
    this.#port = port;
    this.#b = buffers;
    this.#market = market;
    this.range = range && new RangeSeriesReader(range.buffers, undefined, rows.start);
    this.#funding = funding;
    this.fundingGiven = funding.records.length > 0;
    // the funding events in the usual merge's order (its sorting and de-duplication of records), those of the
    // window's time: merged with the window's bars, the window of the whole merge (both are cut by time)
    const fundingEvents = mergeEventTape(this.#fundingInputs()).window(window?.from, window?.to);
    this.tape = new StreamedTape(buffers, market, () => this.#ended(), file, fundingEvents, rows);
  }

  /** The funding files as mergeEventTape's inputs (the market's records, a file each). */
  #fundingInputs(): MarketEventInput[] {
    return this.#funding.records.map((funding) => ({ market: this.#market.symbol, funding }));
  }

  /**
   * After the run: waits for the parse's end, checks what the run assumed, and returns the load as the usual one
   * gives it (the tape by column, the file's report). Throws StreamFallback where the run cannot stand.
   */
  finish(): LoadedInputs {
    const b = this.#b;
    for (let waited = 0; Atomics.load(b.state, STATUS) === STATUS_RUNNING; ) {
      const seen = Atomics.load(b.state, ROWS);
      const r = Atomics.wait(b.state, ROWS, seen, 1000);
      waited = r === 'timed-out' && Atomics.load(b.state, ROWS) === seen ? waited + 1000 : 0;
      if (waited >= STALL_MS) throw new StreamFallback('the reading thread stopped answering');
    }
    const end = this.#ended();
    if (end.kind !== 'done') throw new StreamFallback(describeEnd(end));
    const rows = Atomics.load(b.state, ROWS);
    if (rows !== b.capacity) throw new StreamFallback(`${rows} rows read of ${b.capacity} lines counted`);
    const intervalMs = b.meta[0];
    for (const r of end.reports) {
      if (r.intervalMs !== intervalMs) {
        throw new StreamFallback(
          `${r.file}: the bar interval is ${r.intervalMs} ms, the first rows said ${intervalMs}`,
        );
      }
    }
    const bars = publishedColumns(b, rows);
    // the usual load's check of the prices' scale (load-inputs.ts), left to it to word
    const tick = Number(this.#market.tickSize) / 1e6;
    for (let i = 0; i < rows; i++) if (bars.low[i] < tick) throw new StreamFallback('prices below the tick');
    this.close();
    return {
      events: mergeEventTape([{ market: this.#market.symbol, bars, intervalMs }, ...this.#fundingInputs()]),
      // as the usual load lists them: the price files', then the funding files'
      reports: [...end.reports, ...this.#funding.reports],
      fundingGiven: this.fundingGiven,
    };
  }

  /** Stops the thread (after the load, or a run that ended early). */
  close(): void {
    void this.#worker.terminate();
  }

  /** How the parse ended (it has: the state says so), read from the port once. */
  #ended(): StreamedLoadEnd {
    this.#end ??= (receiveMessageOnPort(this.#port)?.message as StreamedLoadEnd | undefined) ?? {
      kind: 'error',
      message: 'the reading thread ended without a word',
    };
    return this.#end;
  }
}
