import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatGenericCsv, generateCandles } from '../../src/data/index.ts';
import { RANGE_THREAD_MIN_BARS } from '../../src/marketdata/range-thread.ts';

const root = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'zp-range-thread-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The example grid with a range other than the defaults (percentiles and weights), so that a thread computing
 * with the wrong settings would show in the report.
 */
function gridConfig(): string {
  const text = readFileSync(join(root, 'examples/sol-grid.yaml'), 'utf8');
  const from = 'percentiles: [5, 95], lookbackWeights: {1h: 0.35, 4h: 0.30, 1d: 0.25, 1w: 0.10}';
  assert.ok(text.includes(from), 'the example still sets its range this way');
  const p = join(tmp, 'grid.yaml');
  writeFileSync(
    p,
    text.replace(from, 'percentiles: [15, 80], lookbackWeights: {1h: 0.1, 4h: 0.2, 1d: 0.5, 1w: 0.2}'),
  );
  return p;
}

function backtest(out: string, data: string, env: Record<string, string>) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'bin/zero-perps.js'), 'backtest', '--config', gridConfig(), '--data', data, '--out', out],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

/** report.json without the wall-clock figures. */
function reportOf(out: string): unknown {
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  delete report.summary.wallSeconds;
  delete report.summary.barsPerSecond;
  return report;
}

// The CLI computes a long grid run's blended range on a second thread: the thread that reads a generic CSV while
// the run goes on (backtest/streamed-load.ts), else the range thread (marketdata/range-thread.ts). Either way the
// report must be the one the run's own range gives. Skipped on a one-core machine, where neither is started.
describe('zero-perps backtest with the range on a second thread', () => {
  const onTwoCores = availableParallelism() > 1 ? it : it.skip;
  onTwoCores('writes the report the one-thread run writes, streamed or after the whole load', () => {
    const data = join(tmp, 'bars.csv');
    const candles = generateCandles(RANGE_THREAD_MIN_BARS + 5_000, { seed: 21, startPrice: 150 });
    writeFileSync(data, formatGenericCsv(candles));
    const streamed = backtest(join(tmp, 'streamed'), data, { DEBUG: '1' });
    const threaded = backtest(join(tmp, 'threaded'), data, { DEBUG: '1', ZERO_PERPS_STREAMED_LOAD: '0' });
    const single = backtest(join(tmp, 'single'), data, { DEBUG: '1', ZERO_PERPS_RANGE_THREAD: '0' });
    assert.match(streamed, /the file is read on a second thread while the run goes on/);
    assert.doesNotMatch(streamed, /gave way/);
    assert.match(threaded, /the blended range runs on a second thread/);
    assert.doesNotMatch(single, /second thread/);
    const report = reportOf(join(tmp, 'threaded')) as { summary: { fills: number } };
    assert.ok(report.summary.fills > 100, `a run that trades (${report.summary.fills} fills)`);
    assert.deepEqual(report, reportOf(join(tmp, 'single')));
    assert.deepEqual(reportOf(join(tmp, 'streamed')), report);
  });
});
