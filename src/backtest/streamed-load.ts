/**
 * A backtest that starts on its price files' first rows while a second thread reads the rest (issue 17: reading a
 * year of 1-minute bars took a fifth of the CLI's time, all of it before the first bar).
 *
 * The run's thread reads the files' bytes and counts their rows (lines) — or takes the count of the one file the
 * thread started ahead has counted already (read-ahead.ts) — then hands them to a thread per market
 * (streamed-load-worker.ts), which parses its market's files one after the other with the usual readers (generic
 * CSV, Binance klines) into shared columns and computes the grid's blended range of each chunk before publishing it.
 * The run reads each bar as soon as it is published (StreamedTape, which merges the markets' bars by time as the
 * usual merge does). What the run assumed before the files were read — how many rows, the bar interval — is checked
 * when the parse ends, with everything else the usual load checks (the prices' scale); where anything differs, or
 * a file turns out bad or not streamable (rows out of order or overlapping another file's, repeated times, oracle
 * fields), the run is thrown away and the files loaded the usual way (StreamFallback), which then says what the
 * usual load says. A streamed run therefore gives the very report the usual one gives; only its data notes come
 * after the run.
 *
 * Used for price CSVs whose rows give the trade fields only (data/detect.ts streamableCsv: a generic OHLCV CSV
 * without oracle or funding columns, Binance klines) and for Drift candle JSON that opens with its "candles" array
 * (read in pieces, data/drift-candles-chunked.ts, into columns that carry the oracle's fields too); per market one
 * file or several of one kind, as `data download` writes a month each; a machine with a second core, and files
 * long enough to be worth a thread (the bench's year is such a file). The funding files (`--funding`), small beside
 * the prices, are loaded on the run's thread before the run, and the tape merges their records in among the bars
 * as the usual merge does. A spread's two markets are read by two threads side by side.
 *
 * A --from/--to window: the run reads the bars known in it, as the usual run reads its window of the merged tape.
 * Which rows those are is known once the thread has published the first row past the window's end (the rows are
 * published in time order, each checked against the one before), so the run starts then, on the window's first
 * bar, while the thread reads the rest of the file (every row is still checked, as the usual load checks them);
 * the thread computes the grid's range over the window's bars alone.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { BotConfig } from '../config/bot-config.ts';
import type { EventTape } from '../data/event-tape.ts';
import { type MarketEventInput, mergeEventTape } from '../data/merge.ts';
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
import { readAll, readHead, type StreamedKind, streamedKind } from './streamed-files.ts';
import { streamedLoadWanted, takeStreamedLoadThread } from './streamed-load-thread.ts';
import type { StreamedLoadEnd, StreamedLoadJob, StreamedRange } from './streamed-parse.ts';
import { describeEnd, STALL_MS, StreamedTape, StreamFallback, type TapeRows } from './streamed-tape.ts';

export { countRows } from './streamed-files.ts';
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

/** A market's price files: their places among the `--data` arguments, and how each is read. */
interface MarketFiles {
  market: MarketSpec;
  args: FileArg[];
  /** Each file's place among the `--data` arguments (the usual load lists their reports in that order). */
  places: number[];
  kinds: StreamedKind[];
}

/**
 * Starts a streamed load when the run suits one (the module comment); undefined when it does not (then load the
 * usual way). A file that cannot be read is left to the usual load to report.
 */
