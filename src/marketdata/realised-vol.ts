/**
 * Rolling realised volatility of log returns over the last `window` returns, O(1) per sample.
 *
 * Keeps a rolling mean and sum of squared deviations (Welford's update, with the add-one-drop-one form once the
 * ring is full), which avoids the cancellation of Σr² − n·mean² when returns are nearly equal. Rounding still
 * drifts as values enter and leave, so both are recomputed from the ring (two passes) once per `window` samples,
 * O(1) amortised.
 */
export const MS_PER_YEAR = 365 * 24 * 3_600_000;

export class RealisedVol {
  readonly window: number;
  private readonly ring: Float64Array;
  private head = 0;
  private count = 0;
  private mean = 0;
  /** Σ (r − mean)² over the ring. */
  private m2 = 0;
  private sinceResum = 0;
  private lastPrice = Number.NaN;

  constructor(window = 60) {
    if (!Number.isInteger(window) || window < 2) {
      throw new RangeError(`volatility window must be an integer ≥ 2 returns (got ${window})`);
    }
    this.window = window;
    this.ring = new Float64Array(window);
  }

  /** Feeds the next price; non-positive prices are ignored (no log return exists). */
  push(price: number): void {
    if (!(price > 0) || !Number.isFinite(price)) return;
    const prev = this.lastPrice;
    this.lastPrice = price;
    if (Number.isNaN(prev)) return;
    const r = Math.log(price / prev);
    if (this.count === this.window) {
      const old = this.ring[this.head];
      const oldMean = this.mean;
      this.mean = oldMean + (r - old) / this.count;
      this.m2 += (r - old) * (r - this.mean + old - oldMean);
    } else {
      this.count++;
      const delta = r - this.mean;
      this.mean += delta / this.count;
      this.m2 += delta * (r - this.mean);
    }
    this.ring[this.head] = r;
    this.head = this.head + 1 === this.window ? 0 : this.head + 1;
    if (++this.sinceResum >= this.window) this.resum();
  }

  /** Sample standard deviation of the log returns per bar; 0 with fewer than 2 returns. */
  perBar(): number {
    const n = this.count;
    if (n < 2) return 0;
    const variance = this.m2 / (n - 1);
    return variance > 0 ? Math.sqrt(variance) : 0;
  }

  /** Annualised with √(bars per year) for bars of `intervalMs`. */
  annualised(intervalMs: number): number {
    return intervalMs > 0 ? this.perBar() * Math.sqrt(MS_PER_YEAR / intervalMs) : 0;
  }

  get returns(): number {
    return this.count;
  }

  private resum(): void {
    const n = this.count;
    let s = 0;
    for (let i = 0; i < n; i++) s += this.ring[i];
    const mean = s / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = this.ring[i] - mean;
      m2 += d * d;
    }
    this.mean = mean;
    this.m2 = m2;
    this.sinceResum = 0;
  }
}
