/**
 * The samples of a rolling window in arrival order: timestamps and values in a ring whose capacity (a power of
 * two, so a slot is `index & mask`, no division) doubles as needed. The fields are read directly by the window
 * and its tails on their per-sample paths; only the ring's own methods change them.
 */
export class SampleRing {
  readonly lookbackMs: number;
  /** Time of the newest sample; −∞ when empty since the last clear. */
  newestTs = Number.NEGATIVE_INFINITY;
  ts = new Float64Array(64);
  values = new Float64Array(64);
  /** Capacity − 1. */
  mask = 63;
  /** Slot of the oldest sample. */
  head = 0;
  count = 0;

  /** A sample belongs to the window while `newestTs − ts < lookbackMs`. */
  constructor(lookbackMs: number) {
    if (!(lookbackMs > 0)) throw new RangeError(`lookback must be > 0 ms (got ${lookbackMs})`);
    this.lookbackMs = lookbackMs;
  }

  /**
   * Checks a sample about to arrive (time order, a finite value), takes its time as the newest, and returns the
   * cutoff: samples at or before it have fallen out (`expired`). Both windows start a push with it.
   */
  admit(ts: number, value: number): number {
    if (ts < this.newestTs) {
      throw new RangeError(`samples must arrive in time order: ${ts} after ${this.newestTs}`);
    }
    if (!Number.isFinite(value)) throw new RangeError(`sample value must be finite (got ${value})`);
    this.newestTs = ts;
    return ts - this.lookbackMs;
  }

  /** Whether the oldest sample is at or before `cutoff` (then `shift` it out). */
  expired(cutoff: number): boolean {
    return this.count > 0 && this.ts[this.head] <= cutoff;
  }

  push(ts: number, value: number): void {
    if (this.count > this.mask) this.grow();
    const tail = (this.head + this.count) & this.mask;
    this.ts[tail] = ts;
    this.values[tail] = value;
    this.count++;
  }

  /** Removes the oldest sample (count > 0) and returns its value. */
  shift(): number {
    const value = this.values[this.head];
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return value;
  }

  /** The i-th oldest value (0 ≤ i < count). */
  at(i: number): number {
    return this.values[(this.head + i) & this.mask];
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.newestTs = Number.NEGATIVE_INFINITY;
  }

  /** Doubles the ring; happens O(log n) times over a window's life. */
  private grow(): void {
    const cap = this.mask + 1;
    const ts = new Float64Array(cap * 2);
    const values = new Float64Array(cap * 2);
    for (let i = 0; i < this.count; i++) {
      const j = (this.head + i) & this.mask;
      ts[i] = this.ts[j];
      values[i] = this.values[j];
    }
    this.ts = ts;
    this.values = values;
    this.mask = cap * 2 - 1;
    this.head = 0;
  }
}
