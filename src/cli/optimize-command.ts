/**
 * `zero-perps optimize --config BOT.yaml --data FILE --space SPACE.yaml --out DIR`: walk-forward parameter
 * search with overfitting statistics (src/research/optimize/, docs/research.md). Writes DIR/results.json and
 * DIR/results.html; an interrupted run resumes where it stopped when started again with the same inputs.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadBacktestInputs, parseFileArg } from '../backtest/load-inputs.ts';
import { type BotConfig, parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { parseFillModel } from '../research/fill-models/fill-model-names.ts';
import { type OptimizeResults, optimize } from '../research/optimize/optimize.ts';
import { renderResultsHtml } from '../research/optimize/results-html.ts';
import type { Selector } from '../research/optimize/scores.ts';
import { parseSpace, type Space, spaceSize } from '../research/optimize/space.ts';
import { defaultWorkers } from '../research/parallel/pool.ts';
import { formatTable } from '../research/runs/compare.ts';
import type { MakerFillRule } from '../venue/sim/matching.ts';
import { parseReplayArgs, spreadBpsFlag, wholeNumberFlag } from './input-options.ts';
import { parseTimeArg } from './parse-time.ts';
import { etaProgress, fmtTime } from './progress-eta.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps optimize --config BOT.yaml --data [MARKET=]FILE [--funding …] --space SPACE.yaml --out DIR
                          [--folds K] [--warmup-hours H] [--select pnl|sharpe] [--max-trials N] [--seed S]
                          [--from T] [--to T] [--spread-bps X] [--fill-model M] [--workers W]

  --space        YAML mapping config keys to values: grid.stepPct: [0.3, 0.5, 0.8]
                 or ranges: grid.levels: {from: 6, to: 12, step: 2} / {from: 1, to: 3, count: 5}
  --out          folder for results.json, results.html and the resume log (progress.jsonl)
  --folds        walk-forward folds (default 4): the span is cut into K+1 segments, fold k trains on
                 segment k-1 and tests on segment k
  --warmup-hours data before each segment that only primes the bot (default 24)
  --select       the in-sample score that chooses a trial: pnl (default) or sharpe
  --max-trials   try a seeded random subset of a larger space
  --workers      worker threads (default: every core)`;

type OptimizeFlags = ReturnType<typeof parse>;

export async function optimizeCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const settings = readOptimizeSettings(values);
  const { folds, select, maxTrials, seed, workers, spreadBps, fillModel, from, to } = settings;

  const data = (values.data ?? []).map(parseFileArg);
  const funding = (values.funding ?? []).map(parseFileArg);
  const inputs = await loadBacktestInputs(data, funding, settings.config.markets);
  const events = inputs.events.window(from, to);
  const out = resolve(settings.out);
  mkdirSync(out, { recursive: true });
  const trialCount = Math.min(spaceSize(settings.space), maxTrials ?? Number.POSITIVE_INFINITY);
  console.error(
    `optimize: ${trialCount} trials × ${folds + 1} segments, ${workers === 0 ? 'inline' : `${workers ?? defaultWorkers()} worker threads`}`,
  );
  const fileKey = [...data, ...funding].map((f) => {
    const st = statSync(f.path);
    return `${f.market ?? ''}=${resolve(f.path)}:${st.size}:${st.mtimeMs}`;
  });
  const progress = etaProgress('optimize: segment runs');
  const results = await optimize({
    rawConfig: settings.rawConfig,
    configSource: settings.configSource,
    space: settings.space,
    events,
    replayFunding: inputs.fundingGiven,
    out,
    folds,
    warmupMs: settings.warmupHours * 3_600_000,
    select,
    maxTrials,
    seed,
    spreadBps,
    fillModel,
    workers,
    inputsKey: JSON.stringify({ fileKey, from, to, spreadBps, fillModel, select, maxTrials, seed }),
    onProgress: (d, t, skipped) => progress.update(d, t, skipped),
  });
  progress.done();
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(join(out, 'results.html'), renderResultsHtml(results));
  printOptimizeResults(results, out);
  return 0;
}

/** What the flags ask for, checked; the bot config parsed and the space read. */
interface OptimizeSettings {
  configSource: string;
  out: string;
  rawConfig: unknown;
  config: BotConfig;
  space: Space;
  folds: number;
  warmupHours: number;
  select: Selector;
  maxTrials: number | undefined;
  seed: number;
  workers: number | undefined;
  spreadBps: number;
  fillModel: MakerFillRule;
  from: number | undefined;
  to: number | undefined;
}

