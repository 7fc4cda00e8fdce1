/**
 * A time-based rolling window of price samples: a push costs O(log n + B) (SortedBlocks), a percentile read O(1)
 * while it is read at the same one or two percentiles after every push (SortedBlocks' rank cursors).
 *
 * A sample belongs to the window while `newestTs − ts < lookbackMs`: a 1h window over 15-minute bars holds the
 * newest bar and the three before it. Samples arrive in time order (equal timestamps allowed); the window keeps
 * them in a ring (arrival order, for eviction) and in a SortedBlocks multiset (value order, for percentiles).
 * The blended range uses it for percentiles away from the ends (rolling-window.ts; TailWindow for the rest).
 */
import type { RollingWindow } from './rolling-window.ts';
import { SampleRing } from './sample-ring.ts';
import { SortedBlocks } from './sorted-blocks.ts';

export class PercentileWindow implements RollingWindow {
  readonly lookbackMs: number;
  private readonly sorted: SortedBlocks;
  private readonly ring = new SampleRing();
  private newestTs = Number.NEGATIVE_INFINITY;

  constructor(lookbackMs: number, blockLoad?: number) {
    if (!(lookbackMs > 0)) throw new RangeError(`lookback must be > 0 ms (got ${lookbackMs})`);
    this.lookbackMs = lookbackMs;
    this.sorted = new SortedBlocks(blockLoad);
  }

  get size(): number {
    return this.ring.count;
  }

  /** Adds a sample at `ts` and drops those that fell out of the lookback. */
  push(ts: number, value: number): void {
    if (ts < this.newestTs) {
      throw new RangeError(`samples must arrive in time order: ${ts} after ${this.newestTs}`);
    }
    if (!Number.isFinite(value)) throw new RangeError(`sample value must be finite (got ${value})`);
    this.newestTs = ts;
    // Samples that fell out leave the ring. All but the last leave the multiset at once; the last is swapped for
    // the new value in one step, which is the steady state (one sample leaves as one arrives).
    const ring = this.ring;
    const cutoff = ts - this.lookbackMs;
    let leaving = Number.NaN; // the last sample to leave, still in the multiset (samples are finite)
    while (ring.count > 0 && ring.ts[ring.head] <= cutoff) {
      if (!Number.isNaN(leaving)) this.sorted.remove(leaving);
      leaving = ring.shift();
    }
    if (Number.isNaN(leaving)) this.sorted.insert(value);
    else this.sorted.replace(leaving, value);
    ring.push(ts, value);
  }

  /** numpy-style linear percentile of the samples in the window; NaN when empty; throws for p outside [0, 100]. */
  percentile(p: number): number {
    return this.sorted.percentile(p);
  }

  /** Samples currently in the window, oldest first (tests and debugging only). */
  values(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ring.count; i++) out.push(this.ring.at(i));
    return out;
  }

  clear(): void {
    this.sorted.clear();
    this.ring.clear();
    this.newestTs = Number.NEGATIVE_INFINITY;
  }
}
