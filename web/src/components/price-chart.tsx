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
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Fill, HistoryPoint, OpenOrder } from '../api.ts';
import { fmtNumber, fmtPrice, priceDigits } from '../format.ts';
import { COLORS, chartOptions, chartTime, uniqueByTime } from './chart-theme.ts';
import { attachTooltip } from './chart-tooltip.ts';
import { describeGroup, type FillGroup, groupFills, markersFor } from './fill-markers.ts';

interface Series {
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
interface TipData {
  byTime: Map<number, HistoryPoint>;
  groups: Map<number, FillGroup[]>;
}

/** About one fill marker per 24 px of chart width (at least 8): a phone gets fewer, wider-spaced arrows. */
const markerBudget = (width: number) => Math.max(8, Math.floor(width / 24));

/**
 * Mark price with the range band (lo/hi over time), the live ladder (open orders as price lines; only the best
 * bid and ask carry an axis label, so labels do not pile up), fills as thinned markers, the liquidation price,
 * and a tooltip with the figures at the crosshair. The chart is built once; updates only reset its data.
 */
export function PriceChart(props: {
  history: HistoryPoint[];
  orders: OpenOrder[];
  fills: Fill[];
  liqPrice: number | null;
  range: { lo: number; hi: number } | null | undefined;
  market: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const s = useRef<Series | null>(null);
  const tip = useRef<TipData>({ byTime: new Map(), groups: new Map() });
  const [drawn, setDrawn] = useState(0);

  useEffect(() => {
    if (box.current === null) return;
    const chart = createChart(box.current, chartOptions());
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
    s.current = { chart, mark, lo, hi, markers, lines: [], fitted: false, digits: -1 };
    attachTooltip(chart, box.current, (time) => {
      const p = tip.current.byTime.get(time);
      if (p === undefined) return null;
      const out = [`mark ${fmtPrice(p.mark)}`];
      if (p.lo != null && p.hi != null) out.push(`range ${fmtPrice(p.lo)} – ${fmtPrice(p.hi)}`);
      for (const g of tip.current.groups.get(time) ?? []) out.push(describeGroup(g));
      return out;
    });
    return () => {
      chart.remove();
      s.current = null;
    };
  }, []);

  useEffect(() => {
    const c = s.current;
    if (c === null) return;
    const marks = uniqueByTime(
      props.history
        .filter((p) => p.mark !== null)
        .map((p) => ({ time: chartTime(p.ts), value: p.mark as number })),
    );
    // Axis and crosshair labels with the decimals the price needs (0.0830 for KMNO, 137.21 for SOL).
    const digits = priceDigits(marks[marks.length - 1]?.value ?? props.range?.lo ?? 100);
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
    // Price lines do not widen the scale; pull a liquidation price into view when it is near enough to matter
    // (within 20% of the mark) so a thin buffer can be seen, without squashing the chart for a far-away one.
    const liq = props.liqPrice;
    const lastMark = marks[marks.length - 1]?.value;
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
    c.lo.setData(uniqueByTime(bandPoints(props.history, 'lo')));
    c.hi.setData(uniqueByTime(bandPoints(props.history, 'hi')));

    const times = marks.map((m) => m.time as number);
    const groups = groupFills(
      props.fills.filter((f) => f.market === props.market),
      times,
      markerBudget(box.current?.clientWidth ?? 600),
    );
    c.markers.setMarkers(markersFor(groups));
    setDrawn(groups.length);
    const byTime = new Map<number, HistoryPoint>();
    for (const p of props.history) if (p.mark !== null) byTime.set(chartTime(p.ts), p);
    const groupsAt = new Map<number, FillGroup[]>();
    for (const g of groups) groupsAt.set(g.time, [...(groupsAt.get(g.time) ?? []), g]);
    tip.current = { byTime, groups: groupsAt };

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
    const mine = props.orders.filter((o) => o.market === props.market);
    const bestBid = Math.max(...mine.filter((o) => o.side === 'buy').map((o) => o.price));
    const bestAsk = Math.min(...mine.filter((o) => o.side === 'sell').map((o) => o.price));
    for (const o of mine) {
      const best = o.price === (o.side === 'buy' ? bestBid : bestAsk);
      const title = best ? `${o.side === 'buy' ? 'bid' : 'ask'} ${fmtNumber(o.base)}` : '';
      add(o.price, o.side === 'buy' ? COLORS.bid : COLORS.ask, title, LineStyle.Solid, best);
    }
    if (props.liqPrice !== null) add(props.liqPrice, COLORS.liq, 'liq', LineStyle.LargeDashed, true);
    // Before the history carries a band, show the current range as two lines.
    if (props.range && !props.history.some((p) => p.lo != null)) {
      add(props.range.lo, COLORS.range, 'range lo', LineStyle.Dashed, true);
      add(props.range.hi, COLORS.range, 'range hi', LineStyle.Dashed, true);
    }
  }, [props.history, props.orders, props.fills, props.liqPrice, props.range, props.market]);

  const onChart = props.fills.filter((f) => f.market === props.market).length;
  return (
    <div>
      <div
        class="chart"
        ref={box}
        data-testid="price-chart"
        data-ladder-lines={props.orders.filter((o) => o.market === props.market).length}
        data-fill-markers={onChart}
        data-markers-drawn={drawn}
        data-liq-line={props.liqPrice === null ? '' : String(props.liqPrice)}
      />
      <div class="legend">
        <span>
          <i class="swatch sw-mark" />
          mark
        </span>
        <span>
          <i class="swatch sw-range" />
          range band
        </span>
        <span>
          <i class="swatch sw-bid" />
          bids
        </span>
        <span>
          <i class="swatch sw-ask" />
          asks
        </span>
        <span>
          <i class="swatch sw-liq" />
          liquidation
        </span>
        <span>▲▼ fills{drawn < onChart ? ` (${onChart} in ${drawn} markers)` : ''}</span>
      </div>
    </div>
  );
}

function bandPoints(history: HistoryPoint[], key: 'lo' | 'hi') {
  const out: { time: ReturnType<typeof chartTime>; value: number }[] = [];
  for (const p of history) {
    const v = p[key];
    if (v !== null && v !== undefined) out.push({ time: chartTime(p.ts), value: v });
  }
  return out;
}