/** The flags checked, the config and the space read, in the order a user fixes them; each failure one line. */
function readOptimizeSettings(values: OptimizeFlags): OptimizeSettings {
  if (!values.config) throw new UserError('--config is required');
  if (!values.space)
    throw new UserError('--space is required (a YAML file of config keys and values to try)');
  if (!values.out) throw new UserError('--out is required (the folder for results.json and results.html)');
  const rawConfig = readConfigFile(values.config);
  const config = parseBotConfig(rawConfig, values.config);
  const space = parseSpace(readConfigFile(values.space));
  const folds = wholeNumberFlag('--folds', values.folds, 4, 1);
  const warmupHours = values['warmup-hours'] === undefined ? 24 : Number(values['warmup-hours']);
  if (!(warmupHours >= 0 && warmupHours <= 24 * 365))
    throw new UserError(`--warmup-hours must be between 0 and 8760 (got ${values['warmup-hours']})`);
  const select = values.select ?? 'pnl';
  if (select !== 'pnl' && select !== 'sharpe')
    throw new UserError(`--select must be pnl or sharpe (got ${select})`);
  const maxTrials = wholeNumberFlag('--max-trials', values['max-trials'], undefined, 2);
  const seed = wholeNumberFlag('--seed', values.seed, 1, 0);
  const workers = wholeNumberFlag('--workers', values.workers, undefined, 0);
  const spreadBps = spreadBpsFlag(values['spread-bps']);
  const fillModel = parseFillModel(values['fill-model'] ?? 'trade-through');
  const from = parseTimeArg('--from', values.from);
  const to = parseTimeArg('--to', values.to);
  return {
    configSource: values.config,
    out: values.out,
    rawConfig,
    config,
    space,
    folds,
    warmupHours,
    select,
    maxTrials,
    seed,
    workers,
    spreadBps,
    fillModel,
    from,
    to,
  };
}

/** The trials as a table, then the overfitting statistics and the run's cost. */
function printOptimizeResults(results: OptimizeResults, out: string): void {
  const keys = Object.keys(results.space);
  const f = (v: number | null, d = 2) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(d));
  console.log(
    formatTable([
      ['trial', ...keys, 'IS PnL', 'IS maxDD%', 'IS minLiq%', 'OOS PnL', 'OOS maxDD%', 'OOS minLiq%', ''],
      ...results.trials.map((t) => [
        String(t.id),
        ...keys.map((k) => String(t.params[k])),
        f(t.inSample.pnl),
        f(t.inSample.maxDrawdownPct),
        f(t.inSample.minLiqDistancePct, 1),
        f(t.outOfSample.pnl),
        f(t.outOfSample.maxDrawdownPct),
        f(t.outOfSample.minLiqDistancePct, 1),
        [results.pareto.includes(t.id) ? 'pareto' : '', t.id === results.chosen ? 'chosen' : '']
          .filter(Boolean)
          .join(' '),
      ]),
    ]),
  );
  const p = results.pbo;
  const d = results.deflatedSharpe;
  console.log(
    `PBO ${p.pbo === null ? `— (${p.reason})` : `${(p.pbo * 100).toFixed(1)}% over ${p.combinations} CSCV splits`}; deflated Sharpe of trial ${results.chosen} ${d.dsr === null ? `— (${d.reason})` : `${(d.dsr * 100).toFixed(1)}%`}; walk-forward OOS PnL ${results.walkForward.outOfSamplePnl.toFixed(2)} USDC`,
  );
  console.log(
    `${results.runs.total} segment runs (${results.runs.resumed} resumed) in ${fmtTime(results.wallSeconds)}, ${results.cpuSecondsPerTrial.toFixed(2)} s of backtest per trial; wrote ${join(out, 'results.json')} and results.html`,
  );
}

function parse(argv: string[]) {
  return parseReplayArgs(
    argv,
    {
      space: { type: 'string' },
      out: { type: 'string' },
      folds: { type: 'string' },
      'warmup-hours': { type: 'string' },
      select: { type: 'string' },
      'max-trials': { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      'spread-bps': { type: 'string' },
      'fill-model': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
    HELP,
  );
}
