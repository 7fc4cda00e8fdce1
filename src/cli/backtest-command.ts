/**
 * `zero-perps backtest`: loads the config and data, runs the backtest, writes report.json, report.html and
 * run.json into the run's own folder; optionally the fill-model comparison and the Monte Carlo.
 */
import { existsSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBacktestInputs, parseFileArg } from '../backtest/load-inputs.ts';
import { renderReportHtml } from '../backtest/report-html.ts';
import { runBacktest } from '../backtest/run-backtest.ts';
import { reportChunks } from '../backtest/serialize-report.ts';
import { parseBotConfig } from '../config/bot-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import type { MarketEventSeq } from '../data/index.ts';
import { specProblems } from '../domain/markets.ts';
import { gridRangeConfig } from '../engine/grid-bot.ts';
import { RangeThread, rangeThreadWanted } from '../marketdata/range-thread.ts';
import { fillModelTable, runFillModels } from '../research/fill-models/compare-fill-models.ts';
import { fillModelName, parseFillModel, parseFillModels } from '../research/fill-models/fill-model-names.ts';
import { formatMonteCarlo } from '../research/monte-carlo/format.ts';
import { runMonteCarlo } from '../research/monte-carlo/run-monte-carlo.ts';
import { markLatest, newRunFolder, type RunMeta } from '../research/runs/run-folder.ts';
import { makeFolders, writeFileAtomic, writeProblem } from './atomic-write.ts';
import { quietOldGeneration } from './gc-tuning.ts';
import { parseTimeArg } from './parse-time.ts';
import { progressBar } from './progress.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps backtest --config BOT.yaml --data [MARKET=]FILE [--data …] [--funding [MARKET=]FILE …]
                          [--out DIR] [--from T] [--to T] [--timeline] [--sample N] [--spread-bps X]
                          [--fill-model M] [--fill-models all|M,M] [--monte-carlo N [--seed S] [--block-bars B]]

  --config       bot config (YAML or JSON), see examples/
  --data         price data: Drift candle JSON, Binance kline CSV or generic OHLCV CSV; MARKET=FILE assigns a
                 file to a market, a bare FILE goes to the config's only market; several files are merged
  --funding      funding records (Drift funding JSON or a funding CSV); without it funding follows Drift's formula
  --out          output folder (default out/<bot name>/<run id>, with out/<bot name>/latest pointing at it)
  --from/--to    time window (ISO date/time, "YYYY-MM-DD HH:MM:SS" UTC, or epoch s/ms)
  --timeline     put the per-bar timeline (every bar's mark, equity, position, verdict…) in report.json; without
                 it report.json holds the summary, fills and daily rows, and report.html charts the run either way
  --sample N     the timeline keeps every N-th bar (implies --timeline; the metrics use every bar)
  --spread-bps   full simulated bid/ask spread around the mark (default 2)
  --fill-model   when resting orders fill: touch, trade-through (default) or queue (trade-through + queue)
  --queue-ahead  the queue model's volume ahead of a new order, in average bars of volume (default 0.5)
  --fill-models  also run under each model (all, or a list) and print the headline figures side by side
  --monte-carlo  N stationary-bootstrap paths of the run's length: P(liquidation), P(daily-loss), PnL quantiles
  --seed         Monte Carlo seed (default 1; same seed, same result)
  --block-bars   Monte Carlo mean block length in bars (default one day of bars)
  --workers      worker threads for --fill-models and --monte-carlo (default: every core)`;

function positiveInt(flag: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min)
    throw new UserError(`${flag} must be a whole number ≥ ${min} (got ${text})`);
  return v;
}

export async function backtestCommand(argv: string[]): Promise<number> {
  quietOldGeneration();
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${HELP}`);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.config) throw new UserError('--config is required');
  const config = parseBotConfig(readConfigFile(values.config), values.config);
  const unknownSpecs = specProblems(config.markets);
  if (unknownSpecs.length > 0) throw new ConfigError(values.config, unknownSpecs);
  const from = parseTimeArg('--from', values.from);
  const to = parseTimeArg('--to', values.to);
  if (from !== undefined && to !== undefined && from >= to) {
    throw new UserError(
      `--from (${new Date(from).toISOString()}) must be before --to (${new Date(to).toISOString()})`,
    );
  }
  const sample = positiveInt('--sample', values.sample, 1);
  // A year of 1-minute bars is ~150 MB of timeline text and a third of the run's time: written only on request.
  const keepTimeline = values.timeline === true || values.sample !== undefined;
  const spreadBps = values['spread-bps'] === undefined ? 2 : Number(values['spread-bps']);
  if (!(spreadBps >= 0 && spreadBps <= 1000))
    throw new UserError(`--spread-bps must be between 0 and 1000 (got ${values['spread-bps']})`);
  const fillModel = parseFillModel(values['fill-model'] ?? 'trade-through');
  const queueAhead = values['queue-ahead'] === undefined ? undefined : Number(values['queue-ahead']);
  if (queueAhead !== undefined && !(queueAhead >= 0 && queueAhead <= 1000))
    throw new UserError(`--queue-ahead must be between 0 and 1000 bars (got ${values['queue-ahead']})`);
  const queue = queueAhead === undefined ? undefined : { aheadBars: queueAhead };
  const fillModels = values['fill-models'] === undefined ? undefined : parseFillModels(values['fill-models']);
  const mcPaths =
    values['monte-carlo'] === undefined ? 0 : positiveInt('--monte-carlo', values['monte-carlo'], 0);
  const seed = positiveInt('--seed', values.seed, 1, 0);
  const blockBars =
    values['block-bars'] === undefined ? undefined : positiveInt('--block-bars', values['block-bars'], 1);
  const workers = values.workers === undefined ? undefined : positiveInt('--workers', values.workers, 1, 0);

  // The grid's blended range runs on a second thread (marketdata/range-thread.ts), started now so that its
  // start-up overlaps the reading of the files.
  const rangeThread = config.strategy === 'grid' && rangeThreadWanted() ? RangeThread.start() : undefined;
  const inputs = await loadBacktestInputs(
    (values.data ?? []).map(parseFileArg),
    (values.funding ?? []).map(parseFileArg),
    config.markets,
  );
  // Events are in time order, so the --from/--to window is one stretch of the tape (no copy).
  const events = inputs.events.window(from, to);
  if (!hasBar(events)) throw new UserError('no price bars inside the --from/--to window');
  // The output folder is checked before the run: a run of minutes must not end in "cannot write".
  const outBase = resolve(values.out ?? join('out', config.name));
  checkOutFolder(outBase, values.out ?? outBase);
  for (const r of inputs.reports) {
    const notes = [
      r.steppedBack ? `rows out of order in ${r.steppedBack} places (sorted by time)` : '',
      r.duplicatesDropped ? `${r.duplicatesDropped} duplicate rows dropped` : '',
      r.superseded.length ? `${r.superseded.length} unfinished records superseded` : '',
      r.gaps.length ? `${r.gaps.length} gaps` : '',
      r.staleOracle.length
        ? `${r.staleOracle.reduce((a, s) => a + s.bars, 0)} bars whose oracle was not observed (the bar's price is the estimate)`
        : '',
    ].filter(Boolean);
    if (notes.length) console.error(`note: ${r.file}: ${notes.join(', ')}`);
  }

  const range =
    config.strategy === 'grid'
      ? rangeThread?.series(gridRangeConfig(config.grid), events, config.markets[0].symbol)
      : undefined;
  if (process.env.DEBUG && range) console.error('zero-perps: the blended range runs on a second thread');
  const bar = progressBar('backtest');
  const report = runBacktest({
    range,
    config,
    events,
    replayFunding: inputs.fundingGiven,
    sample,
    timeline: keepTimeline,
    spreadBps,
    fillModel,
    queue,
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.done();

  const out = values.out ? outBase : newRunFolder(resolve('out'), config.name);
  writeRun(out, !values.out, {
    report: reportChunks(report),
    html: renderReportHtml(report, `${config.name} (${config.strategy})`),
    meta: {
      runId: basename(out),
      bot: config.name,
      strategy: config.strategy,
      startedAt: new Date().toISOString(),
      config: resolve(values.config),
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
    },
  });
  const s = report.summary;
  console.log(
    `${config.name}: ${s.bars} bars, ${s.fills} fills, total PnL ${s.totalPnl.toFixed(2)} USDC (realized ${s.realizedPnl.toFixed(2)}, unrealized ${s.unrealizedPnl.toFixed(2)}, funding ${s.fundingPnl.toFixed(2)}, fees ${s.feesPaid.toFixed(2)}), max drawdown ${s.maxDrawdown.toFixed(2)}, liquidations ${s.liquidations}, ${Math.round(s.barsPerSecond).toLocaleString('en-US')} bars/s`,
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
  console.log(`wrote ${join(out, 'report.json')} and report.html`);

  if (fillModels) {
    const rows = await runFillModels(
      { config, events: events.toArray(), replayFunding: inputs.fundingGiven, spreadBps, queue },
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
      events: events.toArray(),
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
  return 0;
}

function hasBar(events: MarketEventSeq): boolean {
  for (let i = 0; i < events.length; i++) if (events.at(i)?.type === 'bar') return true;
  return false;
}

const fmt = (v: number | null, d = 2): string => (v === null ? '—' : v.toFixed(d));

function writeRun(
  out: string,
  isRunFolder: boolean,
  files: { report: Iterable<string>; html: string; meta: RunMeta },
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

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string' },
      data: { type: 'string', multiple: true },
      funding: { type: 'string', multiple: true },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      timeline: { type: 'boolean' },
      sample: { type: 'string' },
      'spread-bps': { type: 'string' },
      'fill-model': { type: 'string' },
      'queue-ahead': { type: 'string' },
      'fill-models': { type: 'string' },
      'monte-carlo': { type: 'string' },
      seed: { type: 'string' },
      'block-bars': { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
