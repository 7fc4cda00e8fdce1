import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBotConfig } from '../../config/bot-config.ts';
import { BarColumns } from '../../data/bar-columns.ts';
import { generateCandles, mergeEventTape, mergeMarketEvents } from '../../data/index.ts';
import { seededRandom } from '../../data/synthetic.ts';
import { pathSeed, stationaryBootstrap } from './bootstrap.ts';
import { buildPath, movesOf, seriesOf } from './paths.ts';
import { runMonteCarlo } from './run-monte-carlo.ts';
import { quantile, wilson } from './summarize.ts';
import { crashProneCandles } from './test-support/crash-prone.ts';

const events = mergeMarketEvents([
  { market: 'SOL-PERP', candles: crashProneCandles(3 * 288), intervalMs: 300_000 },
]);

/** A SOL-PERP grid whose risk limits stay out of the way, so the size alone decides the leverage. */
function grid(baseSizePerLevel: number) {
  return parseBotConfig(
    {
      name: `grid-${baseSizePerLevel}`,
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 1000,
      grid: { levels: 10, stepPct: 1, baseSizePerLevel, rangeMode: 'infinity' },
      risk: {
        maxLeverage: 20,
        minLiqDistancePct: 0,
        minHealth: 0,
        maxDailyLoss: 1e9,
        maxNotional: 1e9,
        maxVolatility: 99,
        pauseVolatility: 100,
      },
    },
    'test',
  );
}

describe('stationary bootstrap', () => {
  it('draws blocks of mean length L that wrap around the series', () => {
    const rand = seededRandom(3);
    const idx = stationaryBootstrap(50, 20_000, 8, rand);
    let starts = 1;
    for (let t = 1; t < idx.length; t++) if (idx[t] !== (idx[t - 1] + 1) % 50) starts++;
    const meanBlock = idx.length / starts;
    assert.ok(meanBlock > 7 && meanBlock < 9.2, `mean block ${meanBlock}`); // new blocks may continue by chance
    assert.ok(idx.every((i) => i >= 0 && i < 50));
  });

  it('a path rebuilt from the moves in their own order is the original series', () => {
    const series = seriesOf(events, ['SOL-PERP']);
    const moves = movesOf(series);
    const identity = Int32Array.from({ length: moves[0].close.length }, (_, i) => i);
    const path = buildPath(moves, identity);
    const last = path.at(-1);
    const bars = series[0].bars;
    const orig = bars.candle(bars.length - 1);
    assert.ok(last?.type === 'bar');
    assert.ok(Math.abs(last.candle.close / orig.close - 1) < 1e-9);
    assert.equal(last.candle.ts, orig.ts);
  });

  it('an identity path of two markets is their merged bars again, field for field', () => {
    // one market with an observed oracle on every bar (every 5th stale), one without oracle fields
    const withOracle = generateCandles(500, { seed: 1, startPrice: 150, intervalMs: 60_000 }).map((c, i) => ({
      ...c,
      oracleOpen: c.open * 1.001,
      oracleHigh: c.high * 1.001,
      oracleLow: c.low * 0.999,
      oracleClose: c.close * 1.0005,
      oracleStale: i % 5 === 0,
    }));
    const original = mergeMarketEvents([
      { market: 'SOL-PERP', candles: withOracle, intervalMs: 60_000 },
      {
        market: 'BTC-PERP',
        candles: generateCandles(500, { seed: 2, startPrice: 90_000 }),
        intervalMs: 60_000,
      },
    ]);
    const moves = movesOf(seriesOf(original, ['SOL-PERP', 'BTC-PERP']));
    const path = buildPath(
      moves,
      Int32Array.from({ length: 499 }, (_, i) => i),
    ).toArray();
    assert.equal(path.length, original.length);
    const near = (a: number | undefined, b: number | undefined) =>
      a === b || (a !== undefined && b !== undefined && Math.abs(a / b - 1) < 1e-9);
    const fields = [
      'open',
      'high',
      'low',
      'close',
      'volume',
      'oracleOpen',
      'oracleHigh',
      'oracleLow',
      'oracleClose',
    ];
    for (let i = 0; i < path.length; i++) {
      const [p, o] = [path[i], original[i]];
      assert.ok(p.type === 'bar' && o.type === 'bar');
      assert.equal(p.market, o.market, `event ${i}: the merge order`);
      assert.equal(p.candle.ts, o.candle.ts);
      assert.deepEqual(
        Object.keys(p.candle).sort(),
        Object.keys(o.candle).sort(),
        `event ${i}: the same fields`,
      );
      for (const f of fields as (keyof typeof p.candle)[]) {
        assert.ok(near(p.candle[f] as number, o.candle[f] as number), `event ${i} ${f}`);
      }
      assert.equal(p.candle.oracleStale, o.candle.oracleStale, `event ${i} stale`);
    }
  });

  it('a tape gives the moves its events as an array give, oracle and staleness included', () => {
    const inputs = [
      {
        market: 'SOL-PERP',
        bars: BarColumns.fromCandles(
          generateCandles(400, { seed: 4, startPrice: 150 }).map((c, i) =>
            // an oracle on most bars, missing on some, stale on others: each branch of the oracle's moves
            i % 7 === 3
              ? c
              : { ...c, oracleOpen: c.open, oracleClose: c.close * 1.001, oracleStale: i % 11 === 0 },
          ),
        ),
        intervalMs: 60_000,
      },
      {
        market: 'BTC-PERP',
        bars: BarColumns.fromCandles(generateCandles(400, { seed: 5, startPrice: 9e4 })),
        intervalMs: 60_000,
      },
    ];
    const tape = mergeEventTape(inputs);
    const fromTape = movesOf(seriesOf(tape, ['SOL-PERP', 'BTC-PERP']));
    const fromArray = movesOf(seriesOf(tape.toArray(), ['SOL-PERP', 'BTC-PERP']));
    assert.deepEqual(fromTape, fromArray);
    const sol = fromTape[0];
    assert.ok(sol.stale.includes(1), 'stale bars kept');
    assert.ok(
      sol.oClose.some(Number.isNaN) && sol.oClose.some((v) => !Number.isNaN(v)),
      'oracle moves where known',
    );
    assert.ok(sol.oHigh.every(Number.isNaN), 'no oracle high in the data: none in the moves');
    assert.ok(fromTape[1].oClose.every(Number.isNaN), 'a market without oracle: no oracle moves');
    // each move from the bars as objects: the oracle's over the previous bar's oracle, none where either
    // lacks one (every 7th bar has none), staleness as the bar says
    const solBars = tape
      .toArray()
      .flatMap((e) => (e.type === 'bar' && e.market === 'SOL-PERP' ? [e.candle] : []));
    for (let k = 1; k < solBars.length; k++) {
      const [prev, bar] = [solBars[k - 1], solBars[k]];
      const po = prev.oracleClose;
      const has = po !== undefined && bar.oracleClose !== undefined;
      const expect = (v: number | undefined) => (has && v !== undefined ? v / (po as number) : Number.NaN);
      assert.equal(sol.close[k - 1], bar.close / prev.close, `bar ${k} close`);
      assert.equal(sol.oClose[k - 1], expect(bar.oracleClose), `bar ${k} oracle close`);
      assert.equal(sol.oOpen[k - 1], expect(bar.oracleOpen), `bar ${k} oracle open`);
      assert.equal(sol.stale[k - 1], bar.oracleStale ? 1 : 0, `bar ${k} stale`);
    }
  });

  it('path seeds differ per path and per run seed', () => {
    assert.notEqual(pathSeed(1, 0), pathSeed(1, 1));
    assert.notEqual(pathSeed(1, 0), pathSeed(2, 0));
  });
});

