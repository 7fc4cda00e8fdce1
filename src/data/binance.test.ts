import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferFundingPeriodHours, parseBinanceFunding } from './binance-funding.ts';
import { parseBinanceKlines } from './binance-klines.ts';
import { parseMarketText } from './detect.ts';
import { finishCandles } from './load-result.ts';

const HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
const ROWS = [
  '1740787200000,147.25,147.36,147.21,147.33,2450.688,1740787259999,360873.1,1021,1200.5,176000.2,0',
  '1740787260000,147.33,147.45,147.22,147.38,3618.358,1740787319999,533000.9,1500,1800.1,265000.3,0',
  '1740787380000,147.39,147.49,147.32,147.39,1597.524,1740787439999,235000.4,800,700.2,103000.1,0',
];
const EXPECTED = [
  { ts: 1740787200000, open: 147.25, high: 147.36, low: 147.21, close: 147.33, volume: 2450.688 },
  { ts: 1740787260000, open: 147.33, high: 147.45, low: 147.22, close: 147.38, volume: 3618.358 },
  { ts: 1740787380000, open: 147.39, high: 147.49, low: 147.32, close: 147.39, volume: 1597.524 },
];

describe('Binance USD-M klines', () => {
  it('reads the dump with and without its header, ignoring the extra columns', () => {
    const withHeader = parseBinanceKlines(`${HEADER}\n${ROWS.join('\n')}\n`, 'k.csv');
    const without = parseBinanceKlines(`${ROWS.join('\n')}\n`, 'k.csv');
    assert.deepStrictEqual(withHeader.bars.toCandles(), EXPECTED);
    assert.deepStrictEqual(without.bars.toCandles(), EXPECTED);
    assert.equal(without.report.format, 'binance-klines-csv');
    assert.equal(without.report.intervalMs, 60_000);
    assert.deepEqual(without.report.gaps, [{ from: 1740787260000, to: 1740787380000, missingBars: 1 }]);
  });

  it('reports what the sorting tail of the loaders reports, in order or not', () => {
    // in time order the rows are the columns as read (finishSortedBars); the report is the one finishCandles
    // makes of the same candles, which is what every file went through before
    const inOrder = parseBinanceKlines(ROWS.join('\n'), 'k.csv');
    const viaObjects = finishCandles(
      'k.csv',
      'binance-klines-csv',
      EXPECTED.map((c) => ({ ...c })),
      (i) => i,
    );
    assert.deepEqual(inOrder.report, viaObjects.report);
    assert.deepEqual(inOrder.bars, viaObjects.bars);
    // out of order, with a repeated row: sorted, deduplicated, and said so
    const messy = parseBinanceKlines([ROWS[2], ROWS[0], ROWS[1], ROWS[0]].join('\n'), 'k.csv');
    assert.deepStrictEqual(messy.bars.toCandles(), EXPECTED);
    assert.equal(messy.report.duplicatesDropped, 1);
    assert.ok((messy.report.steppedBack ?? 0) > 0);
  });

  it('reads microsecond open times (newer dumps) as milliseconds', () => {
    const us = ROWS.map((r) => r.replace(/^(\d+)/, '$1000'));
    assert.deepStrictEqual(parseBinanceKlines(us.join('\n'), 'k.csv').bars.toCandles(), EXPECTED);
  });

  it('is detected from the header or from 12 headerless columns', () => {
    for (const text of [`${HEADER}\n${ROWS.join('\n')}`, ROWS.join('\n')]) {
      const r = parseMarketText(text, 'k.csv');
      assert.equal(r.kind, 'candles');
      assert.equal(r.report.format, 'binance-klines-csv');
    }
  });
});

describe('Binance funding CSV', () => {
  const H8 = 8 * 3_600_000;
  const t0 = Date.parse('2025-03-01T00:00:00Z');
  const rows = (spacing: number, n: number): string =>
    Array.from({ length: n }, (_, i) => `${t0 + i * spacing},SOLUSDT,${(i - 1) * 0.0001}`).join('\n');

  it('reads timestamp,symbol,funding_rate and infers an 8h period from the spacing', () => {
    const { records, report } = parseBinanceFunding(
      `timestamp,symbol,funding_rate\n${rows(H8, 4)}\n`,
      'f.csv',
    );
    assert.deepStrictEqual(records[1], { ts: t0 + H8, rateFraction: 0, periodHours: 8 });
    assert.equal(records[0].rateFraction, -0.0001);
    assert.ok(records.every((r) => r.periodHours === 8 && r.ratePerBase === undefined));
    assert.equal(report.format, 'binance-funding-csv');
    assert.equal(report.intervalMs, 0);
  });

  it('infers 4h and 1h periods, defaults to 8h for a single record, and reports missing settlements', () => {
    const four = parseBinanceFunding(`timestamp,symbol,funding_rate\n${rows(H8 / 2, 5)}`, 'f.csv');
    assert.ok(four.records.every((r) => r.periodHours === 4));
    assert.equal(
      parseBinanceFunding(`timestamp,symbol,funding_rate\n${rows(H8, 1)}`, 'f.csv').records[0].periodHours,
      8,
    );
    const withHole = `timestamp,symbol,funding_rate\n${t0},X,0.0001\n${t0 + H8},X,0.0001\n${t0 + 3 * H8},X,0.0001\n${t0 + 4 * H8},X,0.0001`;
    const { report } = parseBinanceFunding(withHole, 'f.csv');
    assert.deepEqual(report.gaps, [{ from: t0 + H8, to: t0 + 3 * H8, missingBars: 1 }]);
    assert.equal(inferFundingPeriodHours([0, 3_600_000, 7_200_000, 7_200_000 + 8 * 3_600_000]), 1);
  });

  it("reads data.binance.vision's calc_time,funding_interval_hours,last_funding_rate", () => {
    const text = `calc_time,funding_interval_hours,last_funding_rate\n${t0},4,0.00005\n${t0 + H8},8,0.0001\n`;
    const { records } = parseBinanceFunding(text, 'f.csv');
    assert.deepStrictEqual(records, [
      { ts: t0, rateFraction: 0.00005, periodHours: 4 },
      { ts: t0 + H8, rateFraction: 0.0001, periodHours: 8 },
    ]);
    assert.equal(parseMarketText(text, 'f.csv').kind, 'funding');
  });
});
