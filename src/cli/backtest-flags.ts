/**
 * The `zero-perps backtest` command's flags: its usage text, the parser, and the checks that turn the run's
 * options into values (each bad value a UserError naming its flag).
 */
import { parseFillModel, parseFillModels } from '../research/fill-models/fill-model-names.ts';
import type { MakerFillRule } from '../venue/sim/matching.ts';
import { parseReplayArgs, spreadBpsFlag, wholeNumberFlag } from './input-options.ts';
import { parseTimeArg } from './parse-time.ts';
import { UserError } from './user-error.ts';

export const HELP = `usage: zero-perps backtest --config BOT.yaml --data [MARKET=]FILE [--data …] [--funding [MARKET=]FILE …]
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

export type BacktestArgs = ReturnType<typeof parseBacktestArgs>;

/** The run's options, checked, in the order a user sees their errors (after the config's). */
export interface BacktestRunFlags {
  from: number | undefined;
  to: number | undefined;
  sample: number;
  keepTimeline: boolean;
  spreadBps: number;
  fillModel: MakerFillRule;
  /** The queue model's volume ahead of a new order (--queue-ahead), when given. */
  queue: { aheadBars: number } | undefined;
  fillModels: MakerFillRule[] | undefined;
  mcPaths: number;
  seed: number;
  blockBars: number | undefined;
  workers: number | undefined;
}

export function backtestRunFlags(values: BacktestArgs): BacktestRunFlags {
  const from = parseTimeArg('--from', values.from);
  const to = parseTimeArg('--to', values.to);
  if (from !== undefined && to !== undefined && from >= to) {
    throw new UserError(
      `--from (${new Date(from).toISOString()}) must be before --to (${new Date(to).toISOString()})`,
    );
  }
  const sample = wholeNumberFlag('--sample', values.sample, 1, 1);
  // A year of 1-minute bars is ~150 MB of timeline text and a third of the run's time: written only on request.
  const keepTimeline = values.timeline === true || values.sample !== undefined;
  const spreadBps = spreadBpsFlag(values['spread-bps']);
  const fillModel = parseFillModel(values['fill-model'] ?? 'trade-through');
  const queueAhead = values['queue-ahead'] === undefined ? undefined : Number(values['queue-ahead']);
  if (queueAhead !== undefined && !(queueAhead >= 0 && queueAhead <= 1000))
    throw new UserError(`--queue-ahead must be between 0 and 1000 bars (got ${values['queue-ahead']})`);
  const queue = queueAhead === undefined ? undefined : { aheadBars: queueAhead };
  const fillModels = values['fill-models'] === undefined ? undefined : parseFillModels(values['fill-models']);
  const mcPaths = wholeNumberFlag('--monte-carlo', values['monte-carlo'], 0, 1);
  const seed = wholeNumberFlag('--seed', values.seed, 1, 0);
  const blockBars = wholeNumberFlag('--block-bars', values['block-bars'], undefined, 1);
  const workers = wholeNumberFlag('--workers', values.workers, undefined, 0);
  return {
    from,
    to,
    sample,
    keepTimeline,
    spreadBps,
    fillModel,
    queue,
    fillModels,
    mcPaths,
    seed,
    blockBars,
    workers,
  };
}

export function parseBacktestArgs(argv: string[]) {
  return parseReplayArgs(
    argv,
    {
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
    },
    HELP,
  );
}
