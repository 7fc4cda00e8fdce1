import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import type { LoadAndRun } from './backtest-load-and-run.ts';
import { assertSameRun, runOn, scratchFiles } from './test-support/load-and-run.ts';

const file = scratchFiles('zp-streamed-spread-');

describe('a spread read while the run goes on: two markets, a thread each', () => {
  const repo = (path: string): string => new URL(`../../${path}`, import.meta.url).pathname;
  const spread = parseBotConfig(
    readConfigFile(repo('examples/drift-kmno-spread.yaml')),
    'drift-kmno-spread.yaml',
  );
  /**
   * Drift's own hourly candles (data/README.md), their two repeated records each included, written as `data
   * download` writes a file (the "candles" array alone); the shipped files, as Drift's API answers (a
   * `lastTradeSeen` object after the array), are run as they are too.
   */
  const candlesOf = (path: string): { start: string }[] =>
    (JSON.parse(readFileSync(repo(path), 'utf8')) as { candles: { start: string }[] }).candles;
  const driftCandles = candlesOf('data/drift/price/drift_1h_90days.json');
  const kmnoCandles = candlesOf('data/drift/price/kmno_1h_90days.json');
  const candleFile = (name: string, candles: unknown[]): string =>
    file(name, [JSON.stringify({ candles }, null, 2)]);
  const driftJson = `DRIFT-PERP=${candleFile('drift-1h.json', driftCandles)}`;
  const kmnoJson = `KMNO-PERP=${candleFile('kmno-1h.json', kmnoCandles)}`;
  const funding = [
    `DRIFT-PERP=${repo('data/drift/funding/drift-perp.json')}`,
    `KMNO-PERP=${repo('data/drift/funding/kmno-perp.json')}`,
  ];
  const runSpread = (
    data: string[],
    streaming: LoadAndRun['streaming'],
    args: string[] = [],
    fundingFiles: string[] = funding,
  ) => runOn(spread, data, streaming, args, fundingFiles);

  it('gives the report, the load and the events the usual run gives, windows and funding included', async () => {
    // KMNO in two files (in time order, as a market's files must be to stream) either side of DRIFT's: the
    // reports keep the arguments' order
    const split = [
      `KMNO-PERP=${candleFile('kmno-1.json', kmnoCandles.slice(0, 1000))}`,
      driftJson,
      `KMNO-PERP=${candleFile('kmno-2.json', kmnoCandles.slice(1000))}`,
    ];
    const from = String(Number(kmnoCandles[300]?.start));
    const to = String(Number(kmnoCandles[1800]?.start));
    const cases: [string, string[], string[], string[]][] = [
      ['the README spread run', [driftJson, kmnoJson], [], funding],
      ['without funding', [kmnoJson, driftJson], [], []],
      ['a market in two files, the other market between them', split, [], funding],
      ['a window', [driftJson, kmnoJson], ['--from', from, '--to', to], funding],
      [
        'the files as shipped (a member after the array ends the count)',
        [
          `DRIFT-PERP=${repo('data/drift/price/drift_1h_90days.json')}`,
          `KMNO-PERP=${repo('data/drift/price/kmno_1h_90days.json')}`,
        ],
        [],
        funding,
      ],
    ];
    for (const [name, files, args, fundingFiles] of cases) {
      const streamed = await runSpread(files, { minRows: 1000 }, args, fundingFiles);
      const usual = await runSpread(files, false, args, fundingFiles);
      assert.equal(streamed.streamed, true, `${name}: streamed`);
      assert.ok(streamed.report.fills.length > 0, `${name}: a run that trades`);
      assertSameRun(streamed, usual, name);
    }
  });

  it('gives way to the usual run where one market cannot stream, with the same report', async () => {
    // two records swapped: the usual load sorts them, the streamed one cannot
    const c = driftCandles;
    const swapped = [...c.slice(0, 1500), c[1501], c[1500], ...c.slice(1502)];
    const cases: [string, string[]][] = [
      ['two records swapped', [`DRIFT-PERP=${candleFile('drift-swapped.json', swapped)}`, kmnoJson]],
    ];
    for (const [name, data] of cases) {
      const gaveWay = await runSpread(data, { minRows: 1000 });
      const usual = await runSpread(data, false);
      assert.equal(gaveWay.streamed, false, `${name}: not streamed`);
      assert.ok(usual.report.fills.length > 0, `${name}: a run that trades`);
      assertSameRun(gaveWay, usual, name);
    }
  });
});
