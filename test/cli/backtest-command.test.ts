import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'zp-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/zero-perps.js'), 'backtest', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DEBUG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

const sol = join(root, 'data/binance/SOLUSDT-spot-1m-2025-03.csv');
const grid = join(root, 'examples/sol-grid.yaml');

function config(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** A bad input: non-zero exit and exactly one line saying what is wrong. */
function expectOneLine(r: ReturnType<typeof run>, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `expected failure, got success: ${r.stdout}`);
  assert.equal(r.stderr.split('\n').length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

describe('zero-perps backtest', () => {
  it('writes report.json and report.html for an example config', () => {
    const out = join(tmp, 'ok');
    const r = run(
      '--config',
      grid,
      '--data',
      sol,
      '--out',
      out,
      '--from',
      '2025-03-10',
      '--to',
      '2025-03-12',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sol-grid: 2881 bars/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.summary.bars, 2881);
    assert.deepEqual(Object.keys(report), ['summary', 'fills', 'daily'], 'no per-bar timeline by default');
    assert.ok(existsSync(join(out, 'report.html')));

    // --timeline adds the per-bar rows and changes nothing else (but the wall-clock figures).
    const full = join(tmp, 'ok-timeline');
    const again = run(
      '--config',
      grid,
      '--data',
      sol,
      '--out',
      full,
      '--from',
      '2025-03-10',
      '--to',
      '2025-03-12',
      '--timeline',
    );
    assert.equal(again.code, 0, again.stderr);
    const withRows = JSON.parse(readFileSync(join(full, 'report.json'), 'utf8'));
    assert.equal(withRows.timeline.length, 2881);
    assert.ok(withRows.timeline[0].ts >= Date.parse('2025-03-10T00:00:00Z'));
    const { timeline: _rows, ...rest } = withRows;
    for (const r of [rest, report]) {
      delete r.summary.wallSeconds;
      delete r.summary.barsPerSecond;
    }
    assert.deepEqual(rest, report);
  });

  it('runs the spread example on the shipped Drift candles and funding, with per-leg fields', () => {
    const shared = join(root, 'data/drift');
    const out = join(tmp, 'spread');
    const r = run(
      '--config',
      join(root, 'examples/drift-kmno-spread.yaml'),
      '--data',
      `DRIFT-PERP=${join(shared, 'price/drift_1h_90days.json')}`,
      '--data',
      `KMNO-PERP=${join(shared, 'price/kmno_1h_90days.json')}`,
      '--funding',
      `DRIFT-PERP=${join(shared, 'funding/drift-perp.json')}`,
      '--funding',
      `KMNO-PERP=${join(shared, 'funding/kmno-perp.json')}`,
      '--out',
      out,
      '--timeline',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /note: .*kmno_1h_90days\.json: 2 duplicate rows dropped, 1360 bars whose oracle was not observed \(the bar's price is the estimate\)/,
    );
    // The liquidity check's refusals are counted in the report and said on the summary line.
    assert.match(r.stdout, /legs refused before sending: \d+ over the visible depth, \d+ without a book/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.summary.bars, 2147);
    assert.ok(report.summary.takerFills > 0);
    assert.deepEqual(Object.keys(report.timeline[0].legs).sort(), ['DRIFT-PERP', 'KMNO-PERP']);
    assert.ok(existsSync(join(out, 'report.html')));
  });

  it('fails on a missing data file', () => {
    expectOneLine(run('--config', grid, '--data', join(tmp, 'nope.csv')), /nope\.csv/);
  });

  it('fails on a file in no known format', () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 'hello,world\n1,2\n');
    expectOneLine(run('--config', grid, '--data', bad), /bad\.csv/);
  });

  it('fails on an unknown config key, naming it', () => {
    const c = config(
      'unknown.yaml',
      'name: a\nstrategy: grid\nmarket: SOL-PERP\ncollateral: 100\nlevrage: 3\n',
    );
    expectOneLine(run('--config', c, '--data', sol), /levrage: unknown field/);
  });

  it('fails on an out-of-range value, naming the field and the range', () => {
    const c = config(
      'range.yaml',
      'name: a\nstrategy: grid\nmarket: SOL-PERP\ncollateral: 100\ngrid: {levels: 500}\n',
    );
    expectOneLine(run('--config', c, '--data', sol), /grid\.levels: .*1 and 200/);
  });

  it('fails when --from is after --to', () => {
    expectOneLine(
      run('--config', grid, '--data', sol, '--from', '2025-03-20', '--to', '2025-03-10'),
      /--from .* must be before --to/,
    );
  });

  it('fails on data for a market the config does not trade', () => {
    expectOneLine(run('--config', grid, '--data', `KMNO-PERP=${sol}`), /does not trade KMNO-PERP/);
  });

  it('fails on an unknown flag and on a missing --config', () => {
    const r = run('--config', grid, '--data', sol, '--bogus');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bogus/);
    expectOneLine(run('--data', sol), /--config is required/);
  });
});
