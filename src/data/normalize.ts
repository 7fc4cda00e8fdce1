/**
 * Turning a file's records into a clean series: sort by time, drop exact repeats, let a later record replace
 * an earlier one with the same timestamp (a re-fetched, finished candle replaces the unfinished one), and
 * measure what the user should know: interval, gaps, stale-oracle stretches.
 */
import type { Candle, FundingRecord } from './types.ts';

export interface NormalizedSeries<T> {
  /** Sorted by ts, one record per ts. */
  items: T[];
  duplicatesDropped: number;
  /** Input indices of records replaced by a later record with the same ts and different content, by ts. */
  supersededIndices: number[];
  /** Places where a record's ts did not move past the previous record's (equal or earlier). */
  outOfOrder: number;
  /** Of those, places where time went backwards (the file was not in time order and is sorted). */
  steppedBack: number;
}

/**
 * Sorts (stably) and resolves repeated timestamps. Within one ts the file order decides: a record equal to
 * the current one is a duplicate; a different one supersedes it.
 */
export function normalizeSeries<T extends { ts: number }>(
  items: T[],
  sameContent: (a: T, b: T) => boolean,
): NormalizedSeries<T> {
  let outOfOrder = 0;
  let steppedBack = 0;
  for (let i = 1; i < items.length; i++) {
    const d = items[i].ts - items[i - 1].ts;
    if (d <= 0) {
      outOfOrder++;
      if (d < 0) steppedBack++;
    }
  }
  const backwards = steppedBack > 0;
  if (outOfOrder === 0)
    return { items, duplicatesDropped: 0, supersededIndices: [], outOfOrder, steppedBack };

  const order = Array.from({ length: items.length }, (_, i) => i);
  // Array.prototype.sort is stable, so equal timestamps keep file order and "later in the file" stays later.
  if (backwards) order.sort((a, b) => items[a].ts - items[b].ts);
  const kept: T[] = [];
  const supersededIndices: number[] = [];
  let duplicatesDropped = 0;
  let winner = -1;
  for (const idx of order) {
    const it = items[idx];
    const last = kept.length - 1;
    if (last >= 0 && kept[last].ts === it.ts) {
      if (sameContent(kept[last], it)) duplicatesDropped++;
      else {
        supersededIndices.push(winner);
        kept[last] = it;
        winner = idx;
      }
    } else {
      kept.push(it);
      winner = idx;
    }
  }
  return { items: kept, duplicatesDropped, supersededIndices, outOfOrder, steppedBack };
}

/** The most common positive spacing between consecutive timestamps (the smaller on a tie); 0 when unknown. */
export function inferIntervalMs(ts: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i] - ts[i - 1];
    if (d <= 0) continue;
    const c = (counts.get(d) ?? 0) + 1;
    counts.set(d, c);
    if (c > bestCount || (c === bestCount && d < best)) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

export interface Gap {
  /** The last record before the hole (exclusive bound). */
  from: number;
  /** The first record after the hole (exclusive bound). */
  to: number;
  missingBars: number;
}

/**
 * Holes in a sorted series: spacings that round to two or more steps. Rounding (not exact division) lets a
 * jittered series such as Drift's funding settlements (3,486–3,614 s apart) count its missing hours.
 */
export function findGaps(ts: ArrayLike<number>, stepMs: number): Gap[] {
  const gaps: Gap[] = [];
  if (stepMs <= 0) return gaps;
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i] - ts[i - 1];
    if (d <= stepMs) continue;
    const missingBars = Math.round(d / stepMs) - 1;
    if (missingBars >= 1) gaps.push({ from: ts[i - 1], to: ts[i], missingBars });
  }
  return gaps;
}

export interface StaleRun {
  /** Open time of the first stale bar. */
  from: number;
  /** End of the last stale bar (its open time plus the interval): the run covers [from, to). */
  to: number;
  bars: number;
}

/** Runs of consecutive bars flagged `oracleStale`, longest first (earlier first among equals). */
export function staleOracleRuns(candles: readonly Candle[], intervalMs: number): StaleRun[] {
  return staleRuns(
    candles.length,
    (i) => candles[i].ts,
    (i) => candles[i].oracleStale === true,
    intervalMs,
  );
}

/** The same over any bar store: `n` bars, their open times and stale flags by index. */
export function staleRuns(
  n: number,
  tsAt: (i: number) => number,
  isStale: (i: number) => boolean,
  intervalMs: number,
): StaleRun[] {
  const runs: StaleRun[] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const stale = i < n && isStale(i);
    if (stale && start === -1) start = i;
    if (!stale && start !== -1) {
      runs.push({ from: tsAt(start), to: tsAt(i - 1) + intervalMs, bars: i - start });
      start = -1;
    }
  }
  return runs.sort((a, b) => b.bars - a.bars || a.from - b.from);
}

/** Field-by-field equality of two candles (what "exact duplicate" means). */
export function sameCandle(a: Candle, b: Candle): boolean {
  return (
    a.ts === b.ts &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume &&
    a.oracleOpen === b.oracleOpen &&
    a.oracleHigh === b.oracleHigh &&
    a.oracleLow === b.oracleLow &&
    a.oracleClose === b.oracleClose &&
    a.oracleStale === b.oracleStale &&
    a.fundingRate === b.fundingRate
  );
}

/** Field-by-field equality of two funding records. */
export function sameFunding(a: FundingRecord, b: FundingRecord): boolean {
  return (
    a.ts === b.ts &&
    a.ratePerBase === b.ratePerBase &&
    a.rateFraction === b.rateFraction &&
    a.oracleTwap === b.oracleTwap &&
    a.markTwap === b.markTwap &&
    a.periodHours === b.periodHours
  );
}
