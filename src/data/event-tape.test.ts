import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BarColumns } from './bar-columns.ts';
import { EventTape } from './event-tape.ts';
import { eventTime, mergeEventTape } from './merge.ts';
import type { Candle, FundingRecord } from './types.ts';

const M = 60_000;
const T0 = Date.parse('2025-04-21T00:00:00Z');
const bar = (ts: number, close: number): Candle => ({
  ts,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

/** Two markets of minute bars (some missing) and hourly-ish funding, as a loader would give them. */
const inputsArb = fc
  .record({
    a: fc.array(fc.boolean(), { minLength: 1, maxLength: 120 }),
    b: fc.array(fc.boolean(), { minLength: 1, maxLength: 120 }),
    funding: fc.array(fc.integer({ min: 0, max: 120 * M }), { maxLength: 6 }),
  })
  .map(({ a, b, funding }) => {
    const series = (keep: boolean[], p: number): Candle[] =>
      keep.flatMap((k, i) => (k || i === 0 ? [bar(T0 + i * M, p + i)] : []));
    const records: FundingRecord[] = [...new Set(funding)]
      .sort((x, y) => x - y)
      .map((t) => ({ ts: T0 + t, rateFraction: 0.0001, periodHours: 1 }));
    return [
      { market: 'SOL-PERP', bars: BarColumns.fromCandles(series(a, 100)), intervalMs: M, funding: records },
      { market: 'BTC-PERP', candles: series(b, 50_000), intervalMs: M },
    ];
  });

describe('EventTape', () => {
  it('a window is the events a time filter keeps, in the same order', () => {
    fc.assert(
      fc.property(
        inputsArb,
        fc.option(fc.integer({ min: -5, max: 130 })),
        fc.option(fc.integer({ min: -5, max: 130 })),
        (inputs, fromMin, toMin) => {
          const tape = mergeEventTape(inputs);
          const all = tape.toArray();
          const from = fromMin === null ? undefined : T0 + fromMin * M;
          const to = toMin === null ? undefined : T0 + toMin * M;
          const kept = all.filter((e) => {
            const t = eventTime(e);
            return (from === undefined || t >= from) && (to === undefined || t <= to);
          });
          assert.deepStrictEqual(tape.window(from, to).toArray(), kept);
          for (let i = 0; i < all.length; i++) assert.equal(tape.timeAt(i), eventTime(all[i]));
        },
      ),
    );
  });

  it('a slice between two indexAtOrAfter is the events known in [from, to)', () => {
    fc.assert(
      fc.property(
        inputsArb,
        fc.integer({ min: -5, max: 130 }),
        fc.integer({ min: -5, max: 130 }),
        (inputs, a, b) => {
          const tape = mergeEventTape(inputs);
          const [from, to] = [T0 + Math.min(a, b) * M, T0 + Math.max(a, b) * M];
          const kept = tape.toArray().filter((e) => eventTime(e) >= from && eventTime(e) < to);
          assert.deepStrictEqual(
            tape.slice(tape.indexAtOrAfter(from), tape.indexAtOrAfter(to)).toArray(),
            kept,
          );
        },
      ),
    );
  });

  it('crosses to another thread as plain data (toWire, a structured clone, fromWire) with every event kept', () => {
    fc.assert(
      fc.property(inputsArb, fc.integer({ min: -5, max: 130 }), (inputs, fromMin) => {
        // optional columns too: an observed oracle on one market, an estimated one now and then
        const withOracle = inputs.map((input) =>
          'candles' in input && input.candles !== undefined
            ? {
                ...input,
                candles: input.candles.map((c, i) => ({
                  ...c,
                  oracleClose: c.close + 1,
                  oracleStale: i % 3 === 0,
                })),
              }
            : input,
        );
        const window = mergeEventTape(withOracle).window(T0 + fromMin * M);
        const wire = structuredClone(window.toWire());
        assert.equal(wire.row.buffer.byteLength, window.length * 4, 'only the window crosses');
        assert.deepStrictEqual(EventTape.fromWire(wire).toArray(), window.toArray());
      }),
    );
  });

  it('builds a fresh event per read, equal to the bars it holds; out-of-range reads are undefined', () => {
    const tape = mergeEventTape([{ market: 'SOL-PERP', candles: [bar(T0, 1), bar(T0 + M, 2)] }]);
    assert.equal(tape.length, 2);
    assert.deepStrictEqual(tape.at(-1), {
      type: 'bar',
      market: 'SOL-PERP',
      candle: bar(T0 + M, 2),
      intervalMs: M,
    });
    assert.notEqual(tape.at(0), tape.at(0));
    assert.equal(tape.at(2), undefined);
    assert.equal(tape.at(-3), undefined);
  });
});
