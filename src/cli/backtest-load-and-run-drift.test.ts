import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { generateCandles } from '../data/index.ts';
import type { LoadAndRun } from './backtest-load-and-run.ts';
import { assertSameRun, runOn, scratchFiles } from './test-support/load-and-run.ts';

const file = scratchFiles('zp-streamed-drift-');

const config = parseBotConfig(
  readConfigFile(new URL('../../examples/sol-grid.yaml', import.meta.url).pathname),
  'sol-grid.yaml',
);
const run = (path: string, streaming: LoadAndRun['streaming'], args: string[] = []) =>
  runOn(config, path, streaming, args);

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
    assertSameRun(streamed, usual, 'the whole file');
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
    assertSameRun(inWindow, usualWindow, 'a window');
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
      assertSameRun(streamed, usual, name);
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
      assertSameRun(gaveWay, usual, name);
    }
  });

  it('reads a market in files that each begin with the record the file before ended with (months)', async () => {
    const records = candles.map((c, i) => record(c, i));
    // three "months": each file after the first begins with the file before's last record, byte for byte
    const months = (rs: string[], name: string): string[] => [
      json(`${name}-1.json`, rs.slice(0, 1000)),
      json(`${name}-2.json`, rs.slice(999, 2000)),
      json(`${name}-3.json`, rs.slice(1999)),
    ];
    const cases: [string, string[], boolean][] = [
      ['months', months(records, 'months'), true],
      // the shared record twice at a file's start: the file's own repeat, counted in its report
      [
        'months, a repeat at a file start',
        months([...records.slice(0, 1000), ...records.slice(999)], 'twice'),
        true,
      ],
      // the next file's first record at the same time with other prices: the usual merge keeps the later one
      [
        'months, the shared time repriced',
        [
          json('repriced-1.json', records.slice(0, 1000)),
          json('repriced-2.json', [
            record({ ...(candles[999] as (typeof candles)[number]), close: candles[999]?.low ?? 0 }, 999),
            ...records.slice(1000),
          ]),
        ],
        false,
      ],
    ];
    for (const [name, paths, streams] of cases) {
      const streamed = await runOn(config, paths, { minRows: 1000 });
      const usual = await runOn(config, paths, false);
      assert.equal(streamed.streamed, streams, `${name}: streamed`);
      assert.ok(usual.report.fills.length > 0, `${name}: a run that trades`);
      assertSameRun(streamed, usual, name);
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
      // a member after the array (Drift's API answers with `lastTradeSeen` there): its brace follows a colon and
      // ends the count, and the piece reader reads past it as JSON.parse does
      [
        'a "start" key in a member after the array',
        json('key.json', records, ',\n  "lastTradeSeen": {"start": "0"}'),
        true,
      ],
      [
        'members after the array as Drift answers',
        json(
          'api.json',
          records,
          ',\n  "lastTradeSeen": {\n    "ts": "1747465206",\n    "fillerReward": null\n  },\n  "beyondMaxLookback": false',
        ),
        true,
      ],
      [
        'a string holding a brace after the array',
        json('brace.json', records, ',\n  "note": "a { brace"'),
        false,
      ],
      [
        'a record with a nested object',
        json('nested.json', [
          ...records.slice(0, 10),
          record(candles[10], 10, ',"x":{"y":[1]}'),
          ...records.slice(11),
        ]),
        // the nested object's brace follows a colon: the count ends there, too few rows
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
      assertSameRun(streamed, usual, name);
    }
  });
});
