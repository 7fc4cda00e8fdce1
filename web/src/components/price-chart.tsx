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
  type SeriesMarker,
  type Time,
} from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import type { Fill, HistoryPoint, OpenOrder } from '../api.ts';
import { fmtPrice } from '../format.ts';
import { COLORS, chartOptions, chartTime, uniqueByTime } from './chart-theme.ts';

interface Series {
  chart: IChartApi;
  mark: ISeriesApi<'Line'>;
  lo: ISeriesApi<'Line'>;
  hi: ISeriesApi<'Line'>;
  markers: ISeriesMarkersPluginApi<Time>;
  lines: IPriceLine[];
  fitted: boolean;
}

/**
 * Mark price with the range band (lo/hi over time), the live ladder (open orders as price lines), fills as
 * markers and the liquidation price line. The chart is built once; every update only resets its data.
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

  useEffect(() => {
    if (box.current === null) return;
    const chart = createChart(box.current, chartOptions());
    const band = {
      color: COLORS.range,
      lineWidth: 1,
      lineStyle: LineStyle.Dashed,
      priceLineVisible: false,
    } as const;
    const lo = chart.addSeries(LineSeries, { ...band, title: 'lo', lastValueVisible: false });
    const hi = chart.addSeries(LineSeries, { ...band, title: 'hi', lastValueVisible: false });
    const mark = chart.addSeries(LineSeries, { color: COLORS.mark, lineWidth: 2, title: 'mark' });
    const markers = createSeriesMarkers(mark, []);
    s.current = { chart, mark, lo, hi, markers, lines: [], fitted: false };
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
    c.markers.setMarkers(
      fillMarkers(
        props.fills.filter((f) => f.market === props.market),
        marks.map((m) => m.time as number),
      ),
    );

    for (const line of c.lines) c.mark.removePriceLine(line);
    c.lines = [];
    const add = (price: number, color: string, title: string, style: LineStyle) =>
      c.lines.push(
        c.mark.createPriceLine({
          price,
          color,
          title,
          lineStyle: style,
          lineWidth: 1,
          axisLabelVisible: true,
        }),
      );
    for (const o of props.orders) {
      if (o.market !== props.market) continue;
      add(o.price, o.side === 'buy' ? COLORS.bid : COLORS.ask, `${o.side} ${o.base}`, LineStyle.Solid);
    }
    if (props.liqPrice !== null) add(props.liqPrice, COLORS.liq, 'liq', LineStyle.LargeDashed);
    // Before the history carries a band, show the current range as two lines.
    if (props.range && !props.history.some((p) => p.lo != null)) {
      add(props.range.lo, COLORS.range, 'range lo', LineStyle.Dashed);
      add(props.range.hi, COLORS.range, 'range hi', LineStyle.Dashed);
    }
  }, [props.history, props.orders, props.fills, props.liqPrice, props.range, props.market]);

  return (
    <div>
      <div
        class="chart"
        ref={box}
        data-testid="price-chart"
        data-ladder-lines={props.orders.filter((o) => o.market === props.market).length}
        data-fill-markers={props.fills.filter((f) => f.market === props.market).length}
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
        <span>▲▼ fills</span>
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

/** Fill markers, each snapped to the nearest charted time (a marker needs a bar to sit on), sorted by time. */
function fillMarkers(fills: Fill[], times: number[]): SeriesMarker<Time>[] {
  if (times.length === 0) return [];
  const out: SeriesMarker<Time>[] = [];
  for (const f of fills) {
    const t = nearest(times, chartTime(f.ts));
    out.push({
      time: t as Time,
      position: f.side === 'buy' ? 'belowBar' : 'aboveBar',
      shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown',
      color: f.side === 'buy' ? COLORS.bid : COLORS.ask,
      text: `${f.side === 'buy' ? 'B' : 'S'} ${f.base}@${fmtPrice(f.price)}`,
    });
  }
  return out.sort((a, b) => (a.time as number) - (b.time as number));
}

function nearest(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  const after = sorted[lo]!;
  const before = sorted[Math.max(0, lo - 1)]!;
  return Math.abs(before - t) <= Math.abs(after - t) ? before : after;
}