export async function startStreamedLoad(req: StreamedLoadRequest): Promise<StreamedLoad | undefined> {
  if (req.data.length === 0 || !streamedLoadWanted()) return undefined;
  const marketOf = marketsByArg(req.config.markets);
  const fundingMarkets = req.funding.map(marketOf);
  if (fundingMarkets.some((m) => m === undefined)) return undefined;
  const minRows = req.minRows ?? STREAMED_LOAD_MIN_ROWS;
  // every file's first line says how it is read; together they must be long enough to be worth the thread
  const heads = await Promise.all(req.data.map((arg) => readHead(arg.path)));
  const size = heads.reduce((sum, h) => sum + (h?.size ?? 0), 0);
  if (size < minRows * SHORTEST_ROW_BYTES) return undefined;
  const groups = marketFiles(
    req,
    heads.map((h) => (h === undefined ? undefined : streamedKind(h))),
    marketOf,
  );
  if (groups === undefined) return undefined;
  // a thread per market, started before the files are read (the first one ahead, by the command), so that loading
  // their code overlaps the reads
  const threads = groups.map(() => takeStreamedLoadThread());
  const workers = threads.map((t) => t.worker);
  const end = (): undefined => {
    for (const w of workers) void w.terminate();
    return undefined;
  };
  const [files, funding] = await Promise.all([
    Promise.all(groups.map((g, k) => readAll(g.args, g.kinds, threads[k]?.readAhead))),
    loadFunding(req.funding, fundingMarkets as MarketSpec[]),
  ]);
  if (funding === undefined || files.some((f) => f === undefined)) return end();
  const counted = files.map((f) => f?.reduce((sum, file) => sum + file.rows, 0) ?? 0);
  if (counted.reduce((a, b) => a + b, 0) < minRows || counted.some((n) => n === 0)) return end();
  const streams = groups.map((g, k) => {
    const own = files[k] as NonNullable<(typeof files)[number]>;
    const buffers = allocateStream(counted[k] as number, g.kinds[0]?.reader === 'drift-json');
    // The thread computes the grid's range along with the parse, which keeps ahead of the run (Drift JSON too, now
    // that its records are read from their bytes: data/drift-record-scan.ts).
    const range: StreamedRange | undefined =
      req.config.strategy === 'grid'
        ? {
            config: gridRangeConfig(req.config.grid),
            buffers: allocateRangeSeries(buffers.capacity),
            from: req.window?.from ?? Number.NEGATIVE_INFINITY,
            to: req.window?.to ?? Number.POSITIVE_INFINITY,
          }
        : undefined;
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    const job: StreamedLoadJob = {
      files: own.map(({ rows: _rows, ahead: _ahead, ...f }) => f),
      buffers,
      range,
      port: port2,
    };
    const transfer = own.flatMap((f) => ('bytes' in f ? [f.bytes.buffer as ArrayBuffer] : []));
    (workers[k] as Worker).postMessage(job, [port2, ...transfer]);
    const names = own.map((f) => f.file).join(', ');
    const readAhead = own.some((f) => f.ahead === true);
    return { files: g, worker: workers[k] as Worker, port: port1, buffers, range, names, readAhead };
  });
  const parts: StreamedMarket[] = [];
  for (const s of streams) {
    const rows = req.window ? windowRows(s.buffers, req.window) : { start: 0, end: s.buffers.capacity };
    if (rows === undefined) return end();
    parts.push({ ...s, rows });
  }
  // a window must hold a bar of some market (the usual run says so otherwise)
  if (parts.every((p) => p.rows.end === p.rows.start)) return end();
  return new StreamedLoad(parts, funding, req.window);
}

/** The market a file argument is for (FileArg: bare files go to a one-market bot's market), if the bot trades it. */
function marketsByArg(markets: readonly MarketSpec[]): (arg: FileArg) => MarketSpec | undefined {
  return (arg) =>
    arg.market === undefined
      ? markets.length === 1
        ? markets[0]
        : undefined
      : markets.find((m) => m.symbol === arg.market);
}

/**
 * The `--data` files by market, in the bot's market order; undefined when one cannot stream, a market has none,
 * or a market's files mix Drift candles (which bring the oracle's columns) with CSVs.
 */
