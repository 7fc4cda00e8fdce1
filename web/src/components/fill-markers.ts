/**
 * Fill markers a person can read: fills are snapped to the nearest charted point (a marker needs a bar), then
 * grouped per side into time buckets so at most `maxMarkers` arrows are drawn; a group of several fills is one
 * arrow labelled with its count ("3B"). Text is drawn only when few markers are shown; the tooltip gives
 * every group's detail.
 */
import type { SeriesMarker, Time } from 'lightweight-charts';
import type { Fill } from '../api.ts';
import { fmtNumber, fmtPrice } from '../format.ts';
import { COLORS, chartTime } from './chart-theme.ts';

export interface FillGroup {
  /** Chart time (UTC seconds) the marker sits on. */
  time: number;
  side: 'buy' | 'sell';
  fills: Fill[];
}

/** Markers drawn with text only up to this many; beyond it arrows alone (the tooltip has the detail). */
const TEXT_LIMIT = 12;

export function groupFills(
  fills: readonly Fill[],
  times: readonly number[],
  maxMarkers: number,
): FillGroup[] {
  if (times.length === 0 || fills.length === 0) return [];
  const first = times[0] as number;
  const last = times[times.length - 1] as number;
  // Both sides can have a marker in a bucket, hence half the budget per side.
  const buckets = Math.max(1, Math.floor(maxMarkers / 2));
  const span = Math.max(1, (last - first) / buckets);
  const groups = new Map<string, FillGroup>();
  for (const f of fills) {
    const t = nearest(times, chartTime(f.ts));
    const bucket = Math.min(buckets - 1, Math.floor((t - first) / span));
    const key = `${bucket}:${f.side}`;
    const g = groups.get(key);
    if (g) {
      g.fills.push(f);
      if (t > g.time) g.time = t;
    } else groups.set(key, { time: t, side: f.side, fills: [f] });
  }
  return [...groups.values()].sort((a, b) => a.time - b.time || a.side.localeCompare(b.side));
}

export function markersFor(groups: readonly FillGroup[]): SeriesMarker<Time>[] {
  const withText = groups.length <= TEXT_LIMIT;
  return groups.map((g) => {
    const buy = g.side === 'buy';
    const one = g.fills[0] as Fill;
    const text = !withText
      ? ''
      : g.fills.length > 1
        ? `${g.fills.length}${buy ? 'B' : 'S'}`
        : `${buy ? 'B' : 'S'} ${fmtNumber(one.base)} @ ${fmtPrice(one.price)}`;
    return {
      time: g.time as Time,
      position: buy ? 'belowBar' : 'aboveBar',
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: buy ? COLORS.bid : COLORS.ask,
      text,
    };
  });
}

/** One line per side for the tooltip: "2 buys, 1.0 @ avg 137.21". */
export function describeGroup(g: FillGroup): string {
  const base = g.fills.reduce((a, f) => a + f.base, 0);
  const avg = g.fills.reduce((a, f) => a + f.price * f.base, 0) / (base || 1);
  const n = g.fills.length;
  const noun = g.side === 'buy' ? (n === 1 ? 'buy' : 'buys') : n === 1 ? 'sell' : 'sells';
  return `${n} ${noun}, ${fmtNumber(base)} @ ${n === 1 ? '' : 'avg '}${fmtPrice(avg)}`;
}

export function nearest(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  const after = sorted[lo] as number;
  const before = sorted[Math.max(0, lo - 1)] as number;
  return Math.abs(before - t) <= Math.abs(after - t) ? before : after;
}
