/**
 * `zero-perps optimize`: every trial of the space backtested on every walk-forward segment (worker threads,
 * resumable), scored in and out of sample, with the Pareto set, the walk-forward selection, the Probability
 * of Backtest Overfitting and the Deflated Sharpe Ratio of the chosen trial.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../../cli/user-error.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import { parseBotConfig } from '../../config/bot-config.ts';
import { ConfigError } from '../../config/config-error.ts';
import type { EventTape } from '../../data/event-tape.ts';
import type { MarketEvent } from '../../data/types.ts';
import type { SimExchangeOptions } from '../../venue/sim/exchange.ts';
import { runPool } from '../parallel/pool.ts';
import { type DeflatedSharpe, deflatedSharpe, sharpeOf } from '../stats/deflated-sharpe.ts';
import { type Pbo, probabilityOfOverfitting } from '../stats/pbo.ts';
import { type Fold, foldsOf, type Segment, segmentsOf } from './folds.ts';
import { ResumeLog } from './resume-log.ts';
import { best, paretoSet, type Score, type Selector, scoreOf } from './scores.ts';
import { applyParams, type Params, type Space, trialsOf } from './space.ts';
import type { SegmentResult, TrialInit, TrialTask } from './trial-handler.ts';

export interface OptimizeOptions {
  rawConfig: unknown;
  configSource: string;
  space: Space;
  /** The events to optimise on (their --from/--to window). */
  events: EventTape;
  replayFunding: boolean;
  out: string;
  folds?: number;
  warmupMs?: number;
  select?: Selector;
  maxTrials?: number;
  seed?: number;
  spreadBps?: number;
  fillModel?: SimExchangeOptions['makerFill'];
  workers?: number;
  /** Identifies the inputs (data files, options) for the resume check. */
  inputsKey: string;
  onProgress?: (done: number, total: number, skipped: number) => void;
}

export interface TrialResult {
  id: number;
  params: Params;
  inSample: Score;
  outOfSample: Score;
  segments: Omit<SegmentResult, 'hourly' | 'trial'>[];
}

export interface OptimizeResults {
  bot: string;
  strategy: string;
  space: Record<string, unknown[]>;
  folds: number;
  select: Selector;
  segments: { index: number; from: string; to: string }[];
  trials: TrialResult[];
  /** Trials no other trial beats on PnL, drawdown and liquidation distance at once — in sample. */
  pareto: number[];
  paretoOutOfSample: number[];
  /** The trial with the best in-sample score by `select`. */
  chosen: number;
  walkForward: {
    folds: {
      fold: number;
      inSampleSegment: number;
      outOfSampleSegment: number;
      chosen: number;
      inSamplePnl: number;
      outOfSamplePnl: number;
    }[];
    outOfSamplePnl: number;
  };
  pbo: (Pbo & { basis: string }) | { pbo: null; reason: string };
  deflatedSharpe: (DeflatedSharpe & { trial: number; basis: string }) | { dsr: null; reason: string };
  runs: { total: number; resumed: number };
  wallSeconds: number;
  cpuSecondsPerTrial: number;
}

const HANDLER = new URL('./trial-handler.ts', import.meta.url);

/** When the first bar from index `from` on (step 1) or back (step −1) becomes known; NaN when there is none. */
function barTime(events: EventTape, from: number, step: 1 | -1): number {
  for (let i = from; i >= 0 && i < events.length; i += step) {
    if ((events.at(i) as MarketEvent).type === 'bar') return events.timeAt(i);
  }
  return Number.NaN;
}

export async function optimize(o: OptimizeOptions): Promise<OptimizeResults> {
  const started = performance.now();
  const folds = o.folds ?? 4;
  const select = o.select ?? 'pnl';
  const params = trialsOf(o.space, o.maxTrials, o.seed);
  const configs = trialConfigs(o, params);
  const firstTs = barTime(o.events, 0, 1);
  const lastTs = barTime(o.events, o.events.length - 1, -1);
  if (Number.isNaN(firstTs)) throw new UserError('no price bars to optimise on');
  const segments = segmentsOf(firstTs, lastTs, folds, o.warmupMs ?? 86_400_000);
  const runKey = createHash('sha256')
    .update(JSON.stringify({ config: o.rawConfig, params, folds, warmup: o.warmupMs, inputs: o.inputsKey }))
    .digest('hex');
  const log = new ResumeLog(o.out, runKey);
  const { total, resumed } = await runSegments(o, configs, segments, log);
  const resultOf = (t: number, s: number) => log.done.get(ResumeLog.key(t, s)) as SegmentResult;
  const trials = trialResults(params, folds, segments, resultOf);
  const cpu = segments.reduce(
    (a, s) => a + params.reduce((b, _p, t) => b + resultOf(t, s.index).seconds, 0),
    0,
  );
  const chosen = best(
    trials.map((t) => t.inSample),
    select,
  );
  return {
    bot: configs[0].name,
    strategy: configs[0].strategy,
    space: Object.fromEntries(o.space.keys.map((k, i) => [k, o.space.values[i]])),
    folds,
    select,
    segments: segments.map((s) => ({ index: s.index, from: iso(s.from), to: iso(s.to) })),
    trials,
    pareto: paretoSet(trials.map((t) => t.inSample)),
    paretoOutOfSample: paretoSet(trials.map((t) => t.outOfSample)),
    chosen,
    walkForward: walkForward(foldsOf(folds), params.length, resultOf, select),
    pbo: pboOf(params.length, segments, resultOf),
    deflatedSharpe: dsrOf(chosen, params.length, segments, resultOf),
    runs: { total, resumed },
    wallSeconds: (performance.now() - started) / 1000,
    cpuSecondsPerTrial: cpu / params.length,
  };
}

