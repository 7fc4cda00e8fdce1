/**
 * `zero-perps preview --config BOT.yaml`: the risk of a config before starting it — the Monte Carlo over the
 * last days of the market data (the shipped replay data unless --data is given). The same as the dashboard's
 * preview (POST /api/bots/preview).
 */
import { loadBacktestInputs, parseFileArg } from '../backtest/load-inputs.ts';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import type { MarketEventSeq } from '../data/event-tape.ts';
import { replayEvents } from '../modes/paper.ts';
import { formatMonteCarlo } from '../research/monte-carlo/format.ts';
import { previewConfig } from '../research/preview/preview.ts';
import { parseReplayArgs, wholeNumberFlag } from './input-options.ts';
import { progressBar } from './progress.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps preview --config BOT.yaml [--data [MARKET=]FILE …] [--funding …] [--paths N] [--seed S] [--days D] [--json]

  Runs the config on N stationary-bootstrap paths (default 100) built from the last D days (default 7) of
  the market's data and prints the probability of liquidation, of the daily-loss limit, and PnL quantiles.`;

export async function previewCommand(argv: string[]): Promise<number> {
  const values = parseReplayArgs(
    argv,
    {
      paths: { type: 'string' },
      seed: { type: 'string' },
      days: { type: 'string' },
      json: { type: 'boolean' },
    },
    HELP,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.config) throw new UserError('--config is required');
  const config = parseBotConfig(readConfigFile(values.config), values.config);
  const paths = wholeNumberFlag('--paths', values.paths, 100, 5, 100_000);
  const seed = wholeNumberFlag('--seed', values.seed, 1, 0, 2 ** 31 - 1);
  const days = wholeNumberFlag('--days', values.days, 7, 1, 3650);
  let events: MarketEventSeq;
  let funding: boolean;
  if (values.data && values.data.length > 0) {
    const inputs = await loadBacktestInputs(
      values.data.map(parseFileArg),
      (values.funding ?? []).map(parseFileArg),
      config.markets,
    );
    events = inputs.events;
    funding = inputs.fundingGiven;
  } else {
    ({ events, funding } = await replayEvents(config.markets.map((m) => m.symbol)));
  }
  const bar = progressBar('preview');
  const r = await previewConfig({
    config,
    events,
    fundingReplay: funding,
    paths,
    seed,
    days,
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.done();
  if (values.json) {
    console.log(JSON.stringify(r, null, 2));
    return 0;
  }
  const b = r.backtest;
  console.log(
    `${r.bot} (${r.strategy}, ${r.markets.join(' / ')}) on ${r.window.from.slice(0, 16)} → ${r.window.to.slice(0, 16)} (${r.window.bars} bars):`,
  );
  console.log(
    `  as it happened: PnL ${b.totalPnl.toFixed(2)} USDC (${b.returnPct.toFixed(2)}%), max drawdown ${b.maxDrawdownPct.toFixed(2)}%, max leverage ${b.maxLeverage.toFixed(2)}, liquidations ${b.liquidations}, daily-loss days ${b.dailyLossDays}`,
  );
  console.log(formatMonteCarlo(r.monteCarlo, r.pathsPerSecond));
  return 0;
}
