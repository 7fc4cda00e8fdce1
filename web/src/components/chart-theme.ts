import {
  type ChartOptions,
  ColorType,
  type DeepPartial,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';

export const COLORS = {
  mark: '#4c8dff',
  range: '#6e7681',
  bid: '#3fb67a',
  ask: '#e5534b',
  liq: '#f0883e',
  equity: '#a371f7',
} as const;

/** Shared look; the TradingView logo link is off (the page loads nothing external) — credited in the footer. */
export function chartOptions(): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: '#171b21' },
      textColor: '#8893a0',
      attributionLogo: false,
    },
    grid: { vertLines: { color: '#20262e' }, horzLines: { color: '#20262e' } },
    rightPriceScale: { borderColor: '#262c35' },
    timeScale: { borderColor: '#262c35', timeVisible: true, secondsVisible: false },
  };
}

/** Chart time (UTC seconds) from epoch milliseconds. */
export function chartTime(ms: number): UTCTimestamp {
  return Math.floor(ms / 1000) as UTCTimestamp;
}

/**
 * Points with strictly increasing times, as the chart requires: several points in one second keep the last.
 */
export function uniqueByTime<T extends { time: Time }>(points: T[]): T[] {
  const out: T[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last !== undefined && (last.time as number) >= (p.time as number)) {
      if (last.time === p.time) out[out.length - 1] = p;
      continue;
    }
    out.push(p);
  }
  return out;
}
