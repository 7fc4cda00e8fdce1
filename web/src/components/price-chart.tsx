import { useEffect, useRef, useState } from 'preact/hooks';
import type { Fill, HistoryPoint, OpenOrder } from '../api.ts';
import { uniqueByTime } from './chart-theme.ts';
import { attachTooltip } from './chart-tooltip.ts';
import { groupFills, markersFor } from './fill-markers.ts';
import {
  bandPoints,
  createPriceChartSeries,
  drawMarks,
  drawPriceLines,
  keepLiquidationInView,
  type PriceChartSeries,
  type TipData,
  tipDataOf,
  tooltipLines,
} from './price-chart-drawing.ts';
import { PriceChartLegend } from './price-chart-legend.tsx';

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
  const s = useRef<PriceChartSeries | null>(null);
  const tip = useRef<TipData>({ byTime: new Map(), groups: new Map() });
  const [drawn, setDrawn] = useState(0);

  useEffect(() => {
    if (box.current === null) return;
    const c = createPriceChartSeries(box.current);
    s.current = c;
    attachTooltip(c.chart, box.current, (time) => tooltipLines(tip.current, time));
    return () => {
      c.chart.remove();
      s.current = null;
    };
  }, []);

  useEffect(() => {
    const c = s.current;
    if (c === null) return;
    const marks = drawMarks(c, props.history, props.range);
    keepLiquidationInView(c, props.liqPrice, marks[marks.length - 1]?.value);
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
    tip.current = tipDataOf(props.history, groups);
    drawPriceLines(c, props.orders, props.market, props.liqPrice, props.range, props.history);
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
      <PriceChartLegend drawn={drawn} onChart={onChart} />
    </div>
  );
}
