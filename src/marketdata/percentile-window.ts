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
  private readonly sorted: SortedBlocks;
  private readonly ring: SampleRing;

  constructor(lookbackMs: number, blockLoad?: number) {
    this.ring = new SampleRing(lookbackMs);
    this.sorted = new SortedBlocks(blockLoad);
  }

  get lookbackMs(): number {
    return this.ring.lookbackMs;
  }

  get size(): number {
    return this.ring.count;
  }

  /** Adds a sample at `ts` and drops those that fell out of the lookback. */
  push(ts: number, value: number): void {
    const ring = this.ring;
    const cutoff = ring.admit(ts, value);
    // Samples that fell out leave the ring. All but the last leave the multiset at once; the last is swapped for
    // the new value in one step, which is the steady state (one sample leaves as one arrives).
    let leaving = Number.NaN; // the last sample to leave, still in the multiset (samples are finite)
    while (ring.expired(cutoff)) {
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
  }
}
