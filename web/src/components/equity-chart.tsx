import { BaselineSeries, createChart, type IChartApi, type ISeriesApi } from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import type { HistoryPoint } from '../api.ts';
import { chartOptions, chartTime, uniqueByTime } from './chart-theme.ts';

/**
 * Equity over time, drawn as a baseline around the first point shown: green above where the window started,
 * red below — the PnL over the window at a glance.
 */
export function EquityChart(props: { history: HistoryPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  const s = useRef<{ chart: IChartApi; equity: ISeriesApi<'Baseline'>; fitted: boolean } | null>(null);

  useEffect(() => {
    if (box.current === null) return;
    const chart = createChart(box.current, chartOptions());
    const equity = chart.addSeries(BaselineSeries, {
      lineWidth: 2,
      title: 'equity',
      priceLineVisible: false,
    });
    s.current = { chart, equity, fitted: false };
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
    if (!c.fitted && points.length > 1) {
      c.chart.timeScale().fitContent();
      c.fitted = true;
    }
  }, [props.history]);

  return <div class="chart small" ref={box} data-testid="equity-chart" data-points={props.history.length} />;
}
