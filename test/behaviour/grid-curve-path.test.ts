/**
 * The curve drives the position: on the same prices, a linear and a stepwise grid walk different position paths,
 * and after every fill the position is what the curve says at that fill's price. The curve is evaluated here
 * from its definition in docs/grid-strategy.md (sharing no code with src/strategies/grid):
 *   levels origin·1.005^j (origin = the first close); the range snapped inwards onto them (lo', hi');
 *   linear   T(p) = M − 2M·(p − lo')/(hi' − lo')                (M = levels × size, neutral)
 *   stepwise T(j) = size × clamp(round(mid − j), −levels, levels)  (mid = the middle level of the range)
 * After a buy the position is T rounded down on the 0.01 step, after a sell rounded up (the ladder's orders are
 * sized cumulatively from the position, which is always on the step).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import { sinePath } from '../test-support/price-paths.ts';

const candles = sinePath(8, 0.02, 6, 100);
const RANGE = { lo: 97, hi: 103 };
const LEVELS = 10;
const SIZE = 1;
const STEP = 0.005;

function positions(curve: 'linear' | 'stepwise'): { price: number; side: string; after: number }[] {
  const config = parseBotConfig(
    {
      name: `curve-${curve}`,
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 100_000,
      grid: {
        curve,
        levels: LEVELS,
        stepPct: STEP * 100,
        baseSizePerLevel: SIZE,
        range: RANGE,
        rangeMode: 'bounded',
        volatility: { referenceVol: 100 },
      },
      execution: { rampIn: { steps: 1, intervalSec: 0 } },
      risk: { maxLeverage: 20, minLiqDistancePct: 0, minHealth: 0, maxDailyLoss: 1e9, maxNotional: 1e9 },
    },
    curve,
  );
  const events = candles.map((candle) => ({
    type: 'bar' as const,
    market: 'SOL-PERP',
    candle,
    intervalMs: 60_000,
  }));
  const r = runBacktest({ config, events, replayFunding: false, now: () => 0 });
  let q = 0;
  return r.fills.map((f) => {
    q = Math.round((q + (f.side === 'buy' ? f.base : -f.base)) * 100) / 100;
    return { price: f.price, side: f.side, after: q };
  });
}

// The independent curve: everything from the definitions above.
const origin = candles[0].close;
const levelOf = (p: number): number => Math.round(Math.log(p / origin) / Math.log1p(STEP));
const priceOf = (j: number): number => origin * (1 + STEP) ** j;
const loJ = Math.ceil(Math.log(RANGE.lo / origin) / Math.log1p(STEP) - 1e-9);
const hiJ = Math.floor(Math.log(RANGE.hi / origin) / Math.log1p(STEP) + 1e-9);
const M = LEVELS * SIZE;
const linearT = (j: number): number => {
  const p = priceOf(j);
  const lo = priceOf(loJ);
  const hi = priceOf(hiJ);
  return p <= lo ? M : p >= hi ? -M : M - (2 * M * (p - lo)) / (hi - lo);
};
const stepwiseT = (j: number): number =>
  SIZE * Math.max(-LEVELS, Math.min(LEVELS, Math.round((loJ + hiJ) / 2 - j)));
const onStep = (x: number, side: string): number =>
  (side === 'buy' ? Math.floor(x * 100 + 1e-6) / 100 : Math.ceil(x * 100 - 1e-6) / 100) + 0; // + 0: no −0

describe('the curve drives the position', () => {
  const paths = { linear: positions('linear'), stepwise: positions('stepwise') };

  for (const [curve, target] of [
    ['linear', linearT],
    ['stepwise', stepwiseT],
  ] as const) {
    it(`${curve}: after every fill the position is the curve at the fill's level`, () => {
      const path = paths[curve];
      assert.ok(path.length > 50, `${curve} traded (${path.length} fills)`);
      for (const f of path) {
        const j = levelOf(f.price);
        assert.ok(j >= loJ && j <= hiJ, `fill at ${f.price} is inside the range`);
        assert.equal(f.after, onStep(target(j), f.side), `${curve} ${f.side} at ${f.price} (level ${j})`);
      }
    });
  }

  it('linear and stepwise walk different paths on the same prices', () => {
    const reach = (p: { after: number }[]) => Math.max(...p.map((x) => Math.abs(x.after)));
    console.log(
      `linear: ${paths.linear.length} fills, largest |position| ${reach(paths.linear)}; ` +
        `stepwise: ${paths.stepwise.length} fills, largest |position| ${reach(paths.stepwise)}`,
    );
    assert.notDeepEqual(
      paths.linear.map((x) => x.after),
      paths.stepwise.map((x) => x.after),
    );
    // the range holds 12 levels, fewer than 2 × 10: linear spends ±10 across it (1.67 per level), stepwise one
    // per level, so on the same ±2% swings linear goes further
    assert.ok(reach(paths.linear) > reach(paths.stepwise));
  });
});
