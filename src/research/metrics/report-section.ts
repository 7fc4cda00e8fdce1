/**
 * The research metrics and the daily table as an HTML fragment for report.html (self-contained, no script).
 */
import type { DailyRow, ResearchMetrics } from './types.ts';

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
const num = (v: number | null, d = 2): string => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(d));
const pct = (v: number | null, d = 2): string =>
  v === null || !Number.isFinite(v) ? '—' : `${v.toFixed(d)}%`;
const stat = (k: string, v: string, hint: string): string =>
  `<div class="stat" title="${esc(hint)}"><span>${esc(k)}</span><b>${esc(v)}</b></div>`;

const VERDICT_COLOR: Record<string, string> = {
  APPROVE: '#16a34a',
  CLAMP: '#ca8a04',
  REDUCE_ONLY: '#ea580c',
  PAUSE: '#dc2626',
};

/** `stats` goes under the run's summary, `days` after the charts. */
export function researchSection(
  s: ResearchMetrics,
  daily: readonly DailyRow[],
): { stats: string; days: string } {
  const stats = [
    stat('return', pct(s.returnPct), '(final equity / collateral − 1)'),
    stat('buy & hold', pct(s.buyAndHoldReturnPct), 'the market over the same span'),
    stat('max drawdown', pct(s.maxDrawdownPct), 'largest fall from a running peak of equity'),
    stat('annualised return', pct(s.annualReturnPct), 'compound annual growth rate of equity'),
    stat('Sharpe', num(s.sharpe), 'mean / stdev of per-bar returns × √(bars per year)'),
    stat('Sortino', num(s.sortino), 'mean / downside deviation of per-bar returns × √(bars per year)'),
    stat('Calmar', num(s.calmar), 'annualised return / max drawdown'),
    stat('round trips', String(s.roundTrips), 'closing trades, matched FIFO'),
    stat('win rate', pct(s.winRatePct, 1), 'round trips with a positive PnL net of fees'),
    stat('exposure', pct(s.exposurePct, 1), 'bars ending with a position open'),
    stat('turnover', `${num(s.turnover, 1)}×`, 'traded notional / collateral'),
    stat('grid PnL', num(s.gridPnl), 'Σ size × (oracle − trade price): what the trades earned'),
    stat('trend PnL', num(s.trendPnl), 'Σ position × Δoracle: what carrying the inventory earned'),
    stat('fees % of PnL', pct(s.feesPctOfPnl, 1), 'fees paid / |grid + trend PnL|'),
    stat('funding % of PnL', pct(s.fundingPctOfPnl, 1), 'funding / |grid + trend PnL|'),
    stat('daily-loss days', String(s.dailyLossDays), 'UTC days on which rule C was in force'),
  ].join('');
  const rows = daily
    .map(
      (d) =>
        `<tr><td>${d.date}</td><td>${num(d.equity)}</td><td class="${d.pnl < 0 ? 'neg' : 'pos'}">${num(d.pnl)}</td>` +
        `<td>${num(d.gridPnl)}</td><td>${num(d.trendPnl)}</td><td>${num(d.fundingPnl)}</td><td>${num(d.fees)}</td>` +
        `<td>${d.fills}</td><td>${d.roundTrips}</td>` +
        `<td style="color:${VERDICT_COLOR[d.worstVerdict]}">${d.worstVerdict}${d.dailyLossTripped ? ' (daily loss)' : ''}</td></tr>`,
    )
    .join('\n');
  return {
    stats: `<h2>Performance</h2>\n<div class="stats" id="research">${stats}</div>`,
    days: `<h2>Days (UTC)</h2>
<table class="daily" id="daily"><thead><tr><th>date</th><th>equity</th><th>PnL</th><th>grid</th><th>trend</th>
<th>funding</th><th>fees paid</th><th>fills</th><th>round trips</th><th>worst verdict</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<style>
table.daily{border-collapse:collapse;background:#fff;font-size:12px;font-variant-numeric:tabular-nums}
table.daily th,table.daily td{border:1px solid #ddd;padding:3px 8px;text-align:right}
table.daily th{background:#f3f4f6}table.daily td:first-child{text-align:left}
td.neg{color:#dc2626}td.pos{color:#16a34a}
</style>`,
  };
}