describe('Monte Carlo probability of liquidation', () => {
  it('is deterministic with a fixed seed (whatever the worker count)', async () => {
    const config = grid(3);
    const a = await runMonteCarlo({ config, events, paths: 6, seed: 42, workers: 2 });
    const b = await runMonteCarlo({ config, events, paths: 6, seed: 42, workers: 0 });
    assert.deepEqual(a.results, b.results);
    assert.deepEqual(a.summary, b.summary);
    const c = await runMonteCarlo({ config, events, paths: 6, seed: 43, workers: 0 });
    assert.notDeepEqual(c.results, a.results, 'another seed, other paths');
  });

  it('a leveraged grid on a crash-prone bootstrap is liquidated more often than an unlevered one', async () => {
    // full side: 10 levels × size × ~100 USDC — 1 per level ≈ 1× the collateral, 8 per level ≈ 8×
    const paths = 24;
    // one worker thread: the suite runs two test files at once on two cores
    const levered = await runMonteCarlo({
      config: grid(8),
      events,
      paths,
      seed: 5,
      meanBlockBars: 50,
      workers: 1,
    });
    const unlevered = await runMonteCarlo({
      config: grid(0.5),
      events,
      paths,
      seed: 5,
      meanBlockBars: 50,
      workers: 1,
    });
    assert.equal(unlevered.summary.liquidation.count, 0, 'half a collateral of grid never gets liquidated');
    assert.ok(
      levered.summary.liquidation.p > 0.25,
      `8× grid liquidated on ${levered.summary.liquidation.count}/${paths} paths`,
    );
    assert.ok(levered.summary.liquidation.p > unlevered.summary.liquidation.p);
    assert.ok(levered.summary.pnlQuantiles.p5 < unlevered.summary.pnlQuantiles.p5, 'fatter left tail');
  });
});

describe('Monte Carlo statistics', () => {
  it('quantiles interpolate between order statistics; Wilson intervals bracket p', () => {
    assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    const w = wilson(3, 24);
    assert.ok(w.low < 0.125 && w.high > 0.125 && w.low > 0);
    assert.equal(wilson(0, 10).low, 0);
  });
});
