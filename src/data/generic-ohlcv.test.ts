import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatGenericCsv } from './format-generic.ts';
import { parseGenericOhlcv } from './generic-ohlcv.ts';
import { generateCandles } from './synthetic.ts';
import type { Candle } from './types.ts';

const F = 'mem.csv';

/** Candles with random optional oracle/funding columns, from a seeded walk. */
const candlesArb = fc
  .record({
    n: fc.integer({ min: 1, max: 200 }),
    seed: fc.integer(),
    startTs: fc.integer({ min: 1e11, max: 4e12 }),
    intervalMs: fc.constantFrom(1000, 60_000, 900_000, 3_600_000),
    startPrice: fc.double({ min: 0.001, max: 100_000, noNaN: true }),
    oracleEvery: fc.integer({ min: 0, max: 3 }),
    fundingEvery: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ n, seed, startTs, intervalMs, startPrice, oracleEvery, fundingEvery }) =>
    generateCandles(n, { seed, startTs, intervalMs, startPrice }).map((c, i): Candle => {
      const out: Candle = { ...c };
      if (oracleEvery > 0 && i % oracleEvery === 0) out.oracleClose = c.close * 1.0001;
      if (fundingEvery > 0 && i % fundingEvery === 0) out.fundingRate = ((i % 7) - 3) * 1.25e-5;
      return out;
    }),
  );

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('generic OHLCV CSV', () => {
  it('round-trips candles through write and read exactly (property)', () => {
    fc.assert(
      fc.property(candlesArb, (candles) => {
        const loaded = parseGenericOhlcv(formatGenericCsv(candles), F);
        const back = loaded.bars.toCandles();
        const report = loaded.report;
        assert.deepStrictEqual(back, candles);
        assert.equal(report.rows, candles.length);
        assert.deepEqual(report.gaps, []);
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('gives the same sorted result for shuffled rows, and counts the backward steps (property)', () => {
    fc.assert(
      fc.property(candlesArb, fc.integer(), (candles, seed) => {
        const [header, ...rows] = formatGenericCsv(candles).trimEnd().split('\n');
        const shuffled = shuffle(rows, seed);
        const loaded = parseGenericOhlcv(`${header}\n${shuffled.join('\n')}\n`, F);
        const back = loaded.bars.toCandles();
        const report = loaded.report;
        assert.deepStrictEqual(back, candles);
        let backward = 0;
        for (let i = 1; i < shuffled.length; i++) {
          if (Number(shuffled[i].split(',')[0]) < Number(shuffled[i - 1].split(',')[0])) backward++;
        }
        assert.equal(report.outOfOrder, backward);
        assert.equal(report.duplicatesDropped, 0);
      }),
      { seed: 43, numRuns: 100 },
    );
  });

  it('drops repeated rows and lets a later differing row supersede, reporting its line', () => {
    const text = [
      'timestamp,open,high,low,close,volume',
      '1740787200000,10,11,9,10,1',
      '1740787260000,10,11,9,10,0',
      '1740787200000,10,11,9,10,1',
      '1740787260000,10,12,9,11,5',
      '1740787380000,11,11,11,11,1',
    ].join('\n');
    const loaded = parseGenericOhlcv(text, F);
    const candles = loaded.bars.toCandles();
    const report = loaded.report;
    assert.deepEqual(
      candles.map((c) => [c.ts, c.close, c.volume]),
      [
        [1740787200000, 10, 1],
        [1740787260000, 11, 5],
        [1740787380000, 11, 1],
      ],
    );
    assert.equal(report.duplicatesDropped, 1);
    assert.deepEqual(report.superseded, [{ ts: 1740787260000, line: 3 }]);
    assert.equal(report.outOfOrder, 1);
    assert.equal(candles.length, report.rows - report.duplicatesDropped - report.superseded.length);
    assert.deepEqual(report.gaps, [{ from: 1740787260000, to: 1740787380000, missingBars: 1 }]);
    assert.equal(report.intervalMs, 60_000);
  });

  it('reads any column order, aliases, quotes, extra columns and every timestamp form', () => {
    const text = [
      '"Volume","Close","Low","High","Open","Date","quote_volume","oracle","funding_rate"',
      '5,10.5,9,11,10,2025-03-01T00:00:00Z,1,10.4,0.0001',
      '6,10.6,9,11,10,2025-03-01 00:01:00,1,,',
      '7,10.7,9,11,10,1740787320,1,10.6,',
      '8,10.8,9,11,10,1740787380000,1,,-0.0002',
      '9,10.9,9,11,10,"2025-03-01T01:04:00+01:00",1,,',
    ].join('\r\n');
    const loaded = parseGenericOhlcv(text, F);
    const candles = loaded.bars.toCandles();
    const t0 = Date.parse('2025-03-01T00:00:00Z');
    assert.deepStrictEqual(candles, [
      { ts: t0, open: 10, high: 11, low: 9, close: 10.5, volume: 5, oracleClose: 10.4, fundingRate: 0.0001 },
      { ts: t0 + 60_000, open: 10, high: 11, low: 9, close: 10.6, volume: 6 },
      { ts: t0 + 120_000, open: 10, high: 11, low: 9, close: 10.7, volume: 7, oracleClose: 10.6 },
      { ts: t0 + 180_000, open: 10, high: 11, low: 9, close: 10.8, volume: 8, fundingRate: -0.0002 },
      { ts: t0 + 240_000, open: 10, high: 11, low: 9, close: 10.9, volume: 9 },
    ]);
  });
});
