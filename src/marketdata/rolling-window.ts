/**
 * The ordered rolling percentile windows the blended range reads when its samples are not on a decimal lattice it
 * can count (lattice-windows.ts: prices read from files usually are), and which of the two structures a window gets.
 *
 * Both answer every read exactly (numpy's linear percentile of the window's samples, bit for bit); they differ
 * in what a sample costs. PercentileWindow keeps the whole window in order (SortedBlocks): about the same cost
 * at any percentile. TailWindow keeps only the window's smallest and largest values in order and lets a sample
 * between them pass with two comparisons: cheaper for percentiles near the ends, dearer towards the median,
 * where its tails grow to half the window. Measured on a generated year of 1-minute bars (the four default
 * lookbacks, ns per bar, tails against ordered): 1/99 750 vs 1306, 5/95 1314 vs 1720, 10/90 1085 vs 1418,
 * 15/85 1429 vs 1291, 20/80 1553 vs 1237, 25/75 2427 vs 1362, 45/55 5253 vs 1994. Hence the line at 12.5.
 */
import { PercentileWindow } from './percentile-window.ts';
import { TailWindow } from './tail-window.ts';

export interface RollingWindow {
  readonly lookbackMs: number;
  /** Samples in the window. */
  readonly size: number;
  /** Adds a sample at `ts` (time order) and drops those that fell out of the lookback. */
  push(ts: number, value: number): void;
  /** numpy's linear percentile of the samples in the window; NaN when empty; throws for p outside [0, 100]. */
  percentile(p: number): number;
  /** Samples currently in the window, oldest first (tests and debugging only). */
  values(): number[];
  clear(): void;
}

/** A window read only at percentiles this close to an end (in percentage points) keeps only its tails. */
export const TAIL_WITHIN_PCT = 12.5;

/** A window for `lookbackMs`, of the structure cheaper at the percentiles it will be read at (any still work). */
export function rollingWindow(lookbackMs: number, readAt: readonly number[]): RollingWindow {
  const nearEnds = readAt.every((p) => p <= TAIL_WITHIN_PCT || p >= 100 - TAIL_WITHIN_PCT);
  return nearEnds ? new TailWindow(lookbackMs) : new PercentileWindow(lookbackMs);
}
