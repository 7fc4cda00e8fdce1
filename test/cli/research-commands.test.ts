import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'zp-research-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sol = join(root, 'data/binance/SOLUSDT-spot-1m-2025-03.csv');
const grid = join(root, 'examples/sol-grid.yaml');
const window = ['--from', '2025-03-10', '--to', '2025-03-12'];

async function run(...args: string[]) {
  try {
    const r = await promisify(execFile)(process.execPath, [join(root, 'bin/zero-perps.js'), ...args], {
      cwd: tmp,
      env: { ...process.env, DEBUG: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr.trim() };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr.trim() };
  }
}

describe('research commands, as a user runs them', () => {
  it('each backtest keeps its own run folder; latest points at the newest; compare shows them side by side', async () => {
    const a = await run('backtest', '--config', grid, '--data', sol, ...window);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /return -?\d+\.\d+% \(buy & hold -?\d+\.\d+%\), max drawdown \d+\.\d+%, Sharpe/);
    const b = await run('backtest', '--config', grid, '--data', sol, ...window, '--fill-model', 'queue');
    assert.equal(b.code, 0, b.stderr);
    const botDir = join(tmp, 'out/sol-grid');
    const runs = readdirSync(botDir).filter((f) => f !== 'latest');
    assert.equal(runs.length, 2, 'the second run did not overwrite the first');
    assert.equal(readlinkSync(join(botDir, 'latest')), runs.sort()[1]);
    for (const r of runs) {
      for (const f of ['report.json', 'report.html', 'run.json'])
        assert.ok(existsSync(join(botDir, r, f)), f);
    }
    const meta = JSON.parse(readFileSync(join(botDir, runs[1], 'run.json'), 'utf8'));
    assert.equal(meta.options.fillModel, 'queue');
    const c = await run('compare', ...runs.map((r) => join(botDir, r)), join(botDir, 'latest'));
    assert.equal(c.code, 0, c.stderr);
    const lines = c.stdout.split('\n');
    assert.match(
      lines[0],
      new RegExp(`sol-grid/${runs[0]}\\s+sol-grid/${runs[1]}$`),
      'latest is not listed twice',
    );
    assert.match(c.stdout, /^Sharpe\s+-?\d+\.\d\d\s+-?\d+\.\d\d$/m);
    assert.match(c.stdout, /^fillModel\s+trade-through\s+queue$/m);
    const bad = await run('compare', join(tmp, 'nope'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /nope: no such run folder or report\.json/);
  });

  it('--fill-models all prints the headline figures under each model', async () => {
    const out = join(tmp, 'fm');
    const r = await run(
      'backtest',
      '--config',
      grid,
      '--data',
      sol,
      ...window,
      '--out',
      out,
      '--fill-models',
      'all',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^fill model\s+touch\s+trade-through\s+queue$/m);
    const rows = JSON.parse(readFileSync(join(out, 'fill-models.json'), 'utf8'));
    assert.deepEqual(
      rows.map((x: { model: string }) => x.model),
      ['touch', 'trade-through', 'queue'],
    );
    assert.ok(rows[2].summary.fills < rows[1].summary.fills, 'the queue model fills less than trade-through');
    const typo = await run('backtest', '--config', grid, '--data', sol, '--fill-models', 'touch,quee');
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown fill model "quee"/);
  });

  it('--monte-carlo with a fixed seed gives the same answer twice', async () => {
    const mc = async (dir: string) => {
      const r = await run(
        'backtest',
        '--config',
        grid,
        '--data',
        sol,
        ...window,
        '--out',
        join(tmp, dir),
        '--monte-carlo',
        '4',
        '--seed',
        '9',
        '--block-bars',
        '240',
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /P\(liquidation\)\s+\d+\.\d% \(\d\/4 paths/);
      return JSON.parse(readFileSync(join(tmp, dir, 'monte-carlo.json'), 'utf8'));
    };
    const x = await mc('mc1');
    const y = await mc('mc2');
    assert.deepEqual(x.summary, y.summary);
    assert.deepEqual(x.paths, y.paths);
  });

  it('optimize and preview say what is missing in one line', async () => {
    const o = await run('optimize', '--config', grid, '--data', sol, '--out', join(tmp, 'opt'));
    assert.equal(o.code, 2);
    assert.match(o.stderr, /^zero-perps optimize: --space is required/);
    const p = await run('preview', '--config', grid, '--paths', '2');
    assert.equal(p.code, 2);
    assert.match(p.stderr, /--paths must be a whole number 5\.\.100000/);
  });
});
