/**
 * Renders report.json as one self-contained HTML file: the charting library (lightweight-charts, Apache-2.0)
 * is inlined, so the file opens offline. The charts show the report's chart rows (a few thousand, chart-rows.ts);
 * report.json carries every bar with --timeline.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { researchSection } from '../research/metrics/report-section.ts';
import { chartStride, isChartRow } from './chart-rows.ts';
import type { BacktestReport, TimelineRow } from './report-types.ts';

const MAX_MARKERS = 2000;

let chartLib: string | undefined;
function chartLibrary(): string {
  if (chartLib === undefined) {
    // The package's exports map hides the standalone build; find it next to the module entry point.
    const entry = fileURLToPath(import.meta.resolve('lightweight-charts'));
    chartLib = readFileSync(join(dirname(entry), 'lightweight-charts.standalone.production.js'), 'utf8');
  }
  return chartLib;
}

/** Every k-th row so that at most `max` remain, and the last row (chart-rows.ts's rule). */
export function thin<T>(rows: { length: number; at(i: number): T | undefined }, max: number): T[] {
  const k = chartStride(rows.length, max);
  const out: T[] = [];
  for (let i = 0; i < rows.length; i++) if (isChartRow(i, rows.length, k)) out.push(rows.at(i) as T);
  return out;
}

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** JSON safe to place inside a <script> element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

const VERDICT_COLOR: Record<string, string> = {
  APPROVE: '#16a34a',
  CLAMP: '#ca8a04',
  REDUCE_ONLY: '#ea580c',
  PAUSE: '#dc2626',
};

/** The charts' series: the report's chart rows as (time, value) points, and the fills as markers. */
function chartData(report: BacktestReport) {
  // Already thinned by the backtest (chart-rows.ts): the same rows as thinning the full timeline.
  const rows = report.chart.toArray();
  const sec = (r: TimelineRow): number => Math.floor(r.ts / 1000);
  const series = (pick: (r: TimelineRow) => number | null | undefined) =>
    rows.flatMap((r) => {
      const v = pick(r);
      return v === null || v === undefined || !Number.isFinite(v) ? [] : [{ time: sec(r), value: v }];
    });
  const liqDistance = (r: TimelineRow): number | null =>
    r.liqPrice === null || r.base === 0 ? null : (Math.abs(r.mark - r.liqPrice) / r.mark) * 100;
  const fills = thin(report.fills, MAX_MARKERS).map((f) => ({
    time: Math.floor(f.ts / 1000),
    position: f.side === 'buy' ? 'belowBar' : 'aboveBar',
    color: f.liquidation ? '#7c2d12' : f.side === 'buy' ? '#16a34a' : '#dc2626',
    shape: f.liquidation ? 'square' : f.side === 'buy' ? 'arrowUp' : 'arrowDown',
    text: f.liquidation ? 'liquidation' : '',
  }));
  return {
    mark: series((r) => r.mark),
    oracle: series((r) => r.oracle),
    rangeLo: series((r) => r.rangeLo),
    rangeHi: series((r) => r.rangeHi),
    // A liquidation price far from the market (tiny position, lots of collateral) would flatten the price
    // chart; it is shown only while within 0.5×–2× the mark.
    liq: series((r) =>
      r.base !== 0 && r.liqPrice !== null && r.liqPrice > r.mark / 2 && r.liqPrice < r.mark * 2
        ? r.liqPrice
        : null,
    ),
    equity: series((r) => r.equity),
    leverage: series((r) => r.leverage),
    liqDistance: series(liqDistance),
    base: series((r) => r.base),
    verdict: rows.map((r) => ({ time: sec(r), value: 1, color: VERDICT_COLOR[r.verdict] })),
    fills: fills.sort((a, b) => a.time - b.time),
  };
}

/** The headline figures as stat boxes. */
function summaryStats(s: BacktestReport['summary']): string {
  const stat = (k: string, v: unknown): string =>
    `<div class="stat"><span>${esc(k)}</span><b>${esc(String(v))}</b></div>`;
  const n = (v: number | null, d = 2): string => (v === null ? '—' : v.toFixed(d));
  return `${stat('bars', s.bars)}${stat('fills (maker/taker)', `${s.fills} (${s.makerFills}/${s.takerFills})`)}
${stat('total PnL', n(s.totalPnl))}${stat('realized', n(s.realizedPnl))}${stat('unrealized', n(s.unrealizedPnl))}
${stat('funding', n(s.fundingPnl))}${stat('fees paid', n(s.feesPaid))}${stat('max drawdown', n(s.maxDrawdown))}
${stat('max leverage', n(s.maxLeverage))}${stat('min liq distance %', n(s.minLiqDistancePct))}
${stat('min health', n(s.minHealth, 0))}${stat('liquidations', s.liquidations)}
${s.refusals ? stat('legs refused (depth / no book / slippage)', `${s.refusals.depth ?? 0} / ${s.refusals.noBook ?? 0} / ${s.refusals.slippage ?? 0}`) : ''}${
  s.oracleEstimatedBars
    ? stat(
        'oracle estimated from bar price (bars)',
        Object.entries(s.oracleEstimatedBars)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · '),
      )
    : ''
}${stat(
  'verdict bars',
  Object.entries(s.verdicts)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · '),
)}`;
}

