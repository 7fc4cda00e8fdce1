/**
 * A time-based rolling window of price samples with O(log n) percentiles.
 *
 * A sample belongs to the window while `newestTs − ts < lookbackMs`: a 1h window over 15-minute bars holds the
 * newest bar and the three before it. Samples arrive in time order (equal timestamps allowed); the window keeps
 * them in a ring (arrival order, for eviction) and in a SortedBlocks multiset (value order, for percentiles).
 */
import { SortedBlocks } from './sorted-blocks.ts';

export class PercentileWindow {
  readonly lookbackMs: number;
  private readonly sorted: SortedBlocks;
  private ringTs: Float64Array;
  private ringValue: Float64Array;
  private head = 0;
  private count = 0;
  private newestTs = Number.NEGATIVE_INFINITY;

  constructor(lookbackMs: number, blockLoad?: number) {
    if (!(lookbackMs > 0)) throw new RangeError(`lookback must be > 0 ms (got ${lookbackMs})`);
    this.lookbackMs = lookbackMs;
    this.sorted = new SortedBlocks(blockLoad);
    this.ringTs = new Float64Array(64);
    this.ringValue = new Float64Array(64);
  }

  get size(): number {
    return this.count;
  }

  /** Adds a sample at `ts` and drops those that fell out of the lookback. */
  push(ts: number, value: number): void {
    if (ts < this.newestTs) {
      throw new RangeError(`samples must arrive in time order: ${ts} after ${this.newestTs}`);
    }
    if (!Number.isFinite(value)) throw new RangeError(`sample value must be finite (got ${value})`);
    this.newestTs = ts;
    this.evictBefore(ts - this.lookbackMs);
    if (this.count === this.ringTs.length) this.grow();
    const cap = this.ringTs.length;
    const tail = (this.head + this.count) % cap;
    this.ringTs[tail] = ts;
    this.ringValue[tail] = value;
    this.count++;
    this.sorted.insert(value);
  }

  /** numpy-style linear percentile of the samples in the window (p in [0, 100]); NaN when empty. */
  percentile(p: number): number {
    return this.sorted.percentile(p);
  }

  /** Samples currently in the window, oldest first (tests and debugging only). */
  values(): number[] {
    const out: number[] = [];
    const cap = this.ringTs.length;
    for (let i = 0; i < this.count; i++) out.push(this.ringValue[(this.head + i) % cap]);
    return out;
  }

  clear(): void {
    this.sorted.clear();
    this.head = 0;
    this.count = 0;
    this.newestTs = Number.NEGATIVE_INFINITY;
  }

  /** Drops samples with ts ≤ cutoff. */
  private evictBefore(cutoff: number): void {
    const cap = this.ringTs.length;
    while (this.count > 0 && this.ringTs[this.head] <= cutoff) {
      this.sorted.remove(this.ringValue[this.head]);
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.count--;
    }
  }

  /** Doubles the ring; happens O(log n) times over a window's life. */
  private grow(): void {
    const cap = this.ringTs.length;
    const ts = new Float64Array(cap * 2);
    const value = new Float64Array(cap * 2);
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) % cap;
      ts[i] = this.ringTs[j];
      value[i] = this.ringValue[j];
    }
    this.ringTs = ts;
    this.ringValue = value;
    this.head = 0;
  }
}
