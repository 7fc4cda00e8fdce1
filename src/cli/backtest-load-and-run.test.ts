import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseFileArg } from '../backtest/load-inputs.ts';
import type { BacktestReport } from '../backtest/report-types.ts';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { formatGenericCsv, generateCandles } from '../data/index.ts';
import { backtestRunFlags, parseBacktestArgs } from './backtest-flags.ts';
import { type LoadAndRun, loadAndRun } from './backtest-load-and-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-streamed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const config = parseBotConfig(
  readConfigFile(new URL('../../examples/sol-grid.yaml', import.meta.url).pathname),
  'sol-grid.yaml',
);
/** Two days of 1-minute bars: streamed from 1,000 rows here (the CLI streams from 50,000). */
const lines = formatGenericCsv(generateCandles(2880, { seed: 5, startPrice: 150 })).split('\n');

function file(name: string, rows: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n'));
  return path;
}

function run(
  path: string | string[],
  streaming: LoadAndRun['streaming'],
  args: string[] = [],
  funding: string[] = [],
) {
  return loadAndRun({
    config,
    data: (Array.isArray(path) ? path : [path]).map(parseFileArg),
    funding: funding.map(parseFileArg),
    flags: backtestRunFlags(parseBacktestArgs(['--config', 'x', ...args])),
    checkOut: () => {},
    streaming,
  });
}

/** A report without its timings (the only fields two runs of the same data may differ in). */
function untimed(r: BacktestReport): unknown {
  const { wallSeconds: _w, barsPerSecond: _b, ...summary } = r.summary;
  return { ...r, summary };
}

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
    assert.deepEqual(untimed(streamed.report), untimed(usual.report));
    assert.deepEqual(streamed.inputs.reports, usual.inputs.reports);
    assert.deepEqual(streamed.events.toArray(), usual.events.toArray());
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
      assert.deepEqual(untimed(streamed.report), untimed(usual.report), `report ${args}`);
      assert.deepEqual(streamed.inputs.reports, usual.inputs.reports);
      assert.deepEqual(streamed.events.toArray(), usual.events.toArray());
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
      assert.deepEqual(untimed(streamed.report), untimed(usual.report), name);
      assert.deepEqual(streamed.inputs.reports, usual.inputs.reports, name);
      assert.deepEqual(streamed.events.toArray(), usual.events.toArray(), name);
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
        assert.deepEqual(untimed(streamed.report), untimed(usual.report), what);
        assert.deepEqual(streamed.inputs.reports, usual.inputs.reports, what);
        assert.deepEqual(streamed.events.toArray(), usual.events.toArray(), what);
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
      assert.deepEqual(untimed(gaveWay.report), untimed(usual.report), name);
      assert.deepEqual(gaveWay.inputs.reports, usual.inputs.reports, name);
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
      assert.deepEqual(untimed(gaveWay.report), untimed(usual.report), name);
      assert.deepEqual(gaveWay.inputs.reports, usual.inputs.reports, name);
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

