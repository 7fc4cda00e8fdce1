/**
 * results.html: the optimisation on one self-contained page — the overfitting verdict (PBO, Deflated Sharpe),
 * the walk-forward folds, every trial in and out of sample with the Pareto set marked, and a scatter of
 * in-sample against out-of-sample PnL (points near the diagonal held up; points far below it were fitted).
 */
import type { OptimizeResults } from './optimize.ts';

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
const n = (v: number | null | undefined, d = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d);

function scatter(r: OptimizeResults): string {
  const w = 420;
  const h = 300;
  const pad = 40;
  const xs = r.trials.map((t) => t.inSample.pnl);
  const ys = r.trials.map((t) => t.outOfSample.pnl);
  const lo = Math.min(...xs, ...ys, 0);
  const hi = Math.max(...xs, ...ys, 0);
  const span = hi - lo || 1;
  const px = (v: number) => pad + ((v - lo) / span) * (w - 2 * pad);
  const py = (v: number) => h - pad - ((v - lo) / span) * (h - 2 * pad);
  const pareto = new Set(r.pareto);
  const dots = r.trials
    .map(
      (t) =>
        `<circle cx="${px(t.inSample.pnl).toFixed(1)}" cy="${py(t.outOfSample.pnl).toFixed(1)}" r="${t.id === r.chosen ? 7 : 5}" fill="${pareto.has(t.id) ? '#2563eb' : '#9ca3af'}" stroke="${t.id === r.chosen ? '#111' : 'none'}" stroke-width="2"><title>trial ${t.id}: in ${n(t.inSample.pnl)} / out ${n(t.outOfSample.pnl)}</title></circle>`,
    )
    .join('');
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="in-sample vs out-of-sample PnL">
<rect x="0" y="0" width="${w}" height="${h}" fill="#fff" stroke="#ddd"/>
<line x1="${px(lo)}" y1="${py(lo)}" x2="${px(hi)}" y2="${py(hi)}" stroke="#d1d5db" stroke-dasharray="4 3"/>
<line x1="${px(lo)}" y1="${py(0)}" x2="${px(hi)}" y2="${py(0)}" stroke="#e5e7eb"/>
<line x1="${px(0)}" y1="${py(lo)}" x2="${px(0)}" y2="${py(hi)}" stroke="#e5e7eb"/>
<text x="${w / 2}" y="${h - 8}" text-anchor="middle" font-size="11" fill="#555">in-sample PnL (USDC)</text>
<text x="12" y="${h / 2}" text-anchor="middle" font-size="11" fill="#555" transform="rotate(-90 12 ${h / 2})">out-of-sample PnL</text>
<text x="${pad}" y="${h - pad + 14}" font-size="10" fill="#777">${n(lo, 0)}</text>
<text x="${w - pad}" y="${h - pad + 14}" font-size="10" fill="#777" text-anchor="end">${n(hi, 0)}</text>
${dots}</svg>`;
}

export function renderResultsHtml(r: OptimizeResults): string {
  const keys = Object.keys(r.space);
  const pareto = new Set(r.pareto);
  const pboText =
    r.pbo.pbo === null
      ? `not computed: ${esc(r.pbo.reason)}`
      : `<b>${(r.pbo.pbo * 100).toFixed(1)}%</b> over ${r.pbo.combinations} splits of ${r.pbo.partitions} blocks; the in-sample winner lost money out of sample in ${(r.pbo.probOosLoss * 100).toFixed(1)}% of them`;
  const d = r.deflatedSharpe;
  const dsrText =
    d.dsr === null
      ? `not computed: ${esc(d.reason)}`
      : `<b>${(d.dsr * 100).toFixed(1)}%</b> that trial ${d.trial}'s true Sharpe ratio is above 0 (hourly SR ${n(d.sharpe, 4)} vs ${n(d.sr0, 4)} expected from the best of ${d.trials} skill-less trials; ${d.returns} returns, skew ${n(d.skew)}, kurtosis ${n(d.kurtosis)})`;
  const trialRows = r.trials
    .map(
      (t) =>
        `<tr class="${t.id === r.chosen ? 'chosen' : ''}"><td>${t.id}${pareto.has(t.id) ? ' ★' : ''}</td>${keys.map((k) => `<td>${esc(String(t.params[k]))}</td>`).join('')}` +
        `<td>${n(t.inSample.pnl)}</td><td>${n(t.inSample.maxDrawdownPct)}%</td><td>${n(t.inSample.minLiqDistancePct, 1)}</td><td>${n(t.inSample.sharpe)}</td>` +
        `<td>${n(t.outOfSample.pnl)}</td><td>${n(t.outOfSample.maxDrawdownPct)}%</td><td>${n(t.outOfSample.minLiqDistancePct, 1)}</td><td>${n(t.outOfSample.sharpe)}</td>` +
        `<td>${t.inSample.liquidations + t.outOfSample.liquidations}</td></tr>`,
    )
    .join('\n');
  const foldRows = r.walkForward.folds
    .map(
      (f) =>
        `<tr><td>${f.fold}</td><td>${esc(r.segments[f.inSampleSegment].from.slice(0, 16))} → ${esc(r.segments[f.inSampleSegment].to.slice(0, 16))}</td><td>${f.chosen}</td><td>${n(f.inSamplePnl)}</td><td>${n(f.outOfSamplePnl)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.bot)} — zero-perps optimisation</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body{font:14px system-ui,sans-serif;margin:20px;color:#111;background:#fafafa}
h1{font-size:20px;margin:0 0 12px}h2{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;background:#fff;font-size:12px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f3f4f6}
tr.chosen td{background:#eff6ff;font-weight:600}.verdict{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;max-width:900px}
.verdict p{margin:4px 0}.note{color:#555;font-size:12px;max-width:900px}
</style></head><body>
<h1>${esc(r.bot)} (${esc(r.strategy)}): ${r.trials.length} trials × ${r.segments.length} segments, ${r.folds} walk-forward folds</h1>
<div class="verdict" id="verdict">
<p>Probability of backtest overfitting (CSCV): ${pboText}</p>
<p>Deflated Sharpe ratio of the chosen trial: ${dsrText}</p>
<p>Chosen (best in-sample ${esc(r.select)}): trial ${r.chosen} — ${esc(
    keys.map((k) => `${k} = ${r.trials[r.chosen].params[k]}`).join(', '),
  )}. Walk-forward out-of-sample PnL (re-choosing in each fold): <b>${n(r.walkForward.outOfSamplePnl)}</b> USDC.</p>
</div>
<p class="note">PBO near 50% or above: the in-sample ranking says nothing about out-of-sample results. A Deflated Sharpe
below 95% does not establish skill. ★ marks the in-sample Pareto set (PnL, max drawdown, min liquidation distance).</p>
<h2>In-sample vs out-of-sample PnL (blue: Pareto set, ringed: chosen)</h2>
${scatter(r)}
<h2>Walk-forward folds</h2>
<table id="folds"><thead><tr><th>fold</th><th>in-sample segment</th><th>chosen trial</th><th>in-sample PnL</th><th>next segment PnL</th></tr></thead>
<tbody>${foldRows}</tbody></table>
<h2>Trials</h2>
<table id="trials"><thead><tr><th>trial</th>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}
<th>IS PnL</th><th>IS max DD</th><th>IS min liq %</th><th>IS Sharpe</th><th>OOS PnL</th><th>OOS max DD</th><th>OOS min liq %</th><th>OOS Sharpe</th><th>liquidations</th></tr></thead>
<tbody>
${trialRows}
</tbody></table>
<p class="note">Segments: ${r.segments.map((s) => `${s.index}: ${esc(s.from.slice(0, 16))} → ${esc(s.to.slice(0, 16))}`).join(' · ')}.
${r.runs.resumed > 0 ? `${r.runs.resumed} of ${r.runs.total} segment runs were resumed from an earlier invocation.` : ''}</p>
</body></html>
`;
}
