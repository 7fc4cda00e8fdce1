/**
 * The price chart's lightweight-charts objects: the series built once, then redrawn from the data — the mark
 * price, the range band, the live ladder and liquidation price as price lines — and the tooltip's figures.
 */
import {
  type AutoscaleInfo,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  LineSeries,
  LineStyle,
  type Time,
} from 'lightweight-charts';
import type { HistoryPoint, OpenOrder } from '../api.ts';
import { fmtNumber, fmtPrice, priceDigits } from '../format.ts';
import { COLORS, chartOptions, chartTime, uniqueByTime } from './chart-theme.ts';
import { describeGroup, type FillGroup } from './fill-markers.ts';

export interface PriceChartSeries {
  chart: IChartApi;
  mark: ISeriesApi<'Line'>;
  lo: ISeriesApi<'Line'>;
  hi: ISeriesApi<'Line'>;
  markers: ISeriesMarkersPluginApi<Time>;
  lines: IPriceLine[];
  fitted: boolean;
  digits: number;
}

/** What the tooltip reads at a charted time (kept current by the data effect). */
export interface TipData {
  byTime: Map<number, HistoryPoint>;
  groups: Map<number, FillGroup[]>;
}

/** The chart in `container`: the range band (lo, hi), the mark price over it, and its fill markers. */
export function createPriceChartSeries(container: HTMLDivElement): PriceChartSeries {
  const chart = createChart(container, chartOptions());
  const band = {
    color: COLORS.range,
    lineWidth: 1,
    lineStyle: LineStyle.Dashed,
    priceLineVisible: false,
    crosshairMarkerVisible: false,
  } as const;
  const lo = chart.addSeries(LineSeries, { ...band, title: 'lo', lastValueVisible: false });
  const hi = chart.addSeries(LineSeries, { ...band, title: 'hi', lastValueVisible: false });
  const mark = chart.addSeries(LineSeries, { color: COLORS.mark, lineWidth: 2, title: 'mark' });
  const markers = createSeriesMarkers(mark, []);
  return { chart, mark, lo, hi, markers, lines: [], fitted: false, digits: -1 };
}

/** The tooltip's lines at a charted time: the mark, the range, and every fill group there; null off the data. */
export function tooltipLines(tip: TipData, time: number): string[] | null {
  const p = tip.byTime.get(time);
  if (p === undefined) return null;
  const out = [`mark ${fmtPrice(p.mark)}`];
  if (p.lo != null && p.hi != null) out.push(`range ${fmtPrice(p.lo)} – ${fmtPrice(p.hi)}`);
  for (const g of tip.groups.get(time) ?? []) out.push(describeGroup(g));
  return out;
}

/** Draws the mark price with the decimals it needs, fitting the view once; returns the points drawn. */
export function drawMarks(
  c: PriceChartSeries,
  history: HistoryPoint[],
  range: { lo: number; hi: number } | null | undefined,
) {
  const marks = uniqueByTime(
    history.filter((p) => p.mark !== null).map((p) => ({ time: chartTime(p.ts), value: p.mark as number })),
  );
  // Axis and crosshair labels with the decimals the price needs (0.0830 for KMNO, 137.21 for SOL).
  const digits = priceDigits(marks[marks.length - 1]?.value ?? range?.lo ?? 100);
  if (digits !== c.digits) {
    c.digits = digits;
    const priceFormat = { type: 'price', precision: digits, minMove: 10 ** -digits } as const;
    for (const series of [c.mark, c.lo, c.hi]) series.applyOptions({ priceFormat });
  }
  c.mark.setData(marks);
  // Fit once, when the first points arrive; afterwards the user's zoom and scroll are kept.
  if (!c.fitted && marks.length > 1) {
    c.chart.timeScale().fitContent();
    c.fitted = true;
  }
  return marks;
}

/**
 * Price lines do not widen the scale; pull a liquidation price into view when it is near enough to matter
 * (within 20% of the mark) so a thin buffer can be seen, without squashing the chart for a far-away one.
 */
export function keepLiquidationInView(c: PriceChartSeries, liq: number | null, lastMark: number | undefined) {
  const showLiq = liq !== null && lastMark !== undefined && Math.abs(lastMark - liq) / lastMark <= 0.2;
  c.mark.applyOptions({
    autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
      const res = original();
      if (!showLiq || res === null || res.priceRange === null) return res;
      return {
        ...res,
        priceRange: {
          minValue: Math.min(res.priceRange.minValue, liq),
          maxValue: Math.max(res.priceRange.maxValue, liq),
        },
      };
    },
  });
}

export function bandPoints(history: HistoryPoint[], key: 'lo' | 'hi') {
  const out: { time: ReturnType<typeof chartTime>; value: number }[] = [];
  for (const p of history) {
    const v = p[key];
    if (v !== null && v !== undefined) out.push({ time: chartTime(p.ts), value: v });
  }
  return out;
}

/** The tooltip's lookup: history points and fill groups by charted time. */
export function tipDataOf(history: HistoryPoint[], groups: FillGroup[]): TipData {
  const byTime = new Map<number, HistoryPoint>();
  for (const p of history) if (p.mark !== null) byTime.set(chartTime(p.ts), p);
  const groupsAt = new Map<number, FillGroup[]>();
  for (const g of groups) groupsAt.set(g.time, [...(groupsAt.get(g.time) ?? []), g]);
  return { byTime, groups: groupsAt };
}

/**
 * The price lines, redrawn: the market's open orders (only the best bid and ask carry an axis label), the
 * liquidation price, and the current range while the history carries no band yet.
 */
export function drawPriceLines(
  c: PriceChartSeries,
  orders: OpenOrder[],
  market: string,
  liqPrice: number | null,
  range: { lo: number; hi: number } | null | undefined,
  history: HistoryPoint[],
) {
  for (const line of c.lines) c.mark.removePriceLine(line);
  c.lines = [];
  const add = (price: number, color: string, title: string, style: LineStyle, label: boolean) =>
    c.lines.push(
      c.mark.createPriceLine({
        price,
        color,
        title,
        lineStyle: style,
        lineWidth: 1,
        axisLabelVisible: label,
      }),
    );
  const mine = orders.filter((o) => o.market === market);
  const bestBid = Math.max(...mine.filter((o) => o.side === 'buy').map((o) => o.price));
  const bestAsk = Math.min(...mine.filter((o) => o.side === 'sell').map((o) => o.price));
  for (const o of mine) {
    const best = o.price === (o.side === 'buy' ? bestBid : bestAsk);
    const title = best ? `${o.side === 'buy' ? 'bid' : 'ask'} ${fmtNumber(o.base)}` : '';
    add(o.price, o.side === 'buy' ? COLORS.bid : COLORS.ask, title, LineStyle.Solid, best);
  }
  if (liqPrice !== null) add(liqPrice, COLORS.liq, 'liq', LineStyle.LargeDashed, true);
  // Before the history carries a band, show the current range as two lines.
  if (range && !history.some((p) => p.lo != null)) {
    add(range.lo, COLORS.range, 'range lo', LineStyle.Dashed, true);
    add(range.hi, COLORS.range, 'range hi', LineStyle.Dashed, true);
  }
}
