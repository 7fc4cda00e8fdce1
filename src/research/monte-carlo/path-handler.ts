/**
 * Worker-side Monte Carlo: one task = one resampled path, run through the same backtest as report.json.
 * Path k is seeded by (seed, k) alone, so results do not depend on which worker ran it.
 */
import { runBacktest } from '../../backtest/run-backtest.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import { seededRandom } from '../../data/synthetic.ts';
import type { SimExchangeOptions } from '../../venue/sim/exchange.ts';
import { pathSeed, stationaryBootstrap } from './bootstrap.ts';
import { buildPath, type Moves } from './paths.ts';

export interface PathInit {
  config: BotConfig;
  moves: Moves[];
  /** Moves per path (the run's bars − 1). */
  length: number;
  meanBlock: number;
  seed: number;
  spreadBps: number;
  fillModel?: SimExchangeOptions['makerFill'];
}

export interface PathResult {
  path: number;
  totalPnl: number;
  returnPct: number;
  maxDrawdownPct: number;
  liquidations: number;
  dailyLossDays: number;
  minLiqDistancePct: number | null;
  /** The path's own market move (first open → last close), %. */
  marketReturnPct: number;
}

export function createHandler(init: PathInit): (k: number) => PathResult {
  return (k) => {
    const rand = seededRandom(pathSeed(init.seed, k));
    const indices = stationaryBootstrap(init.moves[0].close.length, init.length, init.meanBlock, rand);
    const events = buildPath(init.moves, indices);
    const r = runBacktest({
      config: init.config,
      events,
      replayFunding: false,
      spreadBps: init.spreadBps,
      fillModel: init.fillModel,
      timeline: false, // only the summary is needed
      now: () => 0,
    });
    const s = r.summary;
    return {
      path: k,
      totalPnl: s.totalPnl,
      returnPct: s.returnPct,
      maxDrawdownPct: s.maxDrawdownPct,
      liquidations: s.liquidations,
      dailyLossDays: s.dailyLossDays,
      minLiqDistancePct: s.minLiqDistancePct,
      marketReturnPct: s.buyAndHoldReturnPct,
    };
  };
}
