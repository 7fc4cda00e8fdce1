import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadMarketFile } from '../index.ts';
import type { Candle } from '../types.ts';
import { downloadBinance } from './binance-download.ts';
import { downloadDriftCandles, downloadDriftFunding } from './drift-download.ts';
import { type Recorded, startRecordedServer } from './test-support/recorded-server.ts';

const root = new URL('../../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'zp-dl-'));
let server: Recorded;
before(async () => {
  server = await startRecordedServer();
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function candles(file: string): Promise<Candle[]> {
  const l = await loadMarketFile(file);
  assert.equal(l.kind, 'candles');
  return l.kind === 'candles' ? l.bars.toCandles() : [];
}

const FROM = Date.parse('2025-03-01T00:00:00Z');
const TO = Date.parse('2025-04-15T00:00:00Z');

describe('Drift downloads (recorded public responses)', () => {
  it('fetches 15-minute candles in 2,000-candle windows; the file loads as the shipped one does', async () => {
    server.hits.length = 0;
    const r = await downloadDriftCandles({
      base: server.url,
      market: 'DRIFT-PERP',
      marketIndex: 30,
      resolution: '15',
      from: FROM,
      to: TO,
      out: join(tmp, 'drift'),
    });
    assert.equal(r.requests, 3, '45 days of 15-minute candles = 3 windows of 2,000');
    assert.match(
      server.hits[0],
      /^\/tv\/history\?marketIndex=30&marketType=perp&resolution=15&from=\d+&to=\d+$/,
    );
    const got = await candles(r.file);
    const shipped = (await candles(`${root}data/drift/price/drift_15m_90days.json`)).filter(
      (c) => c.ts >= FROM && c.ts <= TO,
    );
    assert.equal(got.length, shipped.length);
    assert.deepEqual(got, shipped, 'same candles, same oracle fields, same quirks handled');
    assert.ok(r.report.duplicatesDropped >= 2, 'window edges repeat a candle, as in the shipped export');
  });

  it('resumes after an outage: windows already fetched are not asked again', async () => {
    const out = join(tmp, 'drift-resume');
    server.hits.length = 0;
    server.failAfter = 1;
    await assert.rejects(
      downloadDriftCandles({
        base: server.url,
        market: 'DRIFT-PERP',
        marketIndex: 30,
        resolution: '15',
        from: FROM,
        to: TO,
        out,
        backoffMs: 0,
      }),
      /failed after 4 tries \(HTTP 500\); run the same command again to resume/,
    );
    server.failAfter = Number.POSITIVE_INFINITY;
    server.hits.length = 0;
    const r = await downloadDriftCandles({
      base: server.url,
      market: 'DRIFT-PERP',
      marketIndex: 30,
      resolution: '15',
      from: FROM,
      to: TO,
      out,
    });
    assert.equal(r.reused, 1);
    assert.equal(r.requests, 2);
    assert.equal(server.hits.length, 2);
    assert.equal(
      (await candles(r.file)).length,
      (
        await candles(
          join(tmp, 'drift', readdirSync(join(tmp, 'drift')).find((f) => f.endsWith('.json')) as string),
        )
      ).length,
    );
  });

  it('fetches the funding records and validates them with the funding loader', async () => {
    const r = await downloadDriftFunding({ base: server.url, market: 'DRIFT-PERP', out: join(tmp, 'drift') });
    assert.equal(r.report.format, 'drift-funding-json');
    assert.equal(r.report.rows, 719);
  });
});

describe('Binance downloads (recorded public monthly dumps)', () => {
  it('fetches monthly kline zips, checks their sha256, unpacks CSVs that load as the shipped minutes', async () => {
    const out = join(tmp, 'binance');
    const files = await downloadBinance({
      base: server.url,
      kind: 'klines',
      symbol: 'SOLUSDT',
      interval: '1m',
      fromMonth: '2025-03',
      toMonth: '2025-04',
      out,
    });
    assert.deepEqual(
      files.map((f) => f.file.split('/').pop()),
      ['SOLUSDT-1m-2025-03.csv', 'SOLUSDT-1m-2025-04.csv'],
    );
    assert.equal(files[0].report.format, 'binance-klines-csv');
    const got = [...(await candles(files[0].file)), ...(await candles(files[1].file))];
    const shipped = await candles(`${root}data/binance/SOLUSDT-spot-1m-2025-03.csv`);
    assert.equal(got.length, 44_640);
    assert.deepEqual(
      got.map((c) => [c.ts, c.open, c.high, c.low, c.close, c.volume]),
      shipped.map((c) => [c.ts, c.open, c.high, c.low, c.close, c.volume]),
    );
    // a second run finds both months there and asks for nothing
    server.hits.length = 0;
    const again = await downloadBinance({
      base: server.url,
      kind: 'klines',
      symbol: 'SOLUSDT',
      interval: '1m',
      fromMonth: '2025-03',
      toMonth: '2025-04',
      out,
    });
    assert.equal(server.hits.length, 0);
    assert.deepEqual(
      again.map((f) => f.reused),
      [1, 1],
    );
  });

  it('fetches funding dumps and reads them with the funding loader', async () => {
    const files = await downloadBinance({
      base: server.url,
      kind: 'funding',
      symbol: 'DRIFTUSDT',
      fromMonth: '2025-04',
      toMonth: '2025-05',
      out: join(tmp, 'binance-funding'),
    });
    assert.equal(files[0].report.format, 'binance-funding-csv');
    assert.equal(files[0].report.rows + files[1].report.rows, 719);
  });

  it('refuses a zip whose checksum does not match, and keeps nothing of it', async () => {
    const out = join(tmp, 'bad');
    server.badChecksum = true;
    try {
      await assert.rejects(
        downloadBinance({
          base: server.url,
          kind: 'klines',
          symbol: 'SOLUSDT',
          interval: '1m',
          fromMonth: '2025-04',
          toMonth: '2025-04',
          out,
        }),
        /checksum mismatch/,
      );
    } finally {
      server.badChecksum = false;
    }
    assert.deepEqual(readdirSync(out), []);
  });

  it('says which month is missing on the server', async () => {
    await assert.rejects(
      downloadBinance({
        base: server.url,
        kind: 'klines',
        symbol: 'SOLUSDT',
        interval: '1m',
        fromMonth: '2025-05',
        toMonth: '2025-05',
        out: join(tmp, 'x'),
      }),
      /SOLUSDT-1m-2025-05\.zip: not found on the server \(404\)/,
    );
  });

  it('the CLI downloads and reports what it wrote', async () => {
    // not spawnSync: the recorded server lives in this process and must keep answering
    const run = async (args: string[]) => {
      try {
        const r = await promisify(execFile)(process.execPath, [join(root, 'bin/zero-perps.js'), ...args]);
        return { status: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { status: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const out = join(tmp, 'cli');
    const r = await run([
      'data',
      'download',
      'binance',
      'klines',
      '--symbol',
      'solusdt',
      '--from',
      '2025-04',
      '--to',
      '2025-04',
      '--out',
      out,
      '--base-url',
      server.url,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /SOLUSDT-1m-2025-04\.csv: binance-klines-csv, 180 rows, 2025-04-01T00:00 → 2025-04-01T02:59; 2 requests, 0 reused/,
    );
    assert.ok(existsSync(join(out, 'SOLUSDT-1m-2025-04.csv')));
    const bad = await run(['data', 'download', 'drift', 'candles', '--market', 'NOPE-PERP']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--market/);
  });
});
