/**
 * `zero-perps data download …`: public Drift and Binance market data into files the backtest reads
 * (src/data/download/, docs/data.md). Resumable: run the same command again after an interruption.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadBinance } from '../data/download/binance-download.ts';
import {
  type DownloadResult,
  downloadDriftCandles,
  downloadDriftFunding,
} from '../data/download/drift-download.ts';
import { DEFAULT_BASES, resolutionMs } from '../data/download/sources.ts';
import { getMarket } from '../domain/markets.ts';
import { parseTimeArg } from './parse-time.ts';
import { progressBar } from './progress.ts';
import { UserError } from './user-error.ts';

const HELP = `usage:
  zero-perps data download drift candles --market SOL-PERP --from 2025-03-01 --to 2025-04-01 [--resolution 60]
  zero-perps data download drift funding --market SOL-PERP              (Drift serves the last 30 days)
  zero-perps data download binance klines --symbol SOLUSDT --from 2025-03 --to 2025-04 [--interval 1m]
  zero-perps data download binance funding --symbol SOLUSDT --from 2025-03 --to 2025-04
options: --out DIR (default data/downloads), --base-url URL (another server, e.g. a mirror)
Downloads resume: run the same command again after an interruption.`;

type DataFlags = ReturnType<typeof parse>['values'];
type DownloadBar = ReturnType<typeof progressBar>;

export async function dataCommand(argv: string[]): Promise<number> {
  const [verb, source, kind, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h') {
    console.log(HELP);
    return verb ? 0 : 2;
  }
  if (verb !== 'download') throw new UserError(`unknown data command "${verb}"\n${HELP}`);
  let values: DataFlags;
  try {
    values = parse(rest).values;
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${HELP}`);
  }
  const out = resolve(values.out ?? 'data/downloads');
  const bar = progressBar(`download ${source} ${kind}`);
  let results: DownloadResult[];
  if (source === 'drift' && (kind === 'candles' || kind === 'funding')) {
    results = await downloadFromDrift(kind, values, out, bar);
  } else if (source === 'binance' && (kind === 'klines' || kind === 'funding')) {
    results = await downloadFromBinance(kind, values, out, bar);
  } else {
    throw new UserError(
      `unknown source "${source ?? ''} ${kind ?? ''}" (drift candles|funding, binance klines|funding)\n${HELP}`,
    );
  }
  bar.done();
  for (const r of results) {
    const rep = r.report;
    const span = `${new Date(rep.firstTs).toISOString().slice(0, 16)} → ${new Date(rep.lastTs).toISOString().slice(0, 16)}`;
    const notes = [
      rep.duplicatesDropped ? `${rep.duplicatesDropped} repeated records` : '',
      rep.gaps.length ? `${rep.gaps.length} gaps` : '',
    ].filter(Boolean);
    console.log(
      `${r.file}: ${rep.format}, ${rep.rows} rows, ${span}${notes.length ? ` (${notes.join(', ')})` : ''}; ${r.requests} requests, ${r.reused} reused`,
    );
  }
  return 0;
}

/** `data download drift candles|funding`: the market checked, then its candles (a span) or its funding. */
async function downloadFromDrift(
  kind: 'candles' | 'funding',
  values: DataFlags,
  out: string,
  bar: DownloadBar,
): Promise<DownloadResult[]> {
  if (!values.market) throw new UserError('--market is required (e.g. SOL-PERP)');
  let market: ReturnType<typeof getMarket>;
  try {
    market = getMarket(values.market.toUpperCase());
  } catch (err) {
    throw new UserError(`--market: ${(err as Error).message}`);
  }
  if (kind === 'funding') {
    return [
      await downloadDriftFunding({
        base: values['base-url'] ?? DEFAULT_BASES.driftData,
        market: market.symbol,
        out,
      }),
    ];
  }
  const resolution = values.resolution ?? '60';
  try {
    resolutionMs(resolution);
  } catch (err) {
    throw new UserError(`--resolution: ${(err as Error).message}`);
  }
  const from = parseTimeArg('--from', values.from);
  const to = parseTimeArg('--to', values.to);
  if (from === undefined || to === undefined) throw new UserError('--from and --to are required');
  if (to <= from) throw new UserError('--to must be after --from');
  return [
    await downloadDriftCandles({
      base: values['base-url'] ?? DEFAULT_BASES.drift,
      market: market.symbol,
      marketIndex: market.marketIndex,
      resolution,
      from,
      to,
      out,
      onProgress: (d, t) => bar.update(d, t),
    }),
  ];
}

/** `data download binance klines|funding`: monthly archives of a symbol; a bad month is the user's error. */
async function downloadFromBinance(
  kind: 'klines' | 'funding',
  values: DataFlags,
  out: string,
  bar: DownloadBar,
): Promise<DownloadResult[]> {
  if (!values.symbol) throw new UserError('--symbol is required (e.g. SOLUSDT)');
  if (!values.from || !values.to) throw new UserError('--from and --to are required (months, YYYY-MM)');
  try {
    return await downloadBinance({
      base: values['base-url'] ?? DEFAULT_BASES.binance,
      kind,
      symbol: values.symbol.toUpperCase(),
      interval: values.interval ?? '1m',
      fromMonth: values.from,
      toMonth: values.to,
      out,
      onProgress: (d, t) => bar.update(d, t),
    });
  } catch (err) {
    if (err instanceof RangeError) throw new UserError(`--from/--to: ${err.message}`);
    throw err;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      market: { type: 'string' },
      symbol: { type: 'string' },
      resolution: { type: 'string' },
      interval: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      'base-url': { type: 'string' },
    },
  });
}
