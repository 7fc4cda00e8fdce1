/**
 * Which timeline rows the HTML report charts: every k-th row and the last, with k the smallest stride that keeps
 * at most CHART_POINTS rows before the last. A chart of a few thousand points looks the same as one of half a
 * million, and the backtest can then pick the chart's rows as it goes without keeping the whole timeline
 * (report.json carries every row only on request).
 */
export const CHART_POINTS = 4000;

/** The stride for a timeline of `rows` rows. */
export function chartStride(rows: number, maxPoints = CHART_POINTS): number {
  return Math.max(1, Math.ceil(rows / maxPoints));
}

/** Whether row `j` (0-based) of a timeline of `rows` rows is charted. */
export function isChartRow(j: number, rows: number, stride = chartStride(rows)): boolean {
  return j % stride === 0 || j === rows - 1;
}
