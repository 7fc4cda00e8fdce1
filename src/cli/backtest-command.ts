/**
 * `zero-perps backtest`: loads the config and data, runs the backtest, writes report.json, report.html and
 * run.json into the run's own folder; optionally the fill-model comparison and the Monte Carlo.
 */
import { existsSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseFileArg } from '../backtest/load-inputs.ts';
import { reportHtmlParts } from '../backtest/report-html.ts';
import type { BacktestReport } from '../backtest/report-types.ts';
import { reportChunks } from '../backtest/serialize-report.ts';
import { type BotConfig, parseBotConfig } from '../config/bot-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import type { EventTape } from '../data/event-tape.ts';
import { specProblems } from '../domain/markets.ts';
import { fillModelTable, runFillModels } from '../research/fill-models/compare-fill-models.ts';
import { fillModelName } from '../research/fill-models/fill-model-names.ts';
import { formatMonteCarlo } from '../research/monte-carlo/format.ts';
import { runMonteCarlo } from '../research/monte-carlo/run-monte-carlo.ts';
import { markLatest, newRunFolder, type RunMeta } from '../research/runs/run-folder.ts';
import { makeFolders, writeFileAtomic, writeProblem } from './atomic-write.ts';
import {
  type BacktestArgs,
  type BacktestRunFlags,
  backtestRunFlags,
  HELP,
  parseBacktestArgs,
} from './backtest-flags.ts';
import { loadAndRun } from './backtest-load-and-run.ts';
import { quietOldGeneration } from './gc-tuning.ts';
import { groupDigits } from './group-digits.ts';
import { progressBar } from './progress.ts';
import { UserError } from './user-error.ts';

export async function backtestCommand(argv: string[]): Promise<number> {
  quietOldGeneration();
  const values = parseBacktestArgs(argv);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.config) throw new UserError('--config is required');
  const config = parseBotConfig(readConfigFile(values.config), values.config);
  const unknownSpecs = specProblems(config.markets);
  if (unknownSpecs.length > 0) throw new ConfigError(values.config, unknownSpecs);
  const flags = backtestRunFlags(values);
  const outBase = resolve(values.out ?? join('out', config.name));
  // `ran.events` is the load's events merged when first read (~10 ms on a year): only the research extras read it
  const ran = await loadAndRun({
    config,
    data: (values.data ?? []).map(parseFileArg),
    funding: (values.funding ?? []).map(parseFileArg),
    flags,
    checkOut: () => checkOutFolder(outBase, values.out ?? outBase),
  });
  const { report, inputs } = ran;

  const out = values.out ? outBase : newRunFolder(resolve('out'), config.name);
  writeRun(out, !values.out, {
    report: reportChunks(report),
    html: reportHtmlParts(report, `${config.name} (${config.strategy})`),
    meta: runMeta(out, config, values.config, values, flags),
  });
  printSummary(config.name, report.summary);
  console.log(`wrote ${join(out, 'report.json')} and report.html`);

  await runResearchExtras(
    out,
    { config, events: () => ran.events, fundingGiven: inputs.fundingGiven },
    flags,
  );
  return 0;
}

