/**
 * Helpers for the tests of the backtest's two loads (backtest-load-and-run.ts): scratch files, a load-and-run on
 * the usual or the streamed way, and the comparison of two runs that must give the same report.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { parseFileArg } from '../../backtest/load-inputs.ts';
import type { BacktestReport } from '../../backtest/report-types.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import { backtestRunFlags, parseBacktestArgs } from '../backtest-flags.ts';
import { type LoadAndRun, loadAndRun, type Ran } from '../backtest-load-and-run.ts';

/** A folder for the test file's scratch files (removed after its tests): `file(name, lines)` writes one there. */
export function scratchFiles(prefix: string): (name: string, rows: readonly string[]) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return (name, rows) => {
    const path = join(dir, name);
    writeFileSync(path, rows.join('\n'));
    return path;
  };
}

/** `config` loaded and run on `data` (`MARKET=path` where the bot trades two), the usual way or streamed. */
export function runOn(
  config: BotConfig,
  data: string | readonly string[],
  streaming: LoadAndRun['streaming'],
  args: readonly string[] = [],
  funding: readonly string[] = [],
): Promise<Ran> {
  return loadAndRun({
    config,
    data: (typeof data === 'string' ? [data] : data).map(parseFileArg),
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

/** Two runs of the same inputs give the same report, load reports and events (`what` names the case). */
export function assertSameRun(got: Ran, usual: Ran, what: string): void {
  assert.deepEqual(untimed(got.report), untimed(usual.report), `${what}: report`);
  assert.deepEqual(got.inputs.reports, usual.inputs.reports, `${what}: load reports`);
  assert.deepEqual(got.events.toArray(), usual.events.toArray(), `${what}: events`);
}