function marketFiles(
  req: StreamedLoadRequest,
  kinds: readonly (StreamedKind | undefined)[],
  marketOf: (arg: FileArg) => MarketSpec | undefined,
): MarketFiles[] | undefined {
  const groups = req.config.markets.map(
    (market): MarketFiles => ({ market, args: [], places: [], kinds: [] }),
  );
  for (let k = 0; k < req.data.length; k++) {
    const arg = req.data[k] as FileArg;
    const kind = kinds[k];
    const group = groups.find((g) => g.market === marketOf(arg));
    if (kind === undefined || group === undefined) return undefined;
    group.args.push(arg);
    group.places.push(k);
    group.kinds.push(kind);
  }
  for (const g of groups) {
    if (g.args.length === 0) return undefined;
    const oracle = g.kinds.some((k) => k.reader === 'drift-json');
    if (oracle && g.kinds.some((k) => k.reader !== 'drift-json')) return undefined;
  }
  return groups;
}

/**
 * The rows of the bars known in a window (their close in [from, to]), found as the thread publishes them: it
 * publishes rows in time order (each checked against the one before), so they are known once a row past `to` is
 * published, or every row is. Blocks until then. Empty (start = end) when the window holds no bar of this market;
 * undefined when the parse ended before they were known otherwise than with every row read (the usual load then
 * runs, and says what it says).
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
    const intervalMs = b.meta[0] as number;
    for (; row < published; row++) {
      const knownAt = (b.ts[row] as number) + intervalMs;
      if (start < 0 && knownAt >= from) start = row;
      if (knownAt > to) return start < 0 ? { start: row, end: row } : { start, end: row };
    }
    if (status !== STATUS_RUNNING) {
      if (status !== STATUS_DONE || published !== b.capacity) return undefined;
      return start < 0 ? { start: published, end: published } : { start, end: published };
    }
    const r = Atomics.wait(b.state, ROWS, published, 1000);
    waited = r === 'timed-out' && Atomics.load(b.state, ROWS) === published ? waited + 1000 : 0;
    if (waited >= STALL_MS) return undefined;
  }
}

/** The funding files, each for its market, loaded before the run; undefined where one fails (the usual load says why). */
async function loadFunding(
  args: readonly FileArg[],
  markets: readonly MarketSpec[],
): Promise<StreamedFunding | undefined> {
  try {
    const loaded = await Promise.all(
      args.map((arg, k) => loadFundingFile(arg.path, markets[k] as MarketSpec)),
    );
    return {
      inputs: loaded.map((f, k) => ({ market: (markets[k] as MarketSpec).symbol, funding: f.records })),
      reports: loaded.map((f) => f.report),
    };
  } catch {
    return undefined;
  }
}

/** A streamed load's funding files: each file's records as the usual merge takes them, and its report. */
interface StreamedFunding {
  inputs: (MarketEventInput & { funding: FundingRecord[] })[];
  reports: LoadReport[];
}

/** One market's part of a streamed load: its files, thread and buffers, and the rows the run reads. */
interface StreamedMarket {
  files: MarketFiles;
  worker: Worker;
  port: MessagePort;
  buffers: StreamBuffers;
  range: StreamedRange | undefined;
  /** The files' names (DEBUG's reasons). */
  names: string;
  /** One of them was read ahead by the thread (read-ahead.ts). */
  readAhead: boolean;
  rows: TapeRows;
  /** How the parse ended, once read from the port. */
  end?: StreamedLoadEnd;
}

export class StreamedLoad {
  readonly tape: StreamedTape;
  /** The grid's blended range, computed on the thread (undefined for other strategies). */
  readonly range: RangeSeriesReader | undefined;
  readonly #parts: StreamedMarket[];
  readonly #funding: StreamedFunding;
  /** Funding files were given: the venue replays their records (BacktestOptions.replayFunding). */
  readonly fundingGiven: boolean;
  /** A file was the one the thread started ahead had read (read-ahead.ts): its count was taken, not made. */
  readonly readAhead: boolean;

