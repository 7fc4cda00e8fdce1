import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { formatGenericCsv, generateCandles } from '../data/index.ts';
import type { LoadAndRun } from './backtest-load-and-run.ts';
import { assertSameRun, runOn, scratchFiles } from './test-support/load-and-run.ts';

const file = scratchFiles('zp-streamed-');

const config = parseBotConfig(
  readConfigFile(new URL('../../examples/sol-grid.yaml', import.meta.url).pathname),
  'sol-grid.yaml',
);
/** Two days of 1-minute bars: streamed from 1,000 rows here (the CLI streams from 50,000). */
const lines = formatGenericCsv(generateCandles(2880, { seed: 5, startPrice: 150 })).split('\n');

const run = (
  path: string | string[],
  streaming: LoadAndRun['streaming'],
  args: string[] = [],
  funding: string[] = [],
) => runOn(config, path, streaming, args, funding);

/**
 * Drift funding JSON for SOL-PERP (market 0): a record every `everyMin` minutes from `fromMs` (settled at the
 * minute, so some at a bar's close: a bar comes first), `count` of them.
 */
function fundingFile(name: string, fromMs: number, everyMin: number, count: number, rate: number): string {
  const fundingRates = Array.from({ length: count }, (_, k) => ({
    ts: String((fromMs + k * everyMin * 60_000) / 1000),
    marketIndex: 0,
    fundingRate: String(rate * (k % 2 === 0 ? 1 : -1)),
    oraclePriceTwap: '150000000',
    markPriceTwap: '150100000',
  }));
  return file(name, [JSON.stringify({ fundingRates }, null, 2)]);
}