/** run.json: which bot, config, data and options made the run in `out`. */
function runMeta(
  out: string,
  config: BotConfig,
  configPath: string,
  values: BacktestArgs,
  flags: BacktestRunFlags,
): RunMeta {
  const { fillModel, spreadBps, keepTimeline, sample, queue } = flags;
  return {
    runId: basename(out),
    bot: config.name,
    strategy: config.strategy,
    startedAt: new Date().toISOString(),
    config: resolve(configPath),
    data: (values.data ?? []).map((d) => d),
    funding: (values.funding ?? []).map((d) => d),
    options: {
      fillModel: fillModelName(fillModel),
      spreadBps,
      timeline: keepTimeline,
      sample,
      ...(values.from ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
      ...(queue ? { queueAheadBars: queue.aheadBars } : {}),
    },
  };
}

/** The optional research after the run: the fill-model comparison and the Monte Carlo, written beside it. */
async function runResearchExtras(
  out: string,
  run: { config: BotConfig; events: () => EventTape; fundingGiven: boolean },
  flags: BacktestRunFlags,
): Promise<void> {
  const { config, events } = run;
  const { fillModels, mcPaths, seed, blockBars, spreadBps, fillModel, queue, workers } = flags;
  if (fillModels) {
    const rows = await runFillModels(
      { config, events: events().toWire(), replayFunding: run.fundingGiven, spreadBps, queue },
      fillModels,
      workers,
    );
    writeFileAtomic(join(out, 'fill-models.json'), `${JSON.stringify(rows, null, 2)}\n`);
    console.log(`\nfill-model sensitivity (wrote fill-models.json):\n${fillModelTable(rows)}`);
  }
  if (mcPaths > 0) {
    const mcBar = progressBar('monte carlo');
    const mc = await runMonteCarlo({
      config,
      events: events(),
      paths: mcPaths,
      seed,
      meanBlockBars: blockBars,
      spreadBps,
      fillModel,
      workers,
      onProgress: (d, t) => mcBar.update(d, t),
    });
    mcBar.done();
    writeFileAtomic(
      join(out, 'monte-carlo.json'),
      `${JSON.stringify({ summary: mc.summary, wallSeconds: mc.wallSeconds, paths: mc.results }, null, 1)}\n`,
    );
    console.log(`\n${formatMonteCarlo(mc.summary, mc.pathsPerSecond)}\nwrote monte-carlo.json`);
  }
}

/** The run's headline figures, as the user reads them after the run. */
function printSummary(name: string, s: BacktestReport['summary']): void {
  console.log(
    `${name}: ${s.bars} bars, ${s.fills} fills, total PnL ${s.totalPnl.toFixed(2)} USDC (realized ${s.realizedPnl.toFixed(2)}, unrealized ${s.unrealizedPnl.toFixed(2)}, funding ${s.fundingPnl.toFixed(2)}, fees ${s.feesPaid.toFixed(2)}), max drawdown ${s.maxDrawdown.toFixed(2)}, liquidations ${s.liquidations}, ${groupDigits(s.barsPerSecond)} bars/s`,
  );
  console.log(
    `  return ${s.returnPct.toFixed(2)}% (buy & hold ${s.buyAndHoldReturnPct.toFixed(2)}%), max drawdown ${s.maxDrawdownPct.toFixed(2)}%, Sharpe ${fmt(s.sharpe)}, Sortino ${fmt(s.sortino)}, Calmar ${fmt(s.calmar)}, ${s.roundTrips} round trips (win rate ${fmt(s.winRatePct, 1)}%), grid ${s.gridPnl.toFixed(2)} / trend ${s.trendPnl.toFixed(2)} USDC`,
  );
  if (s.refusals) {
    const r = s.refusals;
    console.log(
      `legs refused before sending: ${r.depth ?? 0} over the visible depth, ${r.noBook ?? 0} without a book, ${r.slippage ?? 0} on slippage, ${r.blocked ?? 0} blocked, ${r.withheld ?? 0} withheld with a partner`,
    );
  }
}

const fmt = (v: number | null, d = 2): string => (v === null ? '—' : v.toFixed(d));

function writeRun(
  out: string,
  isRunFolder: boolean,
  files: { report: Iterable<string>; html: Iterable<string>; meta: RunMeta },
) {
  makeFolders(out);
  // Each file is written whole or not at all (a temporary file renamed into place).
  writeFileAtomic(join(out, 'report.json'), files.report);
  writeFileAtomic(join(out, 'report.html'), files.html);
  writeFileAtomic(join(out, 'run.json'), `${JSON.stringify(files.meta, null, 2)}\n`);
  if (isRunFolder) markLatest(out);
}

/**
 * Makes sure reports can be written into `dir`, failing with one line naming --out if not: the folders are made
 * and a file written and removed, then the folders this made are removed again (the reports make them when they
 * are written), so a run stopped before then (Ctrl-C, bad data) leaves no empty folder behind.
 */
export function checkOutFolder(dir: string, given: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserError(`--out ${given}: is a file; name a folder for report.json and report.html`);
  }
  const probe = join(dir, `.zero-perps-write-check-${process.pid}`);
  let made: string[] = [];
  try {
    made = makeFolders(dir);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    rmSync(probe, { force: true });
    throw new UserError(
      `--out ${given}: ${writeProblem(dir, err).message.replace(/^cannot write [^:]*: /, 'cannot write there: ')}`,
    );
  } finally {
    // innermost first; rmdir removes only an empty folder (one something else wrote into meanwhile stays)
    for (const d of made.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        break;
      }
    }
  }
}
