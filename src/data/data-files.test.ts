/**
 * Every file in data/ (the repository's copy of the workplace's shared real data, see data/README.md) through
 * every loader that reads it: row counts, ranges and the quirks its README lists. The files are read, never
 * modified, and each must have the digest the original had when it was copied (data/SHA256SUMS).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadMarketFile } from './detect.ts';
import { loadDriftCandles } from './drift-candles.ts';
import { loadDriftFunding } from './drift-funding.ts';
import { loadGenericOhlcv } from './generic-ohlcv.ts';
import { mergeMarketEvents } from './merge.ts';
import type { Candle, LoadReport } from './types.ts';

const DATA = new URL('../../data/', import.meta.url);
const path = (p: string): string => fileURLToPath(new URL(p, DATA));
const iso = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;

function assertAccounting(report: LoadReport, kept: number): void {
  // Nothing vanishes unexplained: every raw row is kept, dropped as a duplicate or superseded.
  assert.equal(kept, report.rows - report.duplicatesDropped - report.superseded.length);
}

function assertSortedUnique(items: { ts: number }[]): void {
  for (let i = 1; i < items.length; i++) assert.ok(items[i].ts > items[i - 1].ts, `not increasing at ${i}`);
}

const FILES = [
  'binance/SOLUSDT-spot-1m-2025-03.csv',
  'drift/funding/drift-perp.json',
  'drift/funding/kmno-perp.json',
  'drift/price/drift_15m_90days.json',
  'drift/price/drift_1h_90days.json',
  'drift/price/kmno_15m_90days.json',
  'drift/price/kmno_1h_90days.json',
];

describe('data directory', () => {
  it('holds the files its README lists', () => {
    assert.deepEqual(readdirSync(path('drift/price')).sort(), [
      'drift_15m_90days.json',
      'drift_1h_90days.json',
      'kmno_15m_90days.json',
      'kmno_1h_90days.json',
    ]);
    assert.deepEqual(readdirSync(path('drift/funding')).sort(), ['drift-perp.json', 'kmno-perp.json']);
    assert.deepEqual(readdirSync(path('binance')), ['SOLUSDT-spot-1m-2025-03.csv']);
  });

  it('is byte for byte the original: every file has the digest data/SHA256SUMS recorded from it', () => {
    const sums = new Map(
      readFileSync(path('SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const [digest, file] = line.split(/\s+/);
          return [file, digest] as const;
        }),
    );
    assert.deepEqual([...sums.keys()].sort(), [...FILES].sort(), 'SHA256SUMS lists exactly the data files');
    for (const f of FILES) {
      const digest = createHash('sha256')
        .update(readFileSync(path(f)))
        .digest('hex');
      assert.equal(digest, sums.get(f), `${f} differs from the original it was copied from`);
    }
  });
});

describe('Drift 1h candles', () => {
  for (const name of ['drift', 'kmno']) {
    it(`${name}_1h: 2,149 raw rows, 2 exact repeats dropped, 2,147 hourly bars without gaps`, async () => {
      const loaded = await loadDriftCandles(path(`drift/price/${name}_1h_90days.json`));
      const candles = loaded.bars.toCandles();
      const report = loaded.report;
      assert.equal(report.format, 'drift-candles-json');
      assert.equal(report.rows, 2149);
      assert.equal(report.duplicatesDropped, 2);
      assert.deepEqual(report.superseded, []);
      assert.equal(report.outOfOrder, 2);
      assert.equal(candles.length, 2147);
      assertAccounting(report, candles.length);
      assertSortedUnique(candles);
      assert.equal(report.intervalMs, HOUR);
      assert.deepEqual(report.gaps, []);
      assert.equal(iso(report.firstTs), '2025-02-16T21:00:00.000Z');
      assert.equal(iso(report.lastTs), '2025-05-17T07:00:00.000Z');
      assert.equal(candles[0].ts, report.firstTs);
      assert.equal(candles.at(-1)!.ts, report.lastTs);
    });
  }

  it('flags zero-volume DRIFT hours as stale oracle (about 23%); each repeats the previous oracle close', async () => {
    const loaded = await loadDriftCandles(path('drift/price/drift_1h_90days.json'));
    const candles = loaded.bars.toCandles();
    const report = loaded.report;
    const stale = candles.filter((c) => c.oracleStale);
    assert.equal(stale.length, 493);
    assert.ok(Math.abs(stale.length / candles.length - 0.23) < 0.01);
    assert.ok(stale.every((c) => c.volume === 0));
    assert.ok(candles.filter((c) => !c.oracleStale).every((c) => c.volume > 0 && c.oracleStale === false));
    for (let i = 1; i < candles.length; i++) {
      const c = candles[i];
      if (!c.oracleStale) continue;
      const prev = candles[i - 1].oracleClose;
      assert.deepEqual([c.oracleOpen, c.oracleHigh, c.oracleLow, c.oracleClose], [prev, prev, prev, prev]);
    }
    assert.equal(report.staleOracle.length, 298);
    assert.equal(
      report.staleOracle.reduce((n, r) => n + r.bars, 0),
      493,
    );
  });

  it('finds KMNO stale about 63% of hours and its one 25-hour flat stretch first', async () => {
    const loaded = await loadDriftCandles(path('drift/price/kmno_1h_90days.json'));
    const candles = loaded.bars.toCandles();
    const report = loaded.report;
    const stale = candles.filter((c) => c.oracleStale).length;
    assert.equal(stale, 1360);
    assert.ok(Math.abs(stale / candles.length - 0.63) < 0.01);
    const [longest, second] = report.staleOracle;
    assert.deepEqual(longest, {
      from: Date.parse('2025-03-18T05:00:00Z'),
      to: Date.parse('2025-03-19T06:00:00Z'),
      bars: 25,
    });
    assert.ok(second.bars < 25);
    for (let i = 1; i < report.staleOracle.length; i++) {
      assert.ok(report.staleOracle[i].bars <= report.staleOracle[i - 1].bars, 'longest first');
    }
    const run = candles.filter((c) => c.ts >= longest.from && c.ts < longest.to);
    assert.equal(run.length, 25);
    assert.ok(run.every((c) => c.oracleStale && c.oracleClose === run[0].oracleClose));
  });
});

describe('Drift 15m candles', () => {
  it('drift_15m: 8,613 rows, 12 exact repeats, 4 superseded pairs, 12 places where time did not advance', async () => {
    const file = path('drift/price/drift_15m_90days.json');
    const loaded = await loadDriftCandles(file);
    const candles = loaded.bars.toCandles();
    const report = loaded.report;
    assert.equal(report.rows, 8613);
    assert.equal(report.duplicatesDropped, 12);
    assert.equal(report.outOfOrder, 12);
    assert.equal(candles.length, 8597);
    assertAccounting(report, candles.length);
    assertSortedUnique(candles);
    assert.equal(report.intervalMs, 15 * 60_000);
    assert.deepEqual(report.gaps, []);
    assert.equal(iso(report.firstTs), '2025-02-16T21:15:00.000Z');
    assert.equal(iso(report.lastTs), '2025-05-17T10:15:00.000Z');

    assert.deepEqual(
      report.superseded.map((s) => iso(s.ts)),
      [
        '2025-03-09T17:15:00.000Z',
        '2025-03-09T17:30:00.000Z',
        '2025-03-30T13:30:00.000Z',
        '2025-04-30T19:15:00.000Z',
      ],
    );
    // The reported line is the dropped (earlier, unfinished) record: its "start" sits on the next line and it
    // had no volume.
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const s of report.superseded) {
      assert.match(lines[s.line - 1], /^\s*\{\s*$/);
      assert.match(lines[s.line], new RegExp(`"start": "${s.ts}"`));
      assert.match(lines.slice(s.line, s.line + 13).join('\n'), /"baseVolume": "0\.000000000"/);
    }
    // The later, finished record won.
    const at = (t: string): Candle => candles.find((c) => c.ts === Date.parse(t))!;
    assert.deepEqual(
      ['2025-03-09T17:15:00Z', '2025-03-09T17:30:00Z', '2025-03-30T13:30:00Z', '2025-04-30T19:15:00Z'].map(
        (t) => {
          const c = at(t);
          return [c.volume, c.close, c.oracleStale];
        },
      ),
      [
        [3450, 0.6006, false],
        [124, 0.599088, false],
        [5000, 0.58, false],
        [2738, 0.796805, false],
      ],
    );
  });

  it('kmno_15m: 16 exact repeats and nothing superseded', async () => {
    const loaded = await loadDriftCandles(path('drift/price/kmno_15m_90days.json'));
    const candles = loaded.bars.toCandles();
    const report = loaded.report;
    assert.equal(report.rows, 8613);
    assert.equal(report.duplicatesDropped, 16);
    assert.deepEqual(report.superseded, []);
    assert.equal(report.outOfOrder, 12);
    assert.equal(candles.length, 8597);
    assertAccounting(report, candles.length);
    assertSortedUnique(candles);
    assert.deepEqual(report.gaps, []);
    assert.equal(report.staleOracle[0].bars, 103);
  });
});

describe('Drift funding', () => {
  it('drift-perp: 719 hourly records in Drift precisions, one missing hour reported', async () => {
    const { records, report } = await loadDriftFunding(path('drift/funding/drift-perp.json'));
    assert.equal(report.format, 'drift-funding-json');
    assert.equal(report.rows, 719);
    assert.equal(records.length, 719);
    assert.equal(report.duplicatesDropped, 0);
    assert.equal(report.intervalMs, 0);
    assertSortedUnique(records);
    assert.equal(iso(report.firstTs), '2025-04-21T06:00:22.000Z');
    assert.equal(iso(report.lastTs), '2025-05-21T05:00:22.000Z');
    const first = records[0];
    assert.equal(first.ts, 1_745_215_222 * 1000);
    assert.equal(first.ratePerBase, -2875n);
    assert.equal(first.oracleTwap, 0.500291);
    assert.equal(first.markTwap, 0.500122);
    assert.equal(first.periodHours, 1);
    // The README's worked example: −2875 at a TWAP of 500291 is −0.000575% for the hour.
    assert.equal((first.rateFraction * 100).toFixed(6), '-0.000575');
    assert.ok(records.every((r) => r.periodHours === 1 && typeof r.ratePerBase === 'bigint'));
    assert.deepEqual(report.gaps, [
      { from: Date.parse('2025-04-30T05:00:24Z'), to: Date.parse('2025-04-30T07:00:23Z'), missingBars: 1 },
    ]);
  });

  it('kmno-perp: 719 records; funding overlaps the candles from 2025-04-21 to 2025-05-17', async () => {
    const { records, report } = await loadDriftFunding(path('drift/funding/kmno-perp.json'));
    assert.equal(records.length, 719);
    assert.equal(iso(report.firstTs), '2025-04-21T07:01:09.000Z');
    assert.equal(records[0].ratePerBase, 250n);
    const candles = (await loadDriftCandles(path('drift/price/kmno_1h_90days.json'))).bars.toCandles();
    const from = Math.max(report.firstTs, candles[0].ts);
    const to = Math.min(report.lastTs, candles.at(-1)!.ts + HOUR);
    assert.equal(iso(from).slice(0, 10), '2025-04-21');
    assert.equal(iso(to).slice(0, 10), '2025-05-17');
    assert.ok(to - from > 26 * 24 * HOUR && to - from < 27 * 24 * HOUR);
    const inside = records.filter((r) => r.ts >= from && r.ts < to);
    // About one settlement per overlapping hour (one hour of the export is missing).
    assert.ok(Math.abs(inside.length - (to - from) / HOUR) <= 2, `${inside.length}`);
    // The funding file runs 30 days, four of them past the last candle.
    assert.ok(report.lastTs - report.firstTs > 29.9 * 24 * HOUR);
  });
});

describe('Binance SOL spot 1m (generic OHLCV CSV)', () => {
  it('holds 44,640 one-minute bars from 2025-03-01 03:00 to 2025-04-01 02:59 with no gaps', async () => {
    const loaded = await loadGenericOhlcv(path('binance/SOLUSDT-spot-1m-2025-03.csv'));
    const candles = loaded.bars.toCandles();
    const report = loaded.report;
    assert.equal(report.format, 'generic-ohlcv-csv');
    assert.equal(report.rows, 44_640);
    assert.equal(candles.length, 44_640);
    assert.equal(report.duplicatesDropped, 0);
    assert.deepEqual(report.superseded, []);
    assert.equal(report.outOfOrder, 0);
    assert.equal(report.intervalMs, 60_000);
    assert.deepEqual(report.gaps, []);
    assert.deepEqual(report.staleOracle, []);
    assert.equal(iso(report.firstTs), '2025-03-01T03:00:00.000Z');
    assert.equal(iso(report.lastTs), '2025-04-01T02:59:00.000Z');
    assert.deepEqual(candles[0], {
      ts: Date.parse('2025-03-01T03:00:00Z'),
      open: 147.25,
      high: 147.36,
      low: 147.21,
      close: 147.33,
      volume: 2450.688,
    });
    assert.equal(candles.at(-1)!.close, 126.24);
  });
});

describe('loadMarketFile on every data file', () => {
  const expected: [string, 'candles' | 'funding', string, number][] = [
    ['drift/price/drift_1h_90days.json', 'candles', 'drift-candles-json', 2147],
    ['drift/price/kmno_1h_90days.json', 'candles', 'drift-candles-json', 2147],
    ['drift/price/drift_15m_90days.json', 'candles', 'drift-candles-json', 8597],
    ['drift/price/kmno_15m_90days.json', 'candles', 'drift-candles-json', 8597],
    ['drift/funding/drift-perp.json', 'funding', 'drift-funding-json', 719],
    ['drift/funding/kmno-perp.json', 'funding', 'drift-funding-json', 719],
    ['binance/SOLUSDT-spot-1m-2025-03.csv', 'candles', 'generic-ohlcv-csv', 44_640],
  ];
  for (const [file, kind, format, n] of expected) {
    it(`detects ${file} as ${format}`, async () => {
      const r = await loadMarketFile(path(file));
      assert.equal(r.kind, kind);
      assert.equal(r.report.format, format);
      assert.equal(r.report.file, path(file));
      assert.equal(r.kind === 'candles' ? r.bars.toCandles().length : r.records.length, n);
    });
  }

  it('merges the DRIFT/KMNO candles and funding into one ordered stream', async () => {
    const [dc, kc, df, kf] = await Promise.all([
      loadDriftCandles(path('drift/price/drift_1h_90days.json')),
      loadDriftCandles(path('drift/price/kmno_1h_90days.json')),
      loadDriftFunding(path('drift/funding/drift-perp.json')),
      loadDriftFunding(path('drift/funding/kmno-perp.json')),
    ]);
    const events = mergeMarketEvents([
      { market: 'KMNO-PERP', candles: kc.bars.toCandles(), funding: kf.records },
      { market: 'DRIFT-PERP', candles: dc.bars.toCandles(), funding: df.records },
    ]);
    assert.equal(events.length, 2147 * 2 + 719 * 2);
    assert.equal(events[0].type, 'bar');
    assert.equal(events[0].market, 'DRIFT-PERP');
    assert.equal(events[1].market, 'KMNO-PERP');
  });
});