export function renderReportHtml(report: BacktestReport, title: string): string {
  return reportHtmlParts(report, title).join('');
}

/**
 * report.html in the order its parts are written (their concatenation is renderReportHtml's text). Kept apart so
 * the chart data, ~1.5 MB on a year and all ASCII, never joins the page's text: the page has a few characters
 * beyond Latin-1 (—, ·, ▲), and one string holding them is two bytes a character throughout, so joining copied the
 * data into a 3 MB string and the write encoded it from there (~5 ms of a year's report).
 */
export function reportHtmlParts(report: BacktestReport, title: string): string[] {
  const research = researchSection(report.summary, report.daily);
  const head = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — zero-perps backtest</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>
body{font:14px system-ui,sans-serif;margin:20px;color:#111;background:#fafafa}
h1{font-size:20px;margin:0 0 12px} h2{font-size:15px;margin:18px 0 6px}
.stats{display:flex;flex-wrap:wrap;gap:8px}.stat{background:#fff;border:1px solid #ddd;border-radius:6px;padding:6px 10px}
.stat span{display:block;font-size:11px;color:#666}.chart{height:320px;background:#fff;border:1px solid #ddd}
.small{height:180px}.legend{font-size:12px;color:#444}
</style></head><body>
<h1>${esc(title)}</h1>
<div class="stats">
${summaryStats(report.summary)}
</div>
${research.stats}
<h2>Price, range band, liquidation price and fills</h2>
<div class="legend">mark (blue) · oracle (grey) · range band (purple) · liquidation price (red) · fills ▲ buy ▼ sell ■ liquidation</div>
<div id="price" class="chart"></div>
<h2>Equity (USDC)</h2><div id="equity" class="chart small"></div>
<h2>Position (base)</h2><div id="base" class="chart small"></div>
<h2>Leverage</h2><div id="leverage" class="chart small"></div>
<h2>Liquidation distance (% of mark)</h2><div id="liqdist" class="chart small"></div>
<h2>Verdict timeline</h2>
<div class="legend">APPROVE green · CLAMP yellow · REDUCE_ONLY orange · PAUSE red</div>
<div id="verdict" class="chart small"></div>
${research.days}
<script>`;
  const tail = `;
const LC = LightweightCharts;
const opts = { autoSize: true, timeScale: { timeVisible: true, minBarSpacing: 0.01 }, layout: { attributionLogo: false } };
function chart(id) { return LC.createChart(document.getElementById(id), opts); }
function line(c, d, color, extra) { const s = c.addSeries(LC.LineSeries, Object.assign({ color, lineWidth: 1, priceLineVisible: false }, extra || {})); s.setData(d); return s; }
const price = chart('price');
const markSeries = line(price, D.mark, '#2563eb');
line(price, D.oracle, '#9ca3af');
line(price, D.rangeLo, '#7c3aed', { lineStyle: 2 });
line(price, D.rangeHi, '#7c3aed', { lineStyle: 2 });
line(price, D.liq, '#dc2626', { lineStyle: 1 });
LC.createSeriesMarkers(markSeries, D.fills);
const charts = [price];
function simple(id, d, color) { const c = chart(id); line(c, d, color); charts.push(c); }
simple('equity', D.equity, '#059669');
simple('base', D.base, '#0f766e');
simple('leverage', D.leverage, '#2563eb');
simple('liqdist', D.liqDistance, '#dc2626');
const vc = chart('verdict');
const v = vc.addSeries(LC.HistogramSeries, { priceLineVisible: false, lastValueVisible: false });
v.setData(D.verdict);
charts.push(vc);
for (const c of charts) c.timeScale().fitContent();
document.body.dataset.rendered = 'true';
</script></body></html>
`;
  return [head, chartLibrary(), '</script>\n<script>\nconst D = ', scriptJson(chartData(report)), tail];
}
