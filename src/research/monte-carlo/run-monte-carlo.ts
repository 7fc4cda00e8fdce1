/**
 * `backtest --monte-carlo N` and the config preview: N stationary-bootstrap paths of the run's length, the
 * bot run on each (worker threads on every core), summarised as probabilities and quantiles.
 */
import type { BotConfig } from '../../config/bot-config.ts';
import type { MarketEventSeq } from '../../data/event-tape.ts';
import type { SimExchangeOptions } from '../../venue/sim/exchange.ts';
import { runPool } from '../parallel/pool.ts';
import type { PathInit, PathResult } from './path-handler.ts';
import { movesOf, seriesOf } from './paths.ts';
import { type MonteCarloSummary, summarize } from './summarize.ts';

export interface MonteCarloOptions {
  config: BotConfig;
  /** The run's events: an array, or the CLI's tape (read bar by bar, never made an array). */
  events: MarketEventSeq;
  paths: number;
  seed?: number;
  /** Mean block length in bars; default: one day of bars (at least 10). */
  meanBlockBars?: number;
  spreadBps?: number;
  fillModel?: SimExchangeOptions['makerFill'];
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface MonteCarloResult {
  summary: MonteCarloSummary;
  results: PathResult[];
  wallSeconds: number;
  pathsPerSecond: number;
}

const HANDLER = new URL('./path-handler.ts', import.meta.url);

export function defaultMeanBlock(intervalMs: number): number {
  return Math.max(10, Math.round(86_400_000 / Math.max(1, intervalMs)));
}

export async function runMonteCarlo(o: MonteCarloOptions): Promise<MonteCarloResult> {
  const started = performance.now();
  const markets = o.config.markets.map((m) => m.symbol);
  const moves = movesOf(seriesOf(o.events, markets));
  const length = moves[0].close.length;
  const meanBlock = o.meanBlockBars ?? defaultMeanBlock(moves[0].intervalMs);
  const seed = o.seed ?? 1;
  const init: PathInit = {
    config: o.config,
    moves,
    length,
    meanBlock,
    seed,
    spreadBps: o.spreadBps ?? 2,
    fillModel: o.fillModel,
  };
  let done = 0;
  const results = await runPool<PathInit, number, PathResult>({
    handler: HANDLER,
    init,
    tasks: Array.from({ length: o.paths }, (_, k) => k),
    workers: o.workers,
    onResult: () => o.onProgress?.(++done, o.paths),
  });
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    summary: summarize(results, { seed, meanBlockBars: meanBlock, barsPerPath: length + 1 }),
    results,
    wallSeconds,
    pathsPerSecond: wallSeconds > 0 ? o.paths / wallSeconds : 0,
  };
}