/** Each trial's bot config: the space's values applied to the raw config; an invalid one is the user's error. */
function trialConfigs(o: OptimizeOptions, params: readonly Params[]): BotConfig[] {
  return params.map((p, i) => {
    try {
      return parseBotConfig(applyParams(o.rawConfig, p), `${o.configSource} (trial ${i}: ${describe(p)})`);
    } catch (err) {
      if (err instanceof ConfigError) throw new UserError(`space gives an invalid config: ${err.message}`);
      throw err;
    }
  });
}

/**
 * Backtests every trial on every segment the resume log does not hold yet (worker threads), logging each
 * result as it comes. Returns the run count and how many of them were resumed.
 */
async function runSegments(
  o: OptimizeOptions,
  configs: readonly BotConfig[],
  segments: Segment[],
  log: ResumeLog,
): Promise<{ total: number; resumed: number }> {
  const tasks: TrialTask[] = [];
  for (let t = 0; t < configs.length; t++) {
    for (const s of segments) {
      if (!log.done.has(ResumeLog.key(t, s.index)))
        tasks.push({ trial: t, segment: s.index, config: configs[t] });
    }
  }
  const total = configs.length * segments.length;
  const resumed = total - tasks.length;
  let done = resumed;
  o.onProgress?.(done, total, resumed);
  if (tasks.length > 0) {
    await runPool<TrialInit, TrialTask, SegmentResult>({
      handler: HANDLER,
      init: {
        events: o.events.toWire(),
        replayFunding: o.replayFunding,
        spreadBps: o.spreadBps ?? 2,
        fillModel: o.fillModel,
        segments,
      },
      tasks,
      workers: o.workers,
      onResult: (_i, r) => {
        log.add(r);
        o.onProgress?.(++done, total, resumed);
      },
    });
  }
  return { total, resumed };
}

/** Each trial scored in sample and out of sample over the folds, with its segment results. */
function trialResults(
  params: readonly Params[],
  folds: number,
  segments: readonly Segment[],
  resultOf: ResultOf,
): TrialResult[] {
  const isSegs = foldsOf(folds).map((f) => f.inSample);
  const oosSegs = foldsOf(folds).map((f) => f.outOfSample);
  return params.map((p, t) => ({
    id: t,
    params: p,
    inSample: scoreOf(isSegs.map((s) => resultOf(t, s))),
    outOfSample: scoreOf(oosSegs.map((s) => resultOf(t, s))),
    segments: segments.map((s) => {
      const { hourly: _h, trial: _t, ...rest } = resultOf(t, s.index);
      return rest;
    }),
  }));
}

const iso = (t: number): string => new Date(t).toISOString();
const describe = (p: Params): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

type ResultOf = (trial: number, segment: number) => SegmentResult;

/** Each fold: the trial best on its in-sample segment, and how it then did on the next segment. */
function walkForward(folds: readonly Fold[], n: number, resultOf: ResultOf, select: Selector) {
  const rows = folds.map((f) => {
    const scores: Score[] = Array.from({ length: n }, (_, t) => scoreOf([resultOf(t, f.inSample)]));
    const pick = best(scores, select);
    return {
      fold: f.fold,
      inSampleSegment: f.inSample,
      outOfSampleSegment: f.outOfSample,
      chosen: pick,
      inSamplePnl: resultOf(pick, f.inSample).totalPnl,
      outOfSamplePnl: resultOf(pick, f.outOfSample).totalPnl,
    };
  });
  return { folds: rows, outOfSamplePnl: round(rows.reduce((a, r) => a + r.outOfSamplePnl, 0)) };
}

/** Every trial's hourly returns over the whole span (all segments, in time order). */
function returnMatrix(n: number, segments: readonly Segment[], resultOf: ResultOf): number[][] {
  return Array.from({ length: n }, (_, t) => segments.flatMap((s) => resultOf(t, s.index).hourly));
}

function pboOf(n: number, segments: readonly Segment[], resultOf: ResultOf): OptimizeResults['pbo'] {
  if (n < 2) return { pbo: null, reason: 'PBO needs at least two trials' };
  const m = returnMatrix(n, segments, resultOf);
  try {
    return {
      ...probabilityOfOverfitting(m, 16),
      basis: 'hourly equity returns of every trial over the whole span',
    };
  } catch (err) {
    return { pbo: null, reason: (err as Error).message };
  }
}

function dsrOf(
  chosen: number,
  n: number,
  segments: readonly Segment[],
  resultOf: ResultOf,
): OptimizeResults['deflatedSharpe'] {
  const m = returnMatrix(n, segments, resultOf);
  if (m[chosen].length < 3) return { dsr: null, reason: 'too few hourly returns' };
  return {
    trial: chosen,
    basis: 'hourly equity returns over the whole span; N = trials, V[SR] across them',
    ...deflatedSharpe(m[chosen], m.map(sharpeOf)),
  };
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
