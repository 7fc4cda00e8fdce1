/**
 * One chaos run's world, derived from its seed alone: the bot config (grid or spread, parameters drawn within
 * what a user might configure, biased towards tight limits and large ladders so the governor has work to do),
 * the clean market stream (seeded random walks with an oracle and hourly funding records) and the fault mix.
 */
import { type BotConfig, parseBotConfig } from '../config/bot-config.ts';
import { generateCandles } from '../data/synthetic.ts';
import type { Candle, MarketEvent } from '../data/types.ts';
import { DEFAULT_FAULTS, type FaultConfig } from '../venue/sim/faults/fault-config.ts';
import { createPrng, deriveSeed, type Prng } from '../venue/sim/faults/prng.ts';

export type ChaosStrategy = 'grid' | 'spread';

export interface ChaosScenario {
  seed: number;
  config: BotConfig;
  /** Clean, time-ordered market events (faults are applied by the run). */
  events: MarketEvent[];
  intervalMs: number;
  faults: FaultConfig;
}

const GRID_MARKETS = ['SOL-PERP', 'BTC-PERP', 'DRIFT-PERP'];
const START_PRICE: Record<string, number> = {
  'SOL-PERP': 150,
  'BTC-PERP': 60_000,
  'DRIFT-PERP': 0.6,
  'KMNO-PERP': 0.06,
};
const round = (x: number, dp: number): number => Number(x.toFixed(dp));

function riskSection(p: Prng): Record<string, unknown> {
  return {
    maxLeverage: round(1 + p.next() * 5, 2),
    minLiqDistancePct: round(8 + p.next() * 17, 1),
    minHealth: round(10 + p.next() * 30, 1),
    maxDailyLoss: round(20 + p.next() * 300, 0),
    maxNotional: round(1000 + p.next() * 6000, 0),
    maxFundingApr: round(10 + p.next() * 200, 0),
    maxDivergencePct: round(0.5 + p.next() * 4, 2),
    dailyLossAction: p.pick(['reduce_only', 'pause']),
  };
}

function gridConfig(p: Prng): unknown {
  const levels = p.int(3, 25);
  return {
    name: 'chaos-grid',
    strategy: 'grid',
    market: p.pick(GRID_MARKETS),
    collateral: 1000,
    grid: {
      curve: p.pick(['stepwise', 'linear']),
      levels,
      stepPct: round(0.1 + p.next() * 0.9, 2),
      bias: p.pick(['bullish', 'neutral', 'bearish']),
      rangeMode: p.pick(['bounded', 'infinity']),
      liveLevelsPerSide: p.int(1, 16),
    },
    execution: {
      makerPreferred: p.chance(0.8),
      postOnly: p.pick(['must', 'try']),
      ttlSec: p.int(60, 900),
      rampIn: { steps: p.int(1, 4), intervalSec: p.pick([0, 300, 900]) },
    },
    risk: riskSection(p),
  };
}

function spreadConfig(p: Prng): unknown {
  return {
    name: 'chaos-spread',
    strategy: 'spread',
    collateral: 1000,
    spread: {
      // Legs worth a quarter of the collateral each (the sizing chaos has always stressed; the defaults are the
      // seed's 100 / 1000, far from any cap here).
      driftQuantity: 'auto',
      kmnoQuantity: 'auto',
      cycleIntervalSec: p.pick([60, 120, 300]),
      entryZ: round(0.8 + p.next() * 1.5, 2),
      exitZ: round(p.next() * 0.5, 2),
    },
    risk: riskSection(p),
  };
}

/** Mark bars with an oracle that follows the mark closely (±0.05 %), as a live feed's would. */
function withOracle(candles: Candle[], p: Prng): Candle[] {
  return candles.map((c) => {
    const k = 1 + (p.next() - 0.5) * 0.001;
    return {
      ...c,
      oracleOpen: c.open * k,
      oracleHigh: c.high * k,
      oracleLow: c.low * k,
      oracleClose: c.close * k,
    };
  });
}

/** Builds the run's world. `bars` primary bars of 1 minute; `strategy` forces the bot kind. */
export function buildScenario(seed: number, bars: number, strategy?: ChaosStrategy): ChaosScenario {
  const p = createPrng(deriveSeed(seed, 31));
  const kind = strategy ?? (p.chance(0.6) ? 'grid' : 'spread');
  const config = parseBotConfig(kind === 'grid' ? gridConfig(p) : spreadConfig(p), `chaos seed ${seed}`);
  const intervalMs = 60_000;
  const startTs = Date.UTC(2025, 0, 6);
  const streams = config.markets.map((m, i) => {
    const candles = generateCandles(bars, {
      seed: deriveSeed(seed, 40 + i),
      startTs,
      intervalMs,
      startPrice: START_PRICE[m.symbol] ?? 100,
    });
    return { market: m.symbol, candles: withOracle(candles, p) };
  });
  const events: MarketEvent[] = [];
  const hour = 3_600_000;
  for (let b = 0; b < bars; b++) {
    const ts = startTs + b * intervalMs;
    for (const s of streams) {
      if (ts % hour === 0 && b > 0) {
        const rateFraction = (p.next() - 0.45) * 0.0002;
        events.push({ type: 'funding', market: s.market, record: { ts, rateFraction, periodHours: 1 } });
      }
      events.push({ type: 'bar', market: s.market, candle: s.candles[b] as Candle, intervalMs });
    }
  }
  const faults: FaultConfig = {
    ...DEFAULT_FAULTS,
    participation: p.pick([0, 0.02, 0.1, 0.5]),
  };
  return { seed, config, events, intervalMs, faults };
}