describe('a spread read while the run goes on: two markets, a thread each', () => {
  const repo = (path: string): string => new URL(`../../${path}`, import.meta.url).pathname;
  const spread = parseBotConfig(
    readConfigFile(repo('examples/drift-kmno-spread.yaml')),
    'drift-kmno-spread.yaml',
  );
  /**
   * Drift's own hourly candles (data/README.md), their two repeated records each included, written as `data
   * download` writes a file (the "candles" array alone: the shipped files' `lastTradeSeen` object after the array
   * miscounts the records by their braces, so those load the usual way, tested below).
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
  ) =>
    loadAndRun({
      config: spread,
      data: data.map(parseFileArg),
      funding: fundingFiles.map(parseFileArg),
      flags: backtestRunFlags(parseBacktestArgs(['--config', 'x', ...args])),
      checkOut: () => {},
      streaming,
    });

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
    ];
    for (const [name, files, args, fundingFiles] of cases) {
      const streamed = await runSpread(files, { minRows: 1000 }, args, fundingFiles);
      const usual = await runSpread(files, false, args, fundingFiles);
      assert.equal(streamed.streamed, true, `${name}: streamed`);
      assert.ok(streamed.report.fills.length > 0, `${name}: a run that trades`);
      assert.deepEqual(untimed(streamed.report), untimed(usual.report), name);
      assert.deepEqual(streamed.inputs.reports, usual.inputs.reports, name);
      assert.deepEqual(streamed.events.toArray(), usual.events.toArray(), name);
    }
  });

  it('gives way to the usual run where one market cannot stream, with the same report', async () => {
    // two records swapped: the usual load sorts them, the streamed one cannot; and the files as shipped, whose
    // `lastTradeSeen` object after the array has a brace the count takes for a record's
    const c = driftCandles;
    const swapped = [...c.slice(0, 1500), c[1501], c[1500], ...c.slice(1502)];
    const cases: [string, string[]][] = [
      ['two records swapped', [`DRIFT-PERP=${candleFile('drift-swapped.json', swapped)}`, kmnoJson]],
      [
        'the files as shipped',
        [
          `DRIFT-PERP=${repo('data/drift/price/drift_1h_90days.json')}`,
          `KMNO-PERP=${repo('data/drift/price/kmno_1h_90days.json')}`,
        ],
      ],
    ];
    for (const [name, data] of cases) {
      const gaveWay = await runSpread(data, { minRows: 1000 });
      const usual = await runSpread(data, false);
      assert.equal(gaveWay.streamed, false, `${name}: not streamed`);
      assert.ok(usual.report.fills.length > 0, `${name}: a run that trades`);
      assert.deepEqual(untimed(gaveWay.report), untimed(usual.report), name);
      assert.deepEqual(gaveWay.inputs.reports, usual.inputs.reports, name);
    }
  });
});

describe('Drift candle JSON read while the run goes on', () => {
  const candles = generateCandles(2880, { seed: 9, startPrice: 150 });
  /** A Drift export's record: prices as text, a zero volume now and then (its oracle then not observed). */
  const record = (c: (typeof candles)[number], i: number, extra = ''): string =>
    JSON.stringify({
      start: String(c.ts),
      fillOpen: String(c.open),
      fillClose: String(c.close),
      fillHigh: String(c.high),
      fillLow: String(c.low),
      oracleOpen: String(c.open),
      oracleClose: String(c.close),
      oracleHigh: String(c.high),
      oracleLow: String(c.low),
      quoteVolume: String(c.volume * c.close),
      baseVolume: i % 7 === 3 ? '0' : String(c.volume),
      resolution: '1',
    }).replace(/}$/, `${extra}}`);
  const json = (name: string, records: string[], tail = ''): string =>
    file(name, [`{\n  "candles": [\n    ${records.join(',\n    ')}\n  ]${tail}\n}\n`]);

  it('gives the report, the load and the events the usual run gives, estimated oracles counted', async () => {
    const path = json(
      'drift.json',
      candles.map((c, i) => record(c, i)),
      ',\n  "beyondMaxLookback": false',
    );
    const streamed = await run(path, { minRows: 1000 });
    const usual = await run(path, false);
    assert.equal(streamed.streamed, true, 'streamed');
    assert.ok(streamed.report.fills.length > 0, 'a run that trades');
    assert.ok(
      (streamed.report.summary.oracleEstimatedBars?.['SOL-PERP'] ?? 0) > 0,
      'estimated oracles noted',
    );
    assert.deepEqual(untimed(streamed.report), untimed(usual.report));
    assert.deepEqual(streamed.inputs.reports, usual.inputs.reports);
    assert.deepEqual(streamed.events.toArray(), usual.events.toArray());
    // and a window of it, its estimated oracles counted in the window alone
    const window = ['--from', String(candles[400].ts), '--to', String(candles[1800].ts)];
    const inWindow = await run(path, { minRows: 1000 }, window);
    const usualWindow = await run(path, false, window);
    assert.equal(inWindow.streamed, true, 'a window streamed');
    assert.ok(
      (inWindow.report.summary.oracleEstimatedBars?.['SOL-PERP'] ?? 0) <
        (streamed.report.summary.oracleEstimatedBars?.['SOL-PERP'] ?? 0),
      'fewer estimated oracles in the window',
    );
    assert.deepEqual(untimed(inWindow.report), untimed(usualWindow.report), 'a window');
    assert.deepEqual(inWindow.events.toArray(), usualWindow.events.toArray(), 'a window');
  });

  it('reads a file whose chunk edges repeat a record (as Drift exports and data download write them)', async () => {
    const records = candles.map((c, i) => record(c, i));
    // windows of 100 records, each window's last record again at the next one's start; and the last record twice
    const edges = (rs: string[]): string[] =>
      rs.flatMap((r, i) => (i > 0 && i % 100 === 0 ? [rs[i - 1] as string, r] : [r]));
    const cases: [string, string[]][] = [
      ['chunk edges', edges(records)],
      ['chunk edges and the last record twice', [...edges(records), records.at(-1) as string]],
      ['the first record twice', [records[0] as string, ...records]],
    ];
    for (const [name, rs] of cases) {
      const path = json(`${name}.json`, rs);
      const streamed = await run(path, { minRows: 1000 });
      const usual = await run(path, false);
      assert.equal(streamed.streamed, true, `${name}: streamed`);
      assert.ok((usual.inputs.reports[0]?.duplicatesDropped ?? 0) > 0, `${name}: repeats dropped`);
      assert.deepEqual(untimed(streamed.report), untimed(usual.report), name);
      assert.deepEqual(streamed.inputs.reports, usual.inputs.reports, name);
      assert.deepEqual(streamed.events.toArray(), usual.events.toArray(), name);
    }
    // a repeat whose bytes differ (the same numbers written otherwise) is not counted ahead, so the run gives way;
    // so does a record at the same time with other prices (the later one supersedes it in the usual load)
    const respaced = (r: string): string => r.replace('"start":', '"start" :');
    const repriced = (c: (typeof candles)[number]): string =>
      record({ ...c, open: c.open * 1.01, high: c.high * 1.01, low: c.low * 1.01, close: c.close * 1.01 }, 1);
    const givingWay: [string, string[]][] = [
      [
        'a repeat in other bytes',
        [...records.slice(0, 500), respaced(records[499] as string), ...records.slice(500)],
      ],
      [
        'a superseding record',
        [...records.slice(0, 500), repriced(candles[499] as (typeof candles)[number]), ...records.slice(500)],
      ],
    ];
    for (const [name, rs] of givingWay) {
      const path = json(`${name}.json`, rs);
      const gaveWay = await run(path, { minRows: 1000 });
      const usual = await run(path, false);
      assert.equal(gaveWay.streamed, false, `${name}: not streamed`);
      assert.deepEqual(untimed(gaveWay.report), untimed(usual.report), name);
      assert.deepEqual(gaveWay.inputs.reports, usual.inputs.reports, name);
    }
  });

  it('gives way to the usual run where the file is not as the run assumed, with the same report', async () => {
    const records = candles.map((c, i) => record(c, i));
    // [name, file, whether the streamed run stood]
    const cases: [string, string, boolean][] = [
      // a record repeated byte for byte is counted ahead and dropped, as the usual load drops it: it streams
      ['a repeated record', json('repeat.json', [...records.slice(0, 1500), ...records.slice(1499)]), true],
      [
        'a step back',
        json('back.json', [...records.slice(0, 2000), records[2001], records[2000], ...records.slice(2002)]),
        false,
      ],
      ['a "start" key elsewhere', json('key.json', records, ',\n  "lastTradeSeen": {"start": "0"}'), false],
      [
        'a record with a nested object',
        json('nested.json', [
          ...records.slice(0, 10),
          record(candles[10], 10, ',"x":{"y":[1]}'),
          ...records.slice(11),
        ]),
        // the records are counted by their braces: one more miscounts them
        false,
      ],
      [
        'a record with a nested array and an escape',
        json('array.json', [
          ...records.slice(0, 10),
          record(candles[10], 10, ',"x":[1,[2]],"note":"a \\"quoted\\" word"'),
          ...records.slice(11),
        ]),
        // the byte reader (data/drift-record-scan.ts) leaves that piece to JSON.parse, which reads it: nothing to
        // give way for
        true,
      ],
    ];
    for (const [name, path, stood] of cases) {
      const streamed = await run(path, { minRows: 1000 });
      const usual = await run(path, false);
      assert.equal(streamed.streamed, stood, `${name}: streamed`);
      assert.ok(streamed.report.fills.length > 0, `${name}: a run that trades`);
      assert.deepEqual(untimed(streamed.report), untimed(usual.report), name);
      assert.deepEqual(streamed.inputs.reports, usual.inputs.reports, name);
    }
  });
});
