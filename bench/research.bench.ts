/**
 * Research tools on the shipped SOL month with the example grid: the optimiser's wall time per trial (the
 * 6-trial example space, 4 folds, worker threads on every core) and Monte Carlo paths per second (full-month
 * paths, every core).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBacktestInputs, parseFileArg } from '../src/backtest/load-inputs.ts';
import { parseBotConfig } from '../src/config/bot-config.ts';
import { readConfigFile } from '../src/config/read-config-file.ts';
import { runMonteCarlo } from '../src/research/monte-carlo/run-monte-carlo.ts';
import { optimize } from '../src/research/optimize/optimize.ts';
import { parseSpace } from '../src/research/optimize/space.ts';
import type { BenchFigure } from './run.ts';

const root = new URL('../', import.meta.url).pathname;

export async function run(): Promise<BenchFigure[]> {
  const raw = readConfigFile(join(root, 'examples/sol-grid.yaml'));
  const config = parseBotConfig(raw, 'sol-grid.yaml');
  const inputs = await loadBacktestInputs(
    [parseFileArg(join(root, 'data/binance/SOLUSDT-spot-1m-2025-03.csv'))],
    [],
    config.markets,
  );
  const out: BenchFigure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'zp-bench-opt-'));
  try {
    const r = await optimize({
      rawConfig: raw,
      configSource: 'sol-grid.yaml',
      space: parseSpace(readConfigFile(join(root, 'examples/sol-grid-space.yaml'))),
      events: inputs.events,
      replayFunding: false,
      out: dir,
      inputsKey: 'bench',
    });
    out.push({
      name: 'optimize wall time per trial (6 trials, 4 folds)',
      value: r.wallSeconds / r.trials.length,
      unit: 's',
    });
    out.push({ name: 'optimize backtest CPU per trial', value: r.cpuSecondsPerTrial, unit: 's' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mc = await runMonteCarlo({ config, events: inputs.events.toArray(), paths: 16, seed: 1 });
  out.push({ name: 'monte carlo paths/s (44,640-bar paths)', value: mc.pathsPerSecond, unit: 'paths/s' });
  return out;
}