describe('the backtest read while the file loads', () => {
  it('merges the market funding files in among the bars as the usual run does', async () => {
    const path = file('funded.csv', lines);
    const first = generateCandles(1, { seed: 5, startPrice: 150 })[0].ts;
    const files = [
      // hourly from before the first bar's close, and past the last bar
      fundingFile('hourly.json', first - 3_600_000, 60, 52, 20_000_000),
      // another file: some records the same times (the later file's win), some between bars' closes
      fundingFile('half.json', first + 90_000 + 30_000, 30, 90, 35_000_000),
    ];
    const streamed = await run(path, { minRows: 1000 }, [], files);
    const usual = await run(path, false, [], files);
    assert.equal(streamed.streamed, true, 'streamed');
    assert.equal(streamed.inputs.fundingGiven, true);
    assert.ok(
      streamed.events.toArray().some((e) => e.type === 'funding'),
      'funding events in the tape',
    );
    assert.notEqual(streamed.report.summary.fundingPnl, 0, 'funding paid or received');
    assertSameRun(streamed, usual, 'funding files');
    // a funding file the usual load refuses: the same error, from the usual load
    const bad = file('bad-funding.json', ['{"fundingRates": []}']);
    await assert.rejects(run(path, { minRows: 1000 }, [], [bad]), /"fundingRates" array is empty/);
  });

  it('gives the report, the load and the events the usual run gives', async () => {
    const path = file('clean.csv', lines);
    for (const args of [[], ['--timeline']]) {
      const streamed = await run(path, { minRows: 1000 }, args);
      const usual = await run(path, false, args);
      assert.equal(streamed.streamed, true, 'streamed');
      assert.equal(usual.streamed, false);
      assert.ok(streamed.report.fills.length > 0, 'a run that trades');
      assertSameRun(streamed, usual, `report ${args}`);
    }
  });

  it('reads several files, generic or Binance klines, as the usual run merges them', async () => {
    const candles = generateCandles(2880, { seed: 8, startPrice: 150 });
    const kline = (c: (typeof candles)[number]) =>
      `${c.ts},${c.open},${c.high},${c.low},${c.close},${c.volume},${c.ts + 59_999},0,0,0,0,0`;
    const KLINE_HEADER =
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
    const cases: [string, string[]][] = [
      [
        'two generic halves',
        [file('a1.csv', lines.slice(0, 1500)), file('a2.csv', [lines[0], ...lines.slice(1500)])],
      ],
      [
        'Binance klines, with and without a header',
        [
          file('k1.csv', [KLINE_HEADER, ...candles.slice(0, 1000).map(kline)]),
          file('k2.csv', candles.slice(1000).map(kline)),
        ],
      ],
    ];
    for (const [name, paths] of cases) {
      const streamed = await run(paths, { minRows: 1000 });
      const usual = await run(paths, false);
      assert.equal(streamed.streamed, true, `${name}: streamed`);
      assert.ok(streamed.report.fills.length > 0, `${name}: a run that trades`);
      assertSameRun(streamed, usual, name);
    }
  });

  it('reads a --from/--to window of the file as the usual run reads it, funding and range included', async () => {
    const path = file('windowed.csv', lines);
    const first = generateCandles(1, { seed: 5, startPrice: 150 })[0].ts;
    const funding = [fundingFile('window-funding.json', first - 3_600_000, 60, 52, 20_000_000)];
    const at = (minutes: number): string => String(first + minutes * 60_000);
    // [name, args]: a bar becomes known at its close, first + 1 minute for the first bar
    const windows: [string, string[]][] = [
      ['the start', ['--to', at(700)]],
      ['the middle, bounds on bars', ['--from', at(900), '--to', at(2100)]],
      [
        'the middle, bounds between bars',
        ['--from', String(first + 900 * 60_000 + 30_000), '--to', at(2100.5)],
      ],
      ['the end', ['--from', at(1700)]],
      ['to the last bar exactly', ['--from', at(1000), '--to', at(2880)]],
      ['the whole file', ['--from', at(1), '--to', at(2880)]],
      ['by dates', ['--from', '2025-01-01T12:00:00Z', '--to', '2025-01-02T12:00:00Z']],
    ];
    for (const [name, args] of windows) {
      for (const withFunding of [[], funding]) {
        const what = `${name}${withFunding.length > 0 ? ', with funding' : ''}`;
        const streamed = await run(path, { minRows: 1000 }, args, withFunding);
        const usual = await run(path, false, args, withFunding);
        assert.equal(streamed.streamed, true, `${what}: streamed`);
        assert.ok(streamed.report.fills.length > 0, `${what}: a run that trades`);
        assertSameRun(streamed, usual, what);
      }
    }
    // a window the file has no bar in: the usual run's words
    for (const args of [
      ['--from', at(3000)],
      ['--to', String(first)],
      ['--from', String(first + 900 * 60_000 + 10_000), '--to', String(first + 900 * 60_000 + 50_000)],
    ]) {
      await assert.rejects(
        run(path, { minRows: 1000 }, args),
        /no price bars inside the --from\/--to window/,
      );
    }
  });

  it('gives way to the usual run where the file goes wrong in or after a window', async () => {
    const first = generateCandles(1, { seed: 5, startPrice: 150 })[0].ts;
    const window = ['--from', String(first + 500 * 60_000), '--to', String(first + 1500 * 60_000)];
    const cases: [string, string[]][] = [
      [
        'rows out of order before the window',
        [...lines.slice(0, 300), lines[301], lines[300], ...lines.slice(302)],
      ],
      [
        'rows out of order after the window',
        [...lines.slice(0, 2000), lines[2001], lines[2000], ...lines.slice(2002)],
      ],
      ['a repeated row in the window', [...lines.slice(0, 1000), lines[1000], ...lines.slice(1000)]],
    ];
    for (const [name, rows] of cases) {
      const path = file(`${name}.csv`, rows);
      const gaveWay = await run(path, { minRows: 1000 }, window);
      const usual = await run(path, false, window);
      assert.equal(gaveWay.streamed, false, `${name}: not streamed`);
      assert.ok(usual.report.fills.length > 0, `${name}: a run that trades`);
      assertSameRun(gaveWay, usual, name);
    }
    // a bad row after the window: the usual load refuses the file, and so does the streamed one
    const badRow = [...lines];
    badRow[2200] = badRow[2200].replace(/,[^,]*$/, ',-5');
    const path = file('bad after the window.csv', badRow);
    const usual = await run(path, false, window).then(
      () => assert.fail('the usual run refuses it'),
      (err: Error) => err,
    );
    await assert.rejects(run(path, { minRows: 1000 }, window), (err: Error) => {
      assert.equal(err.message, usual.message);
      return true;
    });
  });

  it('gives way to the usual run where the file is not as the run assumed, with its report', async () => {
    const cases: [string, string[]][] = [
      ['rows out of order', [...lines.slice(0, 2000), lines[2001], lines[2000], ...lines.slice(2002)]],
      ['a repeated row', [...lines.slice(0, 1500), lines[1500], ...lines.slice(1500)]],
      ['a line of spaces', [...lines.slice(0, 2500), '   ', ...lines.slice(2500)]],
      // the first rows 2 minutes apart: the interval the run starts with is not the file's
      [
        'another interval first',
        [lines[0], ...lines.slice(1, 201).filter((_, i) => i % 2 === 0), ...lines.slice(201)],
      ],
    ];
    // two files of one market: the first 1,500 rows (or 1,600), and the rest under the header
    const pair = (name: string, first: string[], rest: string[]) => [
      file(`${name} 1.csv`, first),
      file(`${name} 2.csv`, [lines[0], ...rest]),
    ];
    const files: [string, string[]][] = [
      ...cases.map(([name, rows]): [string, string[]] => [name, [file(`${name}.csv`, rows)]]),
      ['files overlapping', pair('overlap', lines.slice(0, 1600), lines.slice(1500))],
      ['files in the wrong order', pair('order', lines.slice(0, 1500), lines.slice(1500)).reverse()],
      [
        'files of two intervals',
        pair(
          'two',
          lines.slice(0, 1500),
          lines.slice(1500).filter((_, i) => i % 5 === 0),
        ),
      ],
    ];
    for (const [name, path] of files) {
      const gaveWay = await run(path, { minRows: 1000 });
      const usual = await run(path, false);
      assert.equal(gaveWay.streamed, false, `${name}: not streamed`);
      assertSameRun(gaveWay, usual, name);
    }
  });

  it('fails as the usual run fails on a bad row or prices in other units', async () => {
    const badRow = [...lines];
    badRow[2200] = badRow[2200].replace(/,[^,]*$/, ',-5');
    const cents = lines.map((l, i) =>
      i === 0 || l === ''
        ? l
        : l.replace(
            /,([\d.]+),([\d.]+),([\d.]+),([\d.]+),/,
            (_, ...p) =>
              `,${p
                .slice(0, 4)
                .map((v: string) => Number(v) / 1e7)
                .join(',')},`,
          ),
    );
    for (const [name, rows] of [
      ['bad row', badRow],
      ['tiny prices', cents],
    ] as const) {
      const path = file(`${name}.csv`, rows);
      const usual = await run(path, false).then(
        () => assert.fail(`${name}: the usual run refuses it`),
        (err: Error) => err,
      );
      await assert.rejects(run(path, { minRows: 1000 }), (err: Error) => {
        assert.equal(err.message, usual.message, name);
        assert.equal(err.name, usual.name, name);
        return true;
      });
    }
  });
});
