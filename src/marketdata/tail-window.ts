/**
 * A time-based rolling window of price samples, read at percentiles near its ends (rolling-window.ts chooses it
 * for those; PercentileWindow orders the whole window and suits any percentile). A push compares each arriving and leaving
 * value with the cuts of the window's two tails (WindowTail) and updates a tail's sorted run only for a value
 * beyond its cut; a read is O(1) apart from a tail's occasional refill from the samples.
 *
 * A sample belongs to the window while `newestTs − ts < lookbackMs`: a 1h window over 15-minute bars holds the
 * newest bar and the three before it. Samples arrive in time order (equal timestamps allowed); the window keeps
 * them in a ring (arrival order, for eviction and refills), and its smallest and largest values in order in the
 * two tails: a percentile below the median is read from the low tail, any other from the high one. The tails
 * suit percentiles near the ends (the grid reads 5 and 95 by default); one near the median makes a tail hold
 * about half the window, which stays exact but moves more values per sample.
 */
import type { RollingWindow } from './rolling-window.ts';
import { SampleRing } from './sample-ring.ts';
import { lerp } from './sorted-blocks.ts';
import { WindowTail } from './window-tail.ts';

export class TailWindow implements RollingWindow {
  private readonly ring: SampleRing;
  private readonly low = new WindowTail(-1);
  private readonly high = new WindowTail(1);

  constructor(lookbackMs: number) {
    this.ring = new SampleRing(lookbackMs);
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
    while (ring.expired(cutoff)) {
      const leaving = ring.shift();
      this.low.leave(leaving);
      this.high.leave(leaving);
    }
    ring.push(ts, value);
    this.low.arrive(value);
    this.high.arrive(value);
  }

  /**
   * numpy's default ('linear') percentile of the samples in the window: virtual index (n − 1)·p/100, between the
   * two closest ranks by numpy's `_lerp` form (lerp). NaN when empty; throws for p outside [0, 100].
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100] (got ${p})`);
    const n = this.ring.count;
    if (n === 0) return Number.NaN;
    // numpy's 'linear' method: virtual index (n − 1)·p/100 between ranks `below` and `below` + 1
    const virtualIndex = (n - 1) * (p / 100);
    const below = Math.floor(virtualIndex);
    const t = virtualIndex - below;
    let a: number;
    let b: number;
    if (2 * below < n - 1) {
      // ranks `below` and `below` + 1 from the bottom
      this.low.ensure(below + 2, this.ring);
      a = this.low.top(below);
      b = this.low.top(below + 1);
    } else {
      // the same ranks counted from the top (`below` + 1 may be past the end)
      this.high.ensure(n - below, this.ring);
      a = this.high.top(n - 1 - below);
      if (below + 1 >= n) return a;
      b = this.high.top(n - 2 - below);
    }
    return lerp(a, b, t);
  }

  /** How many values each tail holds in order, [low, high] (tests and debugging only). */
  tailSizes(): [number, number] {
    return [this.low.held, this.high.held];
  }

  /** Samples currently in the window, oldest first (tests and debugging only). */
  values(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ring.count; i++) out.push(this.ring.at(i));
    return out;
  }

  clear(): void {
    this.ring.clear();
    this.low.clear();
    this.high.clear();
  }
}
