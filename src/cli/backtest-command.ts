/**
 * `zero-perps backtest`: loads the config and data, runs the backtest, writes report.json and report.html.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBacktestInputs, parseFileArg } from '../backtest/load-inputs.ts';
import { renderReportHtml } from '../backtest/report-html.ts';
import { runBacktest } from '../backtest/run-backtest.ts';
import { serializeReport } from '../backtest/serialize-report.ts';
import { parseBotConfig } from '../config/bot-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { eventTime } from '../data/index.ts';
import { specProblems } from '../domain/markets.ts';
import { parseTimeArg } from './parse-time.ts';
import { progressBar } from './progress.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps backtest --config BOT.yaml --data [MARKET=]FILE [--data …] [--funding [MARKET=]FILE …]
                          [--out DIR] [--from T] [--to T] [--sample N] [--spread-bps X]

  --config     bot config (YAML or JSON), see examples/
  --data       price data: Drift candle JSON, Binance kline CSV or generic OHLCV CSV; MARKET=FILE assigns a
               file to a market, a bare FILE goes to the config's only market; several files are merged
  --funding    funding records (Drift funding JSON or a funding CSV); without it funding follows Drift's formula
  --out        output folder (default out/<bot name>)
  --from/--to  time window (ISO date/time, "YYYY-MM-DD HH:MM:SS" UTC, or epoch s/ms)
  --sample N   keep every N-th bar in the report timeline (default 1)
  --spread-bps full simulated bid/ask spread around the mark (default 2)`;

export async function backtestCommand(argv: string[]): Promise<number> {
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
  const sample = values.sample === undefined ? 1 : Number(values.sample);
  if (!Number.isInteger(sample) || sample < 1)
    throw new UserError(`--sample must be a whole number ≥ 1 (got ${values.sample})`);
  const spreadBps = values['spread-bps'] === undefined ? 2 : Number(values['spread-bps']);
  if (!(spreadBps >= 0 && spreadBps <= 1000))
    throw new UserError(`--spread-bps must be between 0 and 1000 (got ${values['spread-bps']})`);

  const inputs = await loadBacktestInputs(
    (values.data ?? []).map(parseFileArg),
    (values.funding ?? []).map(parseFileArg),
    config.markets,
  );
  const events = inputs.events.filter((e) => {
    const t = eventTime(e);
    return (from === undefined || t >= from) && (to === undefined || t <= to);
  });
  if (!events.some((e) => e.type === 'bar'))
    throw new UserError('no price bars inside the --from/--to window');
  for (const r of inputs.reports) {
    const notes = [
      r.duplicatesDropped ? `${r.duplicatesDropped} duplicate rows dropped` : '',
      r.superseded.length ? `${r.superseded.length} unfinished records superseded` : '',
      r.gaps.length ? `${r.gaps.length} gaps` : '',
      r.staleOracle.length ? `${r.staleOracle.reduce((a, s) => a + s.bars, 0)} bars with a stale oracle` : '',
    ].filter(Boolean);
    if (notes.length) console.error(`note: ${r.file}: ${notes.join(', ')}`);
  }

  const bar = progressBar('backtest');
  const report = runBacktest({
    config,
    events,
    replayFunding: inputs.fundingGiven,
    sample,
    spreadBps,
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.done();

  const out = resolve(values.out ?? join('out', config.name));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'report.json'), serializeReport(report));
  writeFileSync(join(out, 'report.html'), renderReportHtml(report, `${config.name} (${config.strategy})`));
  const s = report.summary;
  console.log(
    `${config.name}: ${s.bars} bars, ${s.fills} fills, total PnL ${s.totalPnl.toFixed(2)} USDC (realized ${s.realizedPnl.toFixed(2)}, unrealized ${s.unrealizedPnl.toFixed(2)}, funding ${s.fundingPnl.toFixed(2)}, fees ${s.feesPaid.toFixed(2)}), max drawdown ${s.maxDrawdown.toFixed(2)}, liquidations ${s.liquidations}, ${Math.round(s.barsPerSecond).toLocaleString('en-US')} bars/s`,
  );
  console.log(`wrote ${join(out, 'report.json')} and report.html`);
  return 0;
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
      sample: { type: 'string' },
      'spread-bps': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
