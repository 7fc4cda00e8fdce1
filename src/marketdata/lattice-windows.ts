/**
 * The rolling windows of one blended range (blended-range.ts), counted on a decimal lattice (lattice-window.ts)
 * over one ring of samples: each window is the ring's newest samples within its lookback, so it keeps only the
 * ring index of its oldest one, and a sample's key is made once for all the windows.
 *
 * A sample belongs to a window while `newestTs − ts < lookbackMs`, as in the ordered windows (sample-ring.ts).
 * `push` answers false when a sample cannot be counted: it is not on a lattice of at most 9 decimals, or a window's
 * keys spread too wide. The ring then still holds the samples before it, and only them (the windows' counts may be
 * half changed: they are not read again); the range goes on with the ordered windows, fed those samples
 * (`forEachSample`), then the one that could not be counted.
 */
import { decimalsOf, keyAt, scaleOf } from './lattice-key.ts';
import { LatticeWindow } from './lattice-window.ts';

export class LatticeWindows {
  readonly windows: LatticeWindow[];
  /** The index (in `windows`) of the longest lookback: its oldest sample is the ring's. */
  private readonly longest: number;
  /** Decimals of the lattice the samples so far sit on; −1 before the first sample. */
  private decimals = -1;
  scale = 1;
  newestTs = Number.NEGATIVE_INFINITY;
  private ts = new Float64Array(64);
  private values = new Float64Array(64);
  private keys = new Float64Array(64);
  private mask = 63;
  /** Ring index of the oldest sample kept, and one past the newest (indexes only grow; slots are index & mask). */
  private start = 0;
  private end = 0;

  /** Windows of these lookbacks, each read at its pLo and pHi percentiles. */
  constructor(lookbacksMs: readonly number[], pLo: number, pHi: number) {
    this.windows = lookbacksMs.map((ms) => new LatticeWindow(ms, pLo, pHi));
    let longest = 0;
    for (let i = 1; i < lookbacksMs.length; i++) {
      if ((lookbacksMs[i] as number) > (lookbacksMs[longest] as number)) longest = i;
    }
    this.longest = longest;
  }

  /**
   * Adds a sample at `ts` (time order, a finite value; throws otherwise, as the ordered windows do) to every
   * window and drops those that fell out; false when it cannot be counted (the module comment).
   */
  push(ts: number, value: number): boolean {
    if (ts < this.newestTs) {
      throw new RangeError(`samples must arrive in time order: ${ts} after ${this.newestTs}`);
    }
    if (!Number.isFinite(value)) throw new RangeError(`sample value must be finite (got ${value})`);
    let key = keyAt(value, this.scale);
    if (Number.isNaN(key) || this.decimals < 0) {
      if (!this.refine(value)) return false;
      key = keyAt(value, this.scale);
    }
    this.newestTs = ts;
    const { windows, mask, end } = this;
    const keys = this.keys;
    const times = this.ts;
    for (let w = 0; w < windows.length; w++) {
      const win = windows[w] as LatticeWindow;
      const cutoff = ts - win.lookbackMs;
      let head = win.head;
      while (head < end && (times[head & mask] as number) <= cutoff) {
        win.drop((keys[head & mask] as number) - win.base);
        head++;
      }
      win.head = head;
      let i = key - win.base;
      if (i < 0 || i >= win.counts.length) {
        if (!win.recount(keys, mask, end, key)) return false;
        i = key - win.base;
      }
      win.add(i);
    }
    this.append(ts, value, key);
    this.start = (windows[this.longest] as LatticeWindow).head;
    return true;
  }

  /** The samples kept (every window's, oldest first), as (ts, value). */
  forEachSample(f: (ts: number, value: number) => void): void {
    for (let j = this.start; j < this.end; j++)
      f(this.ts[j & this.mask] as number, this.values[j & this.mask] as number);
  }

  /**
   * Takes the lattice of `value` when it is finer than the one so far (the first sample sets it), counting every
   * window again at the new scale; false when `value` is on no lattice or a window spreads too wide.
   */
  private refine(value: number): boolean {
    const d = decimalsOf(value);
    if (d < 0 || d <= this.decimals) return false;
    const scale = scaleOf(d);
    const { mask, keys, values } = this;
    for (let j = this.start; j < this.end; j++) {
      const k = keyAt(values[j & mask] as number, scale);
      if (Number.isNaN(k)) return false;
      keys[j & mask] = k;
    }
    this.decimals = d;
    this.scale = scale;
    const key = keyAt(value, scale);
    for (const win of this.windows) if (!win.recount(keys, mask, this.end, key)) return false;
    return true;
  }

  private append(ts: number, value: number, key: number): void {
    if (this.end - this.start > this.mask) this.grow();
    const slot = this.end & this.mask;
    this.ts[slot] = ts;
    this.values[slot] = value;
    this.keys[slot] = key;
    this.end++;
  }

  /** Doubles the ring, each kept sample moving to its index's slot in the larger one. */
  private grow(): void {
    const mask = this.mask * 2 + 1;
    const ts = new Float64Array(mask + 1);
    const values = new Float64Array(mask + 1);
    const keys = new Float64Array(mask + 1);
    for (let j = this.start; j < this.end; j++) {
      ts[j & mask] = this.ts[j & this.mask] as number;
      values[j & mask] = this.values[j & this.mask] as number;
      keys[j & mask] = this.keys[j & this.mask] as number;
    }
    this.ts = ts;
    this.values = values;
    this.keys = keys;
    this.mask = mask;
  }
}
