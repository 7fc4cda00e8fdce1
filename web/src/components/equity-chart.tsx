import { BaselineSeries, createChart, type IChartApi, type ISeriesApi } from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import type { HistoryPoint } from '../api.ts';
import { fmtUsd } from '../format.ts';
import { chartOptions, chartTime, uniqueByTime } from './chart-theme.ts';
import { attachTooltip } from './chart-tooltip.ts';

/**
 * Equity over time, drawn as a baseline around the first point shown: green above where the window started,
 * red below — the PnL over the window at a glance.
 */
export function EquityChart(props: { history: HistoryPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  const s = useRef<{ chart: IChartApi; equity: ISeriesApi<'Baseline'>; fitted: boolean } | null>(null);
  const tip = useRef<{ byTime: Map<number, number>; base: number }>({ byTime: new Map(), base: 0 });

  useEffect(() => {
    if (box.current === null) return;
    const chart = createChart(box.current, chartOptions());
    const equity = chart.addSeries(BaselineSeries, {
      lineWidth: 2,
      title: 'equity',
      priceLineVisible: false,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    s.current = { chart, equity, fitted: false };
    attachTooltip(chart, box.current, (time) => {
      const v = tip.current.byTime.get(time);
      if (v === undefined) return null;
      return [
        `equity ${fmtUsd(v).replace('+', '')}`,
        `${fmtUsd(v - tip.current.base)} since the window start`,
      ];
    });
    return () => {
      chart.remove();
      s.current = null;
    };
  }, []);

  useEffect(() => {
    const c = s.current;
    if (c === null) return;
    const points = uniqueByTime(props.history.map((p) => ({ time: chartTime(p.ts), value: p.equity })));
    const base = points[0]?.value ?? 0;
    c.equity.applyOptions({ baseValue: { type: 'price', price: base } });
    c.equity.setData(points);
    tip.current = { byTime: new Map(points.map((p) => [p.time as number, p.value])), base };
    if (!c.fitted && points.length > 1) {
      c.chart.timeScale().fitContent();
      c.fitted = true;
    }
  }, [props.history]);

  return <div class="chart small" ref={box} data-testid="equity-chart" data-points={props.history.length} />;
}
