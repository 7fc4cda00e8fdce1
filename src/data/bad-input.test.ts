/**
 * Every kind of bad input fails with a DataError whose message is FILE:LINE: reason — never a silent skip.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadBinanceFunding } from './binance-funding.ts';
import { loadBinanceKlines } from './binance-klines.ts';
import { loadMarketFile } from './detect.ts';
import { loadDriftCandles } from './drift-candles.ts';
import { loadDriftFunding } from './drift-funding.ts';
import { DataError } from './errors.ts';
import { loadGenericOhlcv } from './generic-ohlcv.ts';

const dir = mkdtempSync(join(tmpdir(), 'zero-perps-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function tmp(name: string, content: string): string {
  const p = join(dir, `${counter++}-${name}`);
  writeFileSync(p, content);
  return p;
}

async function expectDataError(
  run: Promise<unknown>,
  file: string,
  line: number,
  reason: RegExp,
): Promise<void> {
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${err}`);
    assert.equal(err.file, file);
    assert.equal(err.line, line);
    assert.match(err.reason, reason);
    assert.equal(err.message, `${file}:${line}: ${err.reason}`);
    return true;
  });
}

const GOOD = '2025-03-01 00:00:00,10,11,9,10.5,100';
const HEADER = 'timestamp,open,high,low,close,volume';

describe('generic OHLCV CSV errors', () => {
  const row = (r: string): string => tmp('generic.csv', `${HEADER}\n${GOOD}\n${r}\n`);
  const cases: [string, string, RegExp][] = [
    ['a non-number', '2025-03-01 00:01:00,10,abc,9,10,1', /column "high" is not a number: "abc"/],
    ['NaN text', '2025-03-01 00:01:00,NaN,11,9,10,1', /column "open" is not a number: "NaN"/],
    ['an empty number', '2025-03-01 00:01:00,10,11,9,,1', /column "close" is empty/],
    ['a blank number', '2025-03-01 00:01:00,10,11,9,  ,1', /column "close" is empty/],
    ['a negative price', '2025-03-01 00:01:00,10,11,-1,10,1', /low must be a positive price, got -1/],
    ['a zero price', '2025-03-01 00:01:00,0,11,9,10,1', /open must be a positive price, got 0/],
    ['high below low', '2025-03-01 00:01:00,10,9,11,10,1', /high 9 is below low 11/],
    ['open above high', '2025-03-01 00:01:00,12,11,9,10,1', /open 12 is outside \[low 9, high 11\]/],
    ['close below low', '2025-03-01 00:01:00,10,11,9,8,1', /close 8 is outside \[low 9, high 11\]/],
    ['a negative volume', '2025-03-01 00:01:00,10,11,9,10,-5', /volume must not be negative, got -5/],
    [
      'a bad timestamp',
      '2025-02-30 00:01:00,10,11,9,10,1',
      /column "timestamp" is not a timestamp: "2025-02-30 00:01:00"/,
    ],
    ['an empty timestamp', ',10,11,9,10,1', /column "timestamp" is empty/],
    ['a short row', '2025-03-01 00:01:00,10,11', /row has 3 columns, expected at least 6/],
    ['infinity', '2025-03-01 00:01:00,10,Infinity,9,10,1', /column "high" is not a number: "Infinity"/],
  ];
  for (const [what, line, reason] of cases) {
    it(`rejects ${what} on line 3`, async () => {
      const f = row(line);
      await expectDataError(loadGenericOhlcv(f), f, 3, reason);
    });
  }

  it('rejects a bad optional oracle cell (an empty one is allowed)', async () => {
    const ok = tmp('oracle.csv', `${HEADER},oracle\n${GOOD},\n`);
    assert.equal((await loadGenericOhlcv(ok)).bars.toCandles()[0].oracleClose, undefined);
    const f = tmp('oracle.csv', `${HEADER},oracle\n${GOOD},10\n${GOOD.replace('00:00:00', '00:01:00')},x1\n`);
    await expectDataError(loadGenericOhlcv(f), f, 3, /column "oracle" is not a number: "x1"/);
    const g = tmp('oracle.csv', `${HEADER},oracle\n${GOOD},-3\n`);
    await expectDataError(loadGenericOhlcv(g), g, 2, /oracle must be a positive price, got -3/);
  });

  it('rejects a header without the required columns, naming each', async () => {
    const f = tmp('nohdr.csv', 'time_utc,open,high,low,close\n2025-03-01,1,1,1,1\n');
    await expectDataError(loadGenericOhlcv(f), f, 1, /header lacks required columns timestamp, volume/);
  });

  it('requires a header at all', async () => {
    const f = tmp('headless.csv', `${GOOD}\n`);
    await expectDataError(loadGenericOhlcv(f), f, 1, /header required/);
  });

  it('counts lines across blank lines and CRLF endings', async () => {
    const f = tmp('crlf.csv', `\r\n${HEADER}\r\n${GOOD}\r\n\r\n2025-03-01 00:01:00,10,9,11,10,1\r\n`);
    await expectDataError(loadGenericOhlcv(f), f, 5, /high 9 is below low 11/);
  });

  it('rejects an empty file and a header without rows', async () => {
    const e = tmp('empty.csv', '\n\n');
    await expectDataError(loadGenericOhlcv(e), e, 1, /the file is empty/);
    const h = tmp('header-only.csv', `${HEADER}\n`);
    await expectDataError(loadGenericOhlcv(h), h, 2, /no data rows/);
  });
});

describe('unreadable files', () => {
  it('names a missing file', async () => {
    const f = join(dir, 'does-not-exist.csv');
    await expectDataError(loadGenericOhlcv(f), f, 0, /file not found/);
    await expectDataError(loadMarketFile(f), f, 0, /file not found/);
    await expectDataError(loadDriftCandles(f), f, 0, /file not found/);
  });

  it('names a directory given as a file', async () => {
    const d = join(dir, 'a-directory');
    mkdirSync(d);
    await expectDataError(loadDriftFunding(d), d, 0, /is a directory/);
    // the backtest's loader opens a file to look at its first bytes (a Drift candle file is read through a window)
    await expectDataError(loadMarketFile(d), d, 0, /is a directory/);
  });

  it(
    'names a file it may not read',
    { skip: process.getuid?.() === 0 ? 'root reads anything' : false },
    async () => {
      const f = tmp('secret.csv', `${HEADER}\n${GOOD}\n`);
      chmodSync(f, 0o000);
      await expectDataError(loadBinanceKlines(f), f, 0, /permission denied/);
    },
  );
});

describe('JSON errors', () => {
  it('reports malformed JSON at the line of the syntax error', async () => {
    const f = tmp('bad.json', '{\n  "candles": [\n    {"start": "1"},,\n  ]\n}\n');
    await expectDataError(loadDriftCandles(f), f, 3, /malformed JSON: unexpected ","/);
    const g = tmp('cut.json', '{\n  "fundingRates": [\n    {"ts": "1"\n');
    await expectDataError(loadDriftFunding(g), g, 4, /malformed JSON: unexpected end of the text/);
    await expectDataError(loadMarketFile(g), g, 4, /malformed JSON/);
  });

  const candle = (over: Record<string, string>): string =>
    JSON.stringify(
      {
        start: '1739740500000',
        fillOpen: '0.7495',
        fillClose: '0.7449',
        fillHigh: '0.7495',
        fillLow: '0.7424',
        oracleOpen: '0.749',
        oracleClose: '0.745',
        oracleHigh: '0.749',
        oracleLow: '0.743',
        quoteVolume: '826.3',
        baseVolume: '1110',
        resolution: '15',
        ...over,
      },
      null,
      2,
    );
  const candleFile = (second: Record<string, string>): string =>
    tmp(
      'c.json',
      `{\n"candles": [\n${candle({})},\n${candle({ start: '1739741400000', ...second })}\n]\n}\n`,
    );
  // Record 1 starts on line 17: `{`, then 12 fields of record 0 (lines 4..15), `},` on 16.

  it('points a bad Drift candle number at its field line', async () => {
    const f = candleFile({ fillHigh: 'abc' });
    // Record 1: `{` on 17, start 18, fillOpen 19, fillClose 20, fillHigh 21.
    await expectDataError(loadDriftCandles(f), f, 21, /field "fillHigh" is not a number: "abc"/);
    const g = candleFile({ baseVolume: '' });
    await expectDataError(loadDriftCandles(g), g, 28, /field "baseVolume" is empty/);
  });

  it('points a broken Drift candle at its record', async () => {
    const f = candleFile({ fillLow: '0.8' });
    await expectDataError(loadDriftCandles(f), f, 17, /high 0.7495 is below low 0.8/);
    const g = candleFile({ oracleLow: '-0.1' });
    await expectDataError(loadDriftCandles(g), g, 17, /oracleLow must be a positive price, got -0.1/);
    const h = candleFile({ start: 'soon' });
    await expectDataError(loadDriftCandles(h), h, 18, /field "start" is not a timestamp: "soon"/);
  });

  it('rejects Drift funding with a bad rate or TWAP', async () => {
    const rec = (over: Record<string, unknown>): string =>
      JSON.stringify({
        ts: '1745215222',
        marketIndex: 30,
        fundingRate: '-2875',
        oraclePriceTwap: '500291',
        markPriceTwap: '500122',
        ...over,
      });
    const f = tmp(
      'f.json',
      `{"fundingRates": [\n${rec({})},\n${rec({ ts: '1745218869', fundingRate: '1.5' })}\n]}`,
    );
    await expectDataError(loadDriftFunding(f), f, 3, /field "fundingRate" is not an integer: "1.5"/);
    const g = tmp('f.json', `{"fundingRates": [\n${rec({ oraclePriceTwap: '0' })}\n]}`);
    await expectDataError(loadDriftFunding(g), g, 2, /oraclePriceTwap must be positive, got 0/);
    const h = tmp('f.json', `{"fundingRates": [\n${rec({})},\n${rec({ marketIndex: 28 })}\n]}`);
    await expectDataError(
      loadDriftFunding(h),
      h,
      3,
      /marketIndex 28 differs from the file's first record \(30\)/,
    );
  });

  it('rejects JSON of the wrong shape', async () => {
    const f = tmp('other.json', '{"prices": []}');
    await expectDataError(loadDriftCandles(f), f, 1, /expected an object with a "candles" array/);
    await expectDataError(loadMarketFile(f), f, 1, /unrecognised JSON \(top level: prices\)/);
    const e = tmp('none.json', '{"candles": []}');
    await expectDataError(loadDriftCandles(e), e, 1, /the "candles" array is empty/);
  });
});

describe('Binance CSV errors', () => {
  const kline =
    '1740787200000,147.25,147.36,147.21,147.33,2450.688,1740787259999,360000.1,1000,1200.5,176000.2,0';
  it('rejects a bad headerless kline row at its line', async () => {
    const f = tmp(
      'k.csv',
      `${kline}\n1740787260000,147.33,x,147.22,147.38,3618.358,1740787319999,1,1,1,1,0\n`,
    );
    await expectDataError(loadBinanceKlines(f), f, 2, /column "high" is not a number: "x"/);
    const g = tmp('k.csv', `${kline}\n1740787260000,147.33\n`);
    await expectDataError(loadBinanceKlines(g), g, 2, /row has 2 columns, expected at least 6/);
  });

  it('rejects a kline header without the required columns', async () => {
    const f = tmp('k.csv', `open_time,open,high,close,volume\n${kline}\n`);
    await expectDataError(loadBinanceKlines(f), f, 1, /header lacks required column low/);
  });

  it('rejects funding CSVs without a rate column, with two symbols, or with a bad rate', async () => {
    const a = tmp('fr.csv', 'timestamp,symbol,rate\n1740787200000,SOLUSDT,0.0001\n');
    await expectDataError(loadBinanceFunding(a), a, 1, /header lacks required column funding_rate/);
    const b = tmp(
      'fr.csv',
      'timestamp,symbol,funding_rate\n1740787200000,SOLUSDT,0.0001\n1740816000000,BTCUSDT,0.0001\n',
    );
    await expectDataError(
      loadBinanceFunding(b),
      b,
      3,
      /symbol "BTCUSDT" differs from the file's first symbol "SOLUSDT"/,
    );
    const c = tmp('fr.csv', 'timestamp,symbol,funding_rate\n1740787200000,SOLUSDT,\n');
    await expectDataError(loadBinanceFunding(c), c, 2, /column "funding_rate" is empty/);
  });
});

describe('format detection errors', () => {
  it('names the file when a CSV is none of the known formats', async () => {
    const f = tmp('what.csv', 'date,price\n2025-03-01,1\n');
    await expectDataError(
      loadMarketFile(f),
      f,
      1,
      /unrecognised CSV header "date,price"; expected Drift candle/,
    );
    const g = tmp('what.csv', '1740787200000,1,2,0.5,1.5,10,7\n');
    await expectDataError(loadMarketFile(g), g, 1, /headerless CSV with 7 columns/);
    const e = tmp('empty.csv', '');
    await expectDataError(loadMarketFile(e), e, 1, /the file is empty/);
  });
});
