import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type LegFigures, type MetricsRow, metricsTimelineOf } from './metrics-timeline.ts';
import { type PnlSplit, pnlSplit } from './pnl-split.ts';
import type { MetricsInput, MetricsTrade } from './types.ts';

/**
 * The split as first written, over Maps (kept here as the model): pnl-split.ts keeps the same sums in arrays,
 * and must give every float bit for bit.
 */
function mapSplit(input: Pick<MetricsInput, 'timeline' | 'trades'>): PnlSplit {
  const { timeline, trades } = input;
  const position = new Map<string, number>();
  const lastOracle = new Map<string, number>();
  const out = { grid: new Float64Array(timeline.length), trend: new Float64Array(timeline.length) };
  let k = 0;
  for (let i = 0; i < timeline.length; i++) {
    const legs = timeline.legs(i);
    const rowOracle = timeline.oracle[i];
    const oracleOf = (market: string): number => legs?.[market]?.oracle ?? (legs ? Number.NaN : rowOracle);
    let trend = 0;
    for (const [market, base] of position) {
      if (base === 0) continue;
      const now = oracleOf(market);
      trend += base * (now - (lastOracle.get(market) ?? now));
    }
    let grid = 0;
    for (; k < trades.length && trades[k].ts <= timeline.ts[i]; k++) {
      const t = trades[k];
      const size = t.side === 'buy' ? t.base : -t.base;
      grid += size * (oracleOf(t.market) - t.price);
      position.set(t.market, (position.get(t.market) ?? 0) + size);
    }
    if (legs) for (const [m, leg] of Object.entries(legs)) lastOracle.set(m, leg.oracle);
    else for (const m of position.keys()) lastOracle.set(m, rowOracle);
    out.grid[i] = grid;
    out.trend[i] = trend;
  }
  return out;
}

const price = fc.double({ min: 0.01, max: 500, noNaN: true });
const MARKETS = ['DRIFT-PERP', 'KMNO-PERP', 'SOL-PERP'];

describe('pnlSplit', () => {
  it('gives the Map model’s floats, bit for bit, with and without legs, trades on any market or on one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(price, price, fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.array(
          fc.record({
            row: fc.nat(70),
            market: fc.constantFrom(...MARKETS),
            buy: fc.boolean(),
            base: fc.double({ min: 0.001, max: 50, noNaN: true }),
            price,
          }),
          { maxLength: 40 },
        ),
        fc.boolean(),
        fc.boolean(),
        (bars, picks, spread, oneMarket) => {
          const rows: MetricsRow[] = bars.map(([a, b, gap], i) => {
            // a spread row lists its legs (in config order: KMNO first, so the first trade's market may differ);
            // now and then a leg is missing (its oracle is then NaN for the row)
            const legs: LegFigures | undefined = spread
              ? {
                  'KMNO-PERP': { base: 0, oracle: b },
                  ...(gap ? {} : { 'DRIFT-PERP': { base: 0, oracle: a } }),
                }
              : undefined;
            return { ts: i * 60_000, equity: 1000, mark: a, oracle: a, base: 0, verdict: 'APPROVE', legs };
          });
          const trades: MetricsTrade[] = picks
            .map((p) => ({ ...p, ts: Math.min(p.row, bars.length + 5) * 60_000 - 1 }))
            .sort((x, y) => x.ts - y.ts)
            .map(
              (p) =>
                ({
                  ts: p.ts,
                  // all on one market: the split's one-market path (without legs)
                  market: oneMarket ? 'SOL-PERP' : p.market,
                  side: p.buy ? 'buy' : 'sell',
                  base: p.base,
                  price: p.price,
                }) as MetricsTrade,
            );
          const input = { timeline: metricsTimelineOf(rows), trades };
          const got = pnlSplit(input);
          const want = mapSplit(input);
          assert.deepEqual([...got.grid], [...want.grid]);
          assert.deepEqual([...got.trend], [...want.trend]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
