import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadBacktestInputs, parseFileArg } from '../../backtest/load-inputs.ts';
import { parseBotConfig } from '../../config/bot-config.ts';
import { readConfigFile } from '../../config/read-config-file.ts';
import { segmentsOf } from './folds.ts';
import { type OptimizeResults, optimize } from './optimize.ts';
import { paretoSet, type Score } from './scores.ts';
import { applyParams, parseSpace, trialsOf } from './space.ts';
import { hourlyReturns } from './trial-handler.ts';

const root = new URL('../../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'zp-opt-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('search space', () => {
  it('lists, step ranges and count ranges expand; trials are the product, last key fastest', () => {
    const space = parseSpace({
      'grid.stepPct': [0.3, 0.5, 0.8],
      'grid.levels': { from: 6, to: 10, step: 4 },
      'risk.maxLeverage': { from: 1, to: 2, count: 3 },
    });
    assert.deepEqual(space.values, [
      [0.3, 0.5, 0.8],
      [6, 10],
      [1, 1.5, 2],
    ]);
    const trials = trialsOf(space);
    assert.equal(trials.length, 18);
    assert.deepEqual(trials[0], { 'grid.stepPct': 0.3, 'grid.levels': 6, 'risk.maxLeverage': 1 });
    assert.deepEqual(trials[1], { 'grid.stepPct': 0.3, 'grid.levels': 6, 'risk.maxLeverage': 1.5 });
    const some = trialsOf(space, 5, 3);
    assert.equal(some.length, 5);
    assert.deepEqual(some, trialsOf(space, 5, 3), 'seeded subset');
  });

  it('refuses what cannot be searched, naming the key', () => {
    assert.throws(() => parseSpace({}), /must map config keys/);
    assert.throws(() => parseSpace({ 'grid.levels': [] }), /grid\.levels: an empty list/);
    assert.throws(() => parseSpace({ 'grid.levels': { from: 3, to: 1, step: 1 } }), /from ≤ to/);
    assert.throws(() => parseSpace({ market: ['BTC-PERP'] }), /market cannot be searched/);
  });

  it('applies dotted keys to a copy of the raw config', () => {
    const raw = { grid: { levels: 10 }, name: 'x' };
    const c = applyParams(raw, { 'grid.levels': 6, 'risk.maxLeverage': 2 });
    assert.deepEqual(c, { grid: { levels: 6 }, name: 'x', risk: { maxLeverage: 2 } });
    assert.equal(raw.grid.levels, 10);
  });
});

describe('walk-forward pieces', () => {
  it('K folds cut the span into K+1 consecutive segments with a warm-up before each', () => {
    const s = segmentsOf(0, 1000, 4, 50);
    assert.deepEqual(
      s.map((x) => [x.from, x.to, x.warmupFrom]),
      [
        [0, 200, 0],
        [200, 400, 150],
        [400, 600, 350],
        [600, 800, 550],
        [800, 1001, 750],
      ],
    );
  });

  it('hourly returns compound the bars of each UTC hour', () => {
    const H = 3_600_000;
    const r = hourlyReturns(100, [
      { ts: H / 2, equity: 110 },
      { ts: H, equity: 121 },
      { ts: H + 1000, equity: 121 },
      { ts: 2 * H, equity: 108.9 },
    ]);
    assert.equal(r.length, 2);
    assert.ok(Math.abs(r[0] - 0.21) < 1e-12 && Math.abs(r[1] + 0.1) < 1e-12);
  });

  it('the Pareto set keeps trials no other trial beats on PnL, drawdown and liquidation distance', () => {
    const s = (pnl: number, dd: number, liq: number | null): Score => ({
      pnl,
      maxDrawdownPct: dd,
      minLiqDistancePct: liq,
      returnPct: 0,
      sharpe: null,
      liquidations: 0,
      fills: 0,
    });
    // 1 is dominated by 0; 2 trades PnL for drawdown; 3 never held a position (infinitely far from liquidation)
    assert.deepEqual(paretoSet([s(10, 5, 50), s(8, 6, 40), s(12, 9, 30), s(0, 5, null)]), [0, 2, 3]);
  });
});

describe('optimize on the shipped SOL data (6 trials, 4 folds)', () => {
  let first: OptimizeResults;
  const raw = readConfigFile(`${root}examples/sol-grid.yaml`);
  const space = parseSpace(readConfigFile(`${root}examples/sol-grid-space.yaml`));

  async function run(out: string): Promise<OptimizeResults> {
    const config = parseBotConfig(raw, 'sol-grid.yaml');
    const inputs = await loadBacktestInputs(
      [parseFileArg(`${root}data/binance/SOLUSDT-spot-1m-2025-03.csv`)],
      [],
      config.markets,
    );
    // the bars known by 2025-03-11 00:00: those that start before it
    const events = inputs.events.window(undefined, Date.parse('2025-03-11'));
    return optimize({
      rawConfig: raw,
      configSource: 'sol-grid.yaml',
      space,
      events,
      replayFunding: false,
      out,
      folds: 4,
      warmupMs: 6 * 3_600_000,
      workers: 1, // worker threads, but one: the suite runs two test files at once on two cores
      inputsKey: 'test',
    });
  }

  it('scores every trial in and out of sample and writes the statistics', async () => {
    first = await run(join(tmp, 'a'));
    assert.equal(first.trials.length, 6);
    assert.equal(first.segments.length, 5);
    for (const t of first.trials) {
      assert.deepEqual(Object.keys(t.params), ['grid.stepPct', 'grid.levels']);
      assert.equal(t.segments.length, 5);
      for (const k of ['pnl', 'maxDrawdownPct', 'minLiqDistancePct'] as const) {
        assert.ok(k in t.inSample && k in t.outOfSample, k);
      }
      // IS = segments 0..3, OOS = segments 1..4
      const sum = (idx: number[]) => idx.reduce((a, i) => a + t.segments[i].totalPnl, 0);
      assert.ok(Math.abs(t.inSample.pnl - sum([0, 1, 2, 3])) < 1e-6);
      assert.ok(Math.abs(t.outOfSample.pnl - sum([1, 2, 3, 4])) < 1e-6);
    }
    assert.ok(first.pareto.length >= 1);
    assert.equal(first.walkForward.folds.length, 4);
    assert.ok(first.pbo.pbo !== null && first.pbo.pbo >= 0 && first.pbo.pbo <= 1);
    assert.ok(
      first.deflatedSharpe.dsr !== null && first.deflatedSharpe.dsr >= 0 && first.deflatedSharpe.dsr <= 1,
    );
    const best = Math.max(...first.trials.map((t) => t.inSample.pnl));
    assert.equal(first.trials[first.chosen].inSample.pnl, best, 'chosen = best in-sample PnL');
  });

  it('resumes after a crash: finished runs are kept, a half-written line is redone, results identical', async () => {
    const dir = join(tmp, 'b');
    await run(dir); // a complete run, then simulate a crash that lost the tail of the log
    const log = join(dir, 'progress.jsonl');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    writeFileSync(log, `${lines.slice(0, 17).join('\n')}\n${lines[17].slice(0, 40)}`);
    const resumed = await run(dir);
    assert.equal(resumed.runs.resumed, 17);
    const strip = (r: OptimizeResults) =>
      r.trials.map((t) => ({ ...t, segments: t.segments.map(({ seconds: _s, ...x }) => x) }));
    assert.deepEqual(strip(resumed), strip(first));
    assert.deepEqual(resumed.pbo, first.pbo);
  });

  it('refuses to mix another optimisation into the same folder', async () => {
    const { ResumeLog } = await import('./resume-log.ts');
    assert.throws(() => new ResumeLog(join(tmp, 'a'), 'another key'), /holds another optimisation/);
  });
});
