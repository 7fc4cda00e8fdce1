import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { eventTime, mergeMarketEvents } from './merge.ts';
import { generateCandles } from './synthetic.ts';
import type { Candle, FundingRecord, MarketEvent } from './types.ts';

const H = 3_600_000;
const T0 = Date.parse('2025-04-21T00:00:00Z');
const bar = (ts: number, close = 1): Candle => ({
  ts,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});
const fund = (ts: number, rate = 0.0001): FundingRecord => ({ ts, rateFraction: rate, periodHours: 1 });
const describeEvent = (e: MarketEvent): string =>
  e.type === 'bar'
    ? `bar ${e.market} ${e.intervalMs / 60_000}m ${(e.candle.ts - T0) / 60_000}`
    : `funding ${e.market} ${(e.record.ts - T0) / 60_000}`;

describe('mergeMarketEvents', () => {
  it('orders by bar close and settlement time; ties: bars before funding, then market, then shorter bars', () => {
    const events = mergeMarketEvents([
      {
        market: 'KMNO-PERP',
        candles: [bar(T0), bar(T0 + H)],
        funding: [fund(T0 + H), fund(T0 + H + 22_000)],
      },
      {
        market: 'DRIFT-PERP',
        candles: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => bar(T0 + i * 15 * 60_000)),
        funding: [fund(T0 + H)],
      },
      { market: 'DRIFT-PERP', candles: [bar(T0)], intervalMs: H },
    ]);
    assert.deepEqual(events.map(describeEvent), [
      'bar DRIFT-PERP 15m 0',
      'bar DRIFT-PERP 15m 15',
      'bar DRIFT-PERP 15m 30',
      'bar DRIFT-PERP 15m 45',
      'bar DRIFT-PERP 60m 0',
      'bar KMNO-PERP 60m 0',
      'funding DRIFT-PERP 60',
      'funding KMNO-PERP 60',
      // The settlement 22 s past the hour comes before the bar that contains it closes: no look-ahead.
      'funding KMNO-PERP 60.36666666666667',
      'bar DRIFT-PERP 15m 60',
      'bar DRIFT-PERP 15m 75',
      'bar DRIFT-PERP 15m 90',
      'bar DRIFT-PERP 15m 105',
      'bar KMNO-PERP 60m 60',
    ]);
  });

  it('merges several candle files of one market in time and drops repeats; a later input wins a conflict', () => {
    const a = [bar(T0, 1), bar(T0 + H, 2), bar(T0 + 2 * H, 3)];
    const b = [bar(T0 + 2 * H, 3), bar(T0 + H, 9), bar(T0 + 3 * H, 4)];
    const events = mergeMarketEvents([
      { market: 'SOL-PERP', candles: a },
      { market: 'SOL-PERP', candles: b },
      { market: 'SOL-PERP', funding: [fund(T0 + H)] },
      { market: 'SOL-PERP', funding: [fund(T0 + H), fund(T0 + 2 * H)] },
    ]);
    const bars = events.filter((e) => e.type === 'bar');
    assert.deepEqual(
      bars.map((e) => [(e.candle.ts - T0) / H, e.candle.close, e.intervalMs]),
      [
        [0, 1, H],
        [1, 9, H],
        [2, 3, H],
        [3, 4, H],
      ],
    );
    assert.equal(events.filter((e) => e.type === 'funding').length, 2);
  });

  it('needs an interval it can know', () => {
    assert.throws(() => mergeMarketEvents([{ market: 'X', candles: [bar(T0)] }]), /pass intervalMs/);
    assert.equal(mergeMarketEvents([{ market: 'X', candles: [bar(T0)], intervalMs: H }]).length, 1);
    assert.deepEqual(mergeMarketEvents([]), []);
  });

  it('is time-ordered, complete and independent of input order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            market: fc.constantFrom('A', 'B', 'C'),
            n: fc.integer({ min: 0, max: 40 }),
            seed: fc.integer(),
            offset: fc.integer({ min: 0, max: 20 }),
            intervalMs: fc.constantFrom(60_000, 300_000),
            funding: fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 10 }),
          }),
          { maxLength: 5 },
        ),
        (specs) => {
          const inputs = specs.map((s) => ({
            market: s.market,
            intervalMs: s.intervalMs,
            candles: generateCandles(s.n, {
              seed: s.seed,
              startTs: T0 + s.offset * s.intervalMs,
              intervalMs: s.intervalMs,
            }),
            funding: [...new Set(s.funding)].map((m) => fund(T0 + m * 60_000, m * 1e-6)),
          }));
          const events = mergeMarketEvents(inputs);
          for (let i = 1; i < events.length; i++) assert.ok(eventTime(events[i]) >= eventTime(events[i - 1]));
          const again = mergeMarketEvents([...inputs].reverse());
          // Reversing inputs may change which of two conflicting candles wins, never the order of keys.
          assert.deepEqual(again.map(describeEvent), events.map(describeEvent));
        },
      ),
      { seed: 11, numRuns: 100 },
    );
  });
});
