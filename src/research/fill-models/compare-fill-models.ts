/**
 * `backtest --fill-models all`: the same run under each fill model, headline figures side by side, so a
 * trader sees how much of the PnL depends on how resting orders are assumed to fill.
 */
import type { ReportSummary } from '../../backtest/report-types.ts';
import type { MakerFillRule } from '../../venue/sim/matching.ts';
import { runPool } from '../parallel/pool.ts';
import { formatTable } from '../runs/compare.ts';
import type { FillModelInit } from './fill-model-handler.ts';
import { fillModelName } from './fill-model-names.ts';

export interface FillModelRow {
  model: string;
  summary: ReportSummary;
}

const HANDLER = new URL('./fill-model-handler.ts', import.meta.url);

export async function runFillModels(
  init: FillModelInit,
  rules: readonly MakerFillRule[],
  workers?: number,
): Promise<FillModelRow[]> {
  const summaries = await runPool<FillModelInit, MakerFillRule, ReportSummary>({
    handler: HANDLER,
    init,
    tasks: rules,
    workers,
  });
  return rules.map((r, i) => ({ model: fillModelName(r), summary: summaries[i] }));
}

const f = (v: number | null, d: number, suffix = ''): string =>
  v === null || !Number.isFinite(v) ? '—' : `${v.toFixed(d)}${suffix}`;

export function fillModelTable(rows: readonly FillModelRow[]): string {
  const lines: [string, (s: ReportSummary) => string][] = [
    ['fills (maker/taker)', (s) => `${s.fills} (${s.makerFills}/${s.takerFills})`],
    ['round trips', (s) => String(s.roundTrips)],
    ['total PnL (USDC)', (s) => f(s.totalPnl, 2)],
    ['return', (s) => f(s.returnPct, 2, '%')],
    ['grid PnL', (s) => f(s.gridPnl, 2)],
    ['trend PnL', (s) => f(s.trendPnl, 2)],
    ['fees paid', (s) => f(s.feesPaid, 2)],
    ['max drawdown', (s) => f(s.maxDrawdownPct, 2, '%')],
    ['Sharpe', (s) => f(s.sharpe, 2)],
    ['win rate', (s) => f(s.winRatePct, 1, '%')],
    ['exposure', (s) => f(s.exposurePct, 1, '%')],
    ['liquidations', (s) => String(s.liquidations)],
  ];
  return formatTable([
    ['fill model', ...rows.map((r) => r.model)],
    ...lines.map(([label, get]) => [label, ...rows.map((r) => get(r.summary))]),
  ]);
}
