/**
 * `zero-perps compare RUN…`: the headline figures of several runs side by side. A RUN is a run folder, a
 * report.json, or a bot folder (its `latest` run).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../cli/user-error.ts';

interface Loaded {
  label: string;
  summary: Record<string, unknown>;
  meta: Record<string, unknown> | undefined;
}

export function resolveReport(arg: string): string {
  if (!existsSync(arg)) throw new UserError(`${arg}: no such run folder or report.json`);
  if (statSync(arg).isFile()) return arg;
  for (const candidate of [join(arg, 'report.json'), join(arg, 'latest', 'report.json')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new UserError(`${arg}: no report.json in this folder (nor in its latest run)`);
}

function load(arg: string): Loaded {
  const file = resolveReport(arg);
  let parsed: { summary?: Record<string, unknown> };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: not a readable report.json (${(err as Error).message})`);
  }
  if (!parsed.summary) throw new UserError(`${file}: has no summary (not a zero-perps report)`);
  const metaFile = join(dirname(file), 'run.json');
  const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : undefined;
  const dir = dirname(file);
  const label = meta?.runId ? `${meta.bot}/${meta.runId}` : `${basename(dirname(dir))}/${basename(dir)}`;
  return { label, summary: parsed.summary, meta };
}

/** [label, summary key, decimals, suffix] */
const ROWS: [string, string, number, string][] = [
  ['total PnL (USDC)', 'totalPnl', 2, ''],
  ['return', 'returnPct', 2, '%'],
  ['buy & hold', 'buyAndHoldReturnPct', 2, '%'],
  ['max drawdown', 'maxDrawdownPct', 2, '%'],
  ['max drawdown (USDC)', 'maxDrawdown', 2, ''],
  ['annualised return', 'annualReturnPct', 1, '%'],
  ['Sharpe', 'sharpe', 2, ''],
  ['Sortino', 'sortino', 2, ''],
  ['Calmar', 'calmar', 2, ''],
  ['grid PnL', 'gridPnl', 2, ''],
  ['trend PnL', 'trendPnl', 2, ''],
  ['funding PnL', 'fundingPnl', 2, ''],
  ['fees paid', 'feesPaid', 2, ''],
  ['fills', 'fills', 0, ''],
  ['round trips', 'roundTrips', 0, ''],
  ['win rate', 'winRatePct', 1, '%'],
  ['exposure', 'exposurePct', 1, '%'],
  ['turnover', 'turnover', 1, '×'],
  ['max leverage', 'maxLeverage', 2, ''],
  ['min liq distance', 'minLiqDistancePct', 1, '%'],
  ['liquidations', 'liquidations', 0, ''],
  ['daily-loss days', 'dailyLossDays', 0, ''],
  ['bars', 'bars', 0, ''],
];

function cell(v: unknown, decimals: number, suffix: string): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return `${v.toFixed(decimals)}${suffix}`;
}

/** The comparison as text: one column per run, one row per figure. */
export function compareRuns(args: readonly string[]): string {
  if (args.length === 0)
    throw new UserError('give one or more run folders (or report.json files) to compare');
  // `compare out/bot/*` also matches `latest`: the same run once is enough
  const seen = new Set<string>();
  const unique = args.filter((a) => {
    const key = realpathSync(resolveReport(a));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const runs = unique.map(load);
  const table: string[][] = [['', ...runs.map((r) => r.label)]];
  for (const [label, key, decimals, suffix] of ROWS) {
    table.push([label, ...runs.map((r) => cell(r.summary[key], decimals, suffix))]);
  }
  const optionKeys = ['fillModel', 'spreadBps', 'from', 'to'];
  for (const k of optionKeys) {
    const values = runs.map((r) => {
      const v = (r.meta?.options as Record<string, unknown> | undefined)?.[k];
      return v === undefined ? '—' : String(v);
    });
    if (values.some((v) => v !== '—')) table.push([k, ...values]);
  }
  return formatTable(table);
}

export function formatTable(table: readonly (readonly string[])[]): string {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table
    .map((row) =>
      row
        .map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
