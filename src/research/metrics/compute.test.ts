import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { VerdictKind } from '../../domain/intent.ts';
import { inPasses, oneMarketPass } from './compute.ts';
import { type MetricsRow, metricsTimelineOf } from './metrics-timeline.ts';
import { roundTrips } from './round-trips.ts';
import type { MetricsInput, MetricsTrade } from './types.ts';

const MINUTE = 60_000;
const VERDICTS: VerdictKind[] = ['APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'];
const price = fc.double({ min: 0.01, max: 500, noNaN: true });

/**
 * A single market's run: rows a minute apart (now and then a longer gap, or mostly irregular, so the median
 * spacing is found both by its count and by its selection), over days; equity that may reach zero and below (the
 * returns stop counting), verdicts of every kind, trades in one market between rows, funding payments.
 */
const oneMarketRun = fc
  .record({
    start: fc.integer({ min: 0, max: 2_000 }).map((d) => Date.UTC(2025, 0, 1) + d * 86_400_000),
    bars: fc.array(
      fc.record({
        gap: fc.oneof(fc.constant(1), fc.constant(1), fc.integer({ min: 2, max: 900 })),
        equity: fc.oneof(fc.double({ min: 500, max: 1500, noNaN: true }), fc.constantFrom(0, -5)),
        oracle: price,
        verdict: fc.constantFrom(...VERDICTS),
      }),
      { minLength: 0, maxLength: 300 },
    ),
    trades: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        buy: fc.boolean(),
        base: fc.double({ min: 0.001, max: 50, noNaN: true }),
        price,
        fee: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
      }),
      { maxLength: 60 },
    ),
    funding: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), amount: price }), {
      maxLength: 10,
    }),
    collateral: fc.double({ min: 100, max: 5000, noNaN: true }),
    lossDay: fc.boolean(),
  })
  .map((r): MetricsInput => {
    let ts = r.start;
    const rows: MetricsRow[] = r.bars.map((b) => {
      ts += b.gap * MINUTE;
      return { ts, equity: b.equity, mark: b.oracle, oracle: b.oracle, base: 0, verdict: b.verdict };
    });
    const span = ts - r.start;
    const at = (x: number): number => r.start + Math.floor(x * (span + MINUTE));
    const trades: MetricsTrade[] = r.trades
      .map((t) => ({
        ts: at(t.at),
        market: 'SOL-PERP',
        side: t.buy ? ('buy' as const) : ('sell' as const),
        price: t.price,
        base: t.base,
        fee: t.fee,
      }))
      .sort((a, b) => a.ts - b.ts);
    const funding = r.funding.map((f) => ({ ts: at(f.at), amount: f.amount })).sort((a, b) => a.ts - b.ts);
    const firstDay = new Date(r.start).toISOString().slice(0, 10);
    return {
      collateral: r.collateral,
      startPrice: rows[0]?.oracle ?? 0,
      timeline: metricsTimelineOf(rows),
      trades,
      funding,
      realizedPnl: 0,
      unrealizedPnl: 0,
      fundingPnl: 0,
      feesPaid: 0,
      dailyLossDates: new Set(r.lossDay ? [firstDay] : []),
    };
  });

describe('the row metrics of one market in one pass', () => {
  it('give the separate passes’ figures, bit for bit', () => {
    const seen = { ruined: 0, irregular: 0, severalDays: 0, trades: 0 };
    fc.assert(
      fc.property(oneMarketRun, (input) => {
        const trips = roundTrips(input.trades);
        const one = oneMarketPass(input, trips);
        const passes = inPasses(input, trips);
        // bit for bit: −0 and 0, NaN and NaN told apart as Object.is does
        assert.deepEqual(one, passes);
        assert.ok(Object.is(one.gridPnl, passes.gridPnl));
        for (const k of Object.keys(one.stats) as (keyof typeof one.stats)[]) {
          assert.ok(Object.is(one.stats[k], passes.stats[k]), k);
        }
        const eq = input.timeline.equity;
        if (Array.from(eq).some((e) => e <= 0)) seen.ruined++;
        if (one.daily.length > 1) seen.severalDays++;
        if (input.trades.length > 0) seen.trades++;
        const ts = input.timeline.ts;
        let same = 0;
        for (let i = 1; i < ts.length; i++) if (ts[i] - ts[i - 1] === ts[1] - ts[0]) same++;
        if (ts.length > 2 && 2 * same <= ts.length - 1) seen.irregular++;
      }),
      { seed: 27, numRuns: 1500 },
    );
    // the cases the pass has paths for were all drawn
    assert.ok(
      seen.ruined > 50 && seen.irregular > 50 && seen.severalDays > 50 && seen.trades > 500,
      JSON.stringify(seen),
    );
  });
});
