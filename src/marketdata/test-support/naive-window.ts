/**
 * The obvious rolling percentile, as the reference for the incremental structures (sorted-blocks.ts,
 * percentile-window.ts, blended-range.ts): keep every sample; on each read take those within the lookback of the
 * newest, sort them, and apply numpy's default ('linear') percentile. Deliberately shares no code with them.
 */

/** numpy.percentile(values, p) with the default method; NaN for no values. */
export function numpyPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const virtualIndex = (n - 1) * (p / 100);
  const i = Math.floor(virtualIndex);
  const t = virtualIndex - i;
  if (i + 1 >= n) return sorted[i];
  const a = sorted[i];
  const b = sorted[i + 1];
  // numpy's _lerp: from the upper end when t ≥ 0.5, so that t = 1 gives b exactly
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** A sample belongs to the window while `newestTs − ts < lookbackMs`. */
export class NaiveWindow {
  readonly lookbackMs: number;
  private readonly samples: { ts: number; value: number }[] = [];

  constructor(lookbackMs: number) {
    this.lookbackMs = lookbackMs;
  }

  /** The caller passes only samples in time order with finite values. */
  push(ts: number, value: number): void {
    this.samples.push({ ts, value });
  }

  values(): number[] {
    const newest = this.samples.at(-1)?.ts;
    if (newest === undefined) return [];
    return this.samples.filter((s) => newest - s.ts < this.lookbackMs).map((s) => s.value);
  }

  percentile(p: number): number {
    return numpyPercentile(this.values(), p);
  }
}

/**
 * The blended range of DESIGN.md §4 from naive windows: Σ w·lo / Σ w and Σ w·hi / Σ w over the windows with a
 * positive weight, summed in the order given (1h, 4h, 1d, 1w), as the incremental code does.
 */
export function naiveBlend(
  windows: readonly { weight: number; window: NaiveWindow }[],
  pLo: number,
  pHi: number,
): { lo: number; hi: number } {
  let sumW = 0;
  let sumLo = 0;
  let sumHi = 0;
  for (const { weight, window } of windows) {
    if (!(weight > 0) || window.values().length === 0) continue;
    sumW += weight;
    sumLo += weight * window.percentile(pLo);
    sumHi += weight * window.percentile(pHi);
  }
  return { lo: sumLo / sumW, hi: sumHi / sumW };
}