  /** `window`: the run's --from/--to (the parts' rows are its bars). */
  constructor(parts: StreamedMarket[], funding: StreamedFunding, window: RunWindow | undefined) {
    this.#parts = parts;
    const grid = parts[0];
    this.range = grid?.range && new RangeSeriesReader(grid.range.buffers, undefined, grid.rows.start);
    this.#funding = funding;
    this.fundingGiven = funding.inputs.length > 0;
    this.readAhead = parts.some((p) => p.readAhead);
    // the funding events in the usual merge's order (its sorting and de-duplication of records), those of the
    // window's time: merged with the window's bars, the window of the whole merge (both are cut by time)
    const fundingEvents = mergeEventTape(funding.inputs).window(window?.from, window?.to);
    this.tape = new StreamedTape(
      parts.map((p) => ({
        buffers: p.buffers,
        market: p.files.market,
        ended: () => this.#ended(p),
        file: p.names,
        rows: p.rows,
      })),
      fundingEvents,
    );
  }

  /**
   * After the run: waits for the parses' ends, checks what the run assumed, and returns the load as the usual one
   * gives it (the tape by column, the files' reports). Throws StreamFallback where the run cannot stand.
   */
  finish(): LoadedInputs {
    const inputs: MarketEventInput[] = [];
    const reports: LoadReport[] = [];
    for (const p of this.#parts) {
      const done = this.#finished(p);
      inputs.push({ market: p.files.market.symbol, bars: done.bars, intervalMs: done.intervalMs });
      done.reports.forEach((r, k) => {
        reports[p.files.places[k] as number] = r;
      });
    }
    this.close();
    // merged when asked for (the research after a run, a caller's): a year's merge is ~10 ms the default run
    // does not need on its way to the report
    const merging = [...inputs, ...this.#funding.inputs];
    let events: EventTape | undefined;
    return {
      get events() {
        events ??= mergeEventTape(merging);
        return events;
      },
      // as the usual load lists them: the price files' in their order, then the funding files'
      reports: [...reports, ...this.#funding.reports],
      fundingGiven: this.fundingGiven,
    };
  }

  /** One market's parse, waited for and checked: its bars, interval and files' reports. */
  #finished(p: StreamedMarket): {
    bars: ReturnType<typeof publishedColumns>;
    intervalMs: number;
    reports: LoadReport[];
  } {
    const b = p.buffers;
    for (let waited = 0; Atomics.load(b.state, STATUS) === STATUS_RUNNING; ) {
      const seen = Atomics.load(b.state, ROWS);
      const r = Atomics.wait(b.state, ROWS, seen, 1000);
      waited = r === 'timed-out' && Atomics.load(b.state, ROWS) === seen ? waited + 1000 : 0;
      if (waited >= STALL_MS) throw new StreamFallback('the reading thread stopped answering');
    }
    const end = this.#ended(p);
    if (end.kind !== 'done') throw new StreamFallback(describeEnd(end));
    const rows = Atomics.load(b.state, ROWS);
    if (rows !== b.capacity) throw new StreamFallback(`${rows} rows read of ${b.capacity} lines counted`);
    const intervalMs = b.meta[0] as number;
    for (const r of end.reports) {
      if (r.intervalMs !== intervalMs) {
        throw new StreamFallback(
          `${r.file}: the bar interval is ${r.intervalMs} ms, the first rows said ${intervalMs}`,
        );
      }
    }
    const bars = publishedColumns(b, rows);
    // the usual load's check of the prices' scale (load-inputs.ts), left to it to word
    const tick = Number(p.files.market.tickSize) / 1e6;
    for (let i = 0; i < rows; i++)
      if ((bars.low[i] as number) < tick) throw new StreamFallback('prices below the tick');
    return { bars, intervalMs, reports: end.reports };
  }

  /** Stops the threads (after the load, or a run that ended early). */
  close(): void {
    for (const p of this.#parts) void p.worker.terminate();
  }

  /** How a market's parse ended (it has: the state says so), read from its port once. */
  #ended(p: StreamedMarket): StreamedLoadEnd {
    p.end ??= (receiveMessageOnPort(p.port)?.message as StreamedLoadEnd | undefined) ?? {
      kind: 'error',
      message: 'the reading thread ended without a word',
    };
    return p.end;
  }
}
