/**
 * Return-series ratios from an equity curve (formulas in docs/research.md). The series starts at the
 * collateral, so the first bar's move counts. Crypto trades every hour of the year: a year is 365 days.
 */

import { selectRank } from '../../marketdata/select-rank.ts';

export const YEAR_MS = 365 * 86_400_000;

export interface ReturnStats {
  returnPct: number;
  maxDrawdownPct: number;
  annualReturnPct: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
}

/** Median spacing of the timestamps (the bar interval, or the sampled interval), ms; 0 for < 2 points. */
export function medianSpacing(ts: ArrayLike<number>): number {
  if (ts.length < 2) return 0;
  // A spacing that more than half the spacings have is the median: in sorted order its run covers the middle.
  // Bars on a regular clock mostly are such, and the count is one pass without the copy and the selection
  // (~10 ms of a year's report, after its run: issue 17, twenty-second round).
  const first = (ts[1] as number) - (ts[0] as number);
  let same = 0;
  for (let i = 1; i < ts.length; i++) if ((ts[i] as number) - (ts[i - 1] as number) === first) same++;
  if (2 * same > ts.length - 1) return first;
  const d = new Float64Array(ts.length - 1);
  for (let i = 1; i < ts.length; i++) d[i - 1] = ts[i] - ts[i - 1];
  // the one rank read, selected in linear time (sorting a year of spacings took ~20 ms)
  const mid = Math.floor(d.length / 2);
  selectRank(d, d.length, mid);
  return d[mid];
}

/**
 * `start` is the equity before the first bar (the collateral), `equity` the equity after each bar, spaced
 * `periodMs` apart. An account whose equity reaches zero or below is ruined: later bars are not returns.
 */
export function returnStats(start: number, equity: ArrayLike<number>, periodMs: number): ReturnStats {
  const last = equity.length > 0 ? equity[equity.length - 1] : start;
  const returnPct = (last / start - 1) * 100;
  let peak = start;
  let maxDd = 0;
  let prev = start;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    const dd = peak > 0 ? (peak - e) / peak : 1;
    if (dd > maxDd) maxDd = dd;
    if (prev <= 0) continue;
    const r = e / prev - 1;
    n++;
    sum += r;
    sumSq += r * r;
    if (r < 0) downSq += r * r;
    prev = e;
  }
  const perYear = periodMs > 0 ? YEAR_MS / periodMs : 0;
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  const sd = variance > 0 ? Math.sqrt(variance) : 0;
  const downside = n > 0 ? Math.sqrt(downSq / n) : 0;
  const annualReturnPct =
    last <= 0 ? -100 : n > 0 && perYear > 0 ? ((last / start) ** (perYear / n) - 1) * 100 : 0;
  const maxDrawdownPct = Math.min(maxDd, 1) * 100;
  return {
    returnPct,
    maxDrawdownPct,
    annualReturnPct,
    sharpe: sd > 0 && perYear > 0 ? (mean / sd) * Math.sqrt(perYear) : null,
    sortino: downside > 0 && perYear > 0 ? (mean / downside) * Math.sqrt(perYear) : null,
    calmar: maxDrawdownPct > 0 ? annualReturnPct / maxDrawdownPct : null,
  };
}
