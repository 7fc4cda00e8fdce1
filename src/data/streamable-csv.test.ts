import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMarketText, streamableCsv } from './detect.ts';

/**
 * streamableCsv decides from a file's first line what parseMarketText decides from the whole text: each case is
 * a small file of that format, and the answer must name the reader the full detection picks (or none where the
 * rows carry more than the trade fields, or the file is not prices at all).
 */
const KLINE =
  '1740787200000,147.25,147.36,147.21,147.33,2450.688,1740787259999,360873.1,1021,1200.5,176000.2,0';
const KLINE2 =
  '1740787260000,147.33,147.45,147.22,147.38,3618.358,1740787319999,533000.9,1500,1800.1,265000.3,0';
const CASES: [string, string, 'generic' | 'binance' | undefined][] = [
  ['generic', 'timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n61,1,1,1,1,1\n', 'generic'],
  ['generic, other column order', 'time,close,open,low,high,vol\n1,1,1,1,1,1\n61,1,1,1,1,1\n', 'generic'],
  [
    'generic with an oracle',
    'timestamp,open,high,low,close,volume,oracle\n1,1,1,1,1,1,1\n61,1,1,1,1,1,1\n',
    undefined,
  ],
  [
    'generic with funding',
    'timestamp,open,high,low,close,volume,funding_rate\n1,1,1,1,1,1,0\n61,1,1,1,1,1,0\n',
    undefined,
  ],
  [
    'Binance klines with a header',
    `open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n${KLINE}\n${KLINE2}\n`,
    'binance',
  ],
  ['Binance klines without one', `${KLINE}\n${KLINE2}\n`, 'binance'],
  [
    'Binance funding',
    'calc_time,funding_interval_hours,last_funding_rate\n1740787200000,8,0.0001\n',
    undefined,
  ],
  [
    'Drift candles (JSON)',
    '{"candles":[{"ts":1,"fillOpen":1,"fillHigh":1,"fillLow":1,"fillClose":1}]}',
    undefined,
  ],
];

describe('streamableCsv', () => {
  it('names the reader the whole-file detection picks, from the first line alone', () => {
    for (const [name, text, reader] of CASES) {
      const first = text.split('\n')[0];
      const answer = streamableCsv(first);
      assert.equal(answer?.reader, reader, name);
      if (answer === undefined) continue;
      const loaded = parseMarketText(text, 'f.csv');
      assert.equal(loaded.kind, 'candles', name);
      assert.equal(
        loaded.report.format,
        reader === 'generic' ? 'generic-ohlcv-csv' : 'binance-klines-csv',
        name,
      );
      assert.equal(answer.header, reader === 'generic' || name.includes('with a header'), `${name}: header`);
    }
  });
});
