/**
 * The backtest command's load and run: streamed where the run suits it (backtest/streamed-load.ts: the run
 * starts on the files' first rows), else the usual way (the whole load, then the run). Both give the same report
 * and the same load; a streamed run that cannot stand is thrown away and run again the usual way.
 */
import { type FileArg, type LoadedInputs, loadBacktestInputs } from '../backtest/load-inputs.ts';
import type { BacktestReport } from '../backtest/report-types.ts';
import { type BacktestOptions, runBacktest } from '../backtest/run-backtest.ts';
import { type StreamedLoad, StreamFallback, startStreamedLoad } from '../backtest/streamed-load.ts';
import { endThreadAhead } from '../backtest/streamed-load-thread.ts';
import type { BotConfig } from '../config/bot-config.ts';
import type { EventTape, MarketEventSeq } from '../data/event-tape.ts';
import { gridRangeConfig } from '../engine/grid-bot.ts';
import { RangeThread, rangeThreadWanted } from '../marketdata/range-thread.ts';
import type { BacktestRunFlags } from './backtest-flags.ts';
import { progressBar } from './progress.ts';
import { UserError } from './user-error.ts';

export interface LoadAndRun {
  config: BotConfig;
  data: readonly FileArg[];
  funding: readonly FileArg[];
  flags: BacktestRunFlags;
  /** Checks the output folder: called before the run (a run of minutes must not end in "cannot write"). */
  checkOut: () => void;
  /**
   * Whether the run may stream its load: by default where it suits (streamed-load.ts); false never; `minRows`
   * streams files from that many rows (tests stream small files).
   */
  streaming?: false | { minRows: number };
}

export interface Ran {
  report: BacktestReport;
  inputs: LoadedInputs;
  /** The run's events: the load's, inside the --from/--to window. */
  events: EventTape;
  /** Whether the run read its files as it went (streamed-load.ts), or after the whole load. */
  streamed: boolean;
  /** Streamed from the file the thread started ahead had read (read-ahead.ts). */
  readAhead?: boolean;
}

export async function loadAndRun(o: LoadAndRun): Promise<Ran> {
  return (await streamedRun(o)) ?? (await usualRun(o));
}

/** The whole load, then the run; the grid's blended range on a second thread where there is one. */
async function usualRun(o: LoadAndRun): Promise<Ran> {
  const { config, flags } = o;
  // a thread started ahead that no load took holds the file it read ahead: let it go before this load's copy
  endThreadAhead();
  // started now so that the thread's start-up overlaps the reading of the files
  const rangeThread = config.strategy === 'grid' && rangeThreadWanted() ? RangeThread.start() : undefined;
  const inputs = await loadBacktestInputs(o.data, o.funding, config.markets);
  // Events are in time order, so the --from/--to window is one stretch of the tape (no copy).
  const events = inputs.events.window(flags.from, flags.to);
  if (!hasBar(events)) throw new UserError('no price bars inside the --from/--to window');
  o.checkOut();
  printDataNotes(inputs.reports);
  const range =
    config.strategy === 'grid'
      ? rangeThread?.series(gridRangeConfig(config.grid), events, config.markets[0].symbol)
      : undefined;
  if (process.env.DEBUG && range) console.error('zero-perps: the blended range runs on a second thread');
  const report = runWithProgress(o, { events, range, replayFunding: inputs.fundingGiven });
  return { report, inputs, events, streamed: false };
}

/** The streamed run, or undefined when the run does not suit one or it cannot stand (then the usual run). */
async function streamedRun(o: LoadAndRun): Promise<Ran | undefined> {
  const { flags } = o;
  const windowed = flags.from !== undefined || flags.to !== undefined;
  if (o.streaming === false) return undefined;
  const load = await startStreamedLoad({
    config: o.config,
    data: o.data,
    funding: o.funding,
    window: windowed ? { from: flags.from, to: flags.to } : undefined,
    minRows: o.streaming?.minRows,
  });
  if (!load) return undefined;
  try {
    o.checkOut();
  } catch (err) {
    load.close();
    throw err;
  }
  try {
    if (process.env.DEBUG) {
      const ahead = load.readAhead ? ' (its rows counted ahead, while the command loaded)' : '';
      console.error(`zero-perps: the file is read on a second thread while the run goes on${ahead}`);
    }
    const report = runWithProgress(o, {
      events: load.tape,
      range: load.range,
      replayFunding: load.fundingGiven,
    });
    const inputs = load.finish();
    printDataNotes(inputs.reports);
    // the load's events are merged only if asked for (StreamedLoad.finish)
    let events: EventTape | undefined;
    return {
      report,
      inputs,
      get events() {
        events ??= windowed ? inputs.events.window(flags.from, flags.to) : inputs.events;
        return events;
      },
      streamed: true,
      readAhead: load.readAhead,
    };
  } catch (err) {
    const gaveWay = err instanceof StreamFallback || !streamStood(load);
    load.close();
    if (!gaveWay) throw err;
    if (process.env.DEBUG)
      console.error(`zero-perps: the streamed load gave way (${(err as Error).message})`);
    return undefined;
  }
}

/**
 * Whether the streamed load itself stood (read whole, as the run assumed): a run that failed on a load that did
 * not stand failed on data the usual load would have refused or read otherwise, so the usual run decides.
 */
function streamStood(load: StreamedLoad): boolean {
  try {
    load.finish();
    return true;
  } catch (err) {
    if (err instanceof StreamFallback) return false;
    throw err;
  }
}

function runWithProgress(
  o: LoadAndRun,
  input: Pick<BacktestOptions, 'events' | 'range' | 'replayFunding'>,
): BacktestReport {
  const { sample, keepTimeline, spreadBps, fillModel, queue } = o.flags;
  const bar = progressBar('backtest');
  try {
    return runBacktest({
      ...input,
      config: o.config,
      sample,
      timeline: keepTimeline,
      spreadBps,
      fillModel,
      queue,
      onProgress: (d, t) => bar.update(d, t),
    });
  } finally {
    // a run that gave way ends its line too, before the usual run draws its own
    bar.done();
  }
}

function hasBar(events: MarketEventSeq): boolean {
  for (let i = 0; i < events.length; i++) if (events.at(i)?.type === 'bar') return true;
  return false;
}

/** What the data's loading noticed and repaired, one line per file. */
function printDataNotes(reports: LoadedInputs['reports']): void {
  for (const r of reports) {
    const notes = [
      r.steppedBack ? `rows out of order in ${r.steppedBack} places (sorted by time)` : '',
      r.duplicatesDropped ? `${r.duplicatesDropped} duplicate rows dropped` : '',
      r.superseded.length ? `${r.superseded.length} unfinished records superseded` : '',
      r.gaps.length ? `${r.gaps.length} gaps` : '',
      r.staleOracle.length
        ? `${r.staleOracle.reduce((a, s) => a + s.bars, 0)} bars whose oracle was not observed (the bar's price is the estimate)`
        : '',
    ].filter(Boolean);
    if (notes.length) console.error(`note: ${r.file}: ${notes.join(', ')}`);
  }
}
