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
  const count = new SpacingCount();
  for (let i = 0; i < ts.length; i++) count.add(ts[i] as number);
  return count.median(ts);
}

/**
 * medianSpacing a row at a time: the spacings equal to the first one are counted as the rows come (the metrics'
 * one pass over a single market's rows feeds it; medianSpacing itself is a loop over it).
 */
export class SpacingCount {
  #rows = 0;
  #prev = Number.NaN;
  #first = Number.NaN;
  #same = 0;

  add(ts: number): void {
    if (this.#rows === 1) this.#first = ts - this.#prev;
    if (this.#rows >= 1 && ts - this.#prev === this.#first) this.#same++;
    this.#prev = ts;
    this.#rows++;
  }

  /** The median spacing of the rows added, which are `ts`. */
  median(ts: ArrayLike<number>): number {
    if (this.#rows < 2) return 0;
    // A spacing that more than half the spacings have is the median: in sorted order its run covers the middle.
    // Bars on a regular clock mostly are such, and the count is one pass without the copy and the selection
    // (~10 ms of a year's report, after its run: issue 17, twenty-second round).
    if (2 * this.#same > this.#rows - 1) return this.#first;
    const d = new Float64Array(ts.length - 1);
    for (let i = 1; i < ts.length; i++) d[i - 1] = ts[i] - ts[i - 1];
    // the one rank read, selected in linear time (sorting a year of spacings took ~20 ms)
    const mid = Math.floor(d.length / 2);
    selectRank(d, d.length, mid);
    return d[mid];
  }
}

/**
 * `start` is the equity before the first bar (the collateral), `equity` the equity after each bar, spaced
 * `periodMs` apart. An account whose equity reaches zero or below is ruined: later bars are not returns.
 */
export function returnStats(start: number, equity: ArrayLike<number>, periodMs: number): ReturnStats {
  const sums = new ReturnSums(start);
  for (let i = 0; i < equity.length; i++) sums.add(equity[i] as number);
  return sums.stats(periodMs);
}

/** returnStats' running figures, a bar's equity at a time (the metrics' one pass feeds it too). */
export class ReturnSums {
  readonly #start: number;
  #last: number;
  #peak: number;
  #maxDd = 0;
  #prev: number;
  #n = 0;
  #sum = 0;
  #sumSq = 0;
  #downSq = 0;

  constructor(start: number) {
    this.#start = start;
    this.#last = start;
    this.#peak = start;
    this.#prev = start;
  }

  add(e: number): void {
    this.#last = e;
    if (e > this.#peak) this.#peak = e;
    const peak = this.#peak;
    const dd = peak > 0 ? (peak - e) / peak : 1;
    if (dd > this.#maxDd) this.#maxDd = dd;
    const prev = this.#prev;
    if (prev <= 0) return;
    const r = e / prev - 1;
    this.#n++;
    this.#sum += r;
    this.#sumSq += r * r;
    if (r < 0) this.#downSq += r * r;
    this.#prev = e;
  }

  /** The ratios of the bars added, spaced `periodMs` apart. */
  stats(periodMs: number): ReturnStats {
    const start = this.#start;
    const last = this.#last;
    const n = this.#n;
    const returnPct = (last / start - 1) * 100;
    const perYear = periodMs > 0 ? YEAR_MS / periodMs : 0;
    const mean = n > 0 ? this.#sum / n : 0;
    const variance = n > 1 ? (this.#sumSq - n * mean * mean) / (n - 1) : 0;
    const sd = variance > 0 ? Math.sqrt(variance) : 0;
    const downside = n > 0 ? Math.sqrt(this.#downSq / n) : 0;
    const annualReturnPct =
      last <= 0 ? -100 : n > 0 && perYear > 0 ? ((last / start) ** (perYear / n) - 1) * 100 : 0;
    const maxDrawdownPct = Math.min(this.#maxDd, 1) * 100;
    return {
      returnPct,
      maxDrawdownPct,
      annualReturnPct,
      sharpe: sd > 0 && perYear > 0 ? (mean / sd) * Math.sqrt(perYear) : null,
      sortino: downside > 0 && perYear > 0 ? (mean / downside) * Math.sqrt(perYear) : null,
      calmar: maxDrawdownPct > 0 ? annualReturnPct / maxDrawdownPct : null,
    };
  }
}
