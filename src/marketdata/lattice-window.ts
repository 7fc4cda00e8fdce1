/**
 * One rolling window of prices on a decimal lattice (lattice-key.ts), as counts: counts[i] samples have the key
 * base + i, and a bitmap says which counts are not zero (occupancy-bits.ts). A sample costs two counts changed;
 * a percentile is read with a rank cursor that steps to the next or previous index holding samples only when a
 * sample crossed it.
 *
 * Why: the ordered structures (SortedBlocks, the tails of TailWindow) cost 110–170 ns a window a sample on a year
 * of 1-minute bars, most of it moving values to keep them in order; counting keys needs no order kept at all.
 *
 * The window's samples themselves live in the ring its LatticeWindows shares between the windows of one range;
 * the window holds the ring index of its oldest sample (`head`) and what it counted.
 */
import { OccupancyBits } from './occupancy-bits.ts';
import { lerp } from './sorted-blocks.ts';

/** The fewest indexes a window's counts cover. */
const MIN_INDEXES = 1024;

/**
 * The most: 2^20 counts (4 MiB) a window. A window whose keys spread wider (a long lookback of a price with many
 * decimals: a week of Drift's SOL-PERP at its 6 decimals) is not counted: its range goes back to the ordered
 * windows (blended-range.ts). A sub-dollar market at 6 decimals (DRIFT-PERP, KMNO-PERP) still is.
 */
export const MAX_INDEXES = 2 ** 20;

/**
 * Where one percentile of a window stands: at an index of the counts (the rank below the virtual index), with how
 * many samples lie below it, and the value read there last. A sample counted or uncounted moves `below` when it
 * is below `at`, and marks the read stale when it is at or between the two indexes read; samples above them change
 * nothing. So most reads answer from the last one: at the 5th percentile, ~95% of samples arrive and leave above.
 */
class RankCursor {
  /** The percentile read, as a fraction (p / 100). */
  readonly fraction: number;
  at = 0;
  below = 0;
  /** The window size the rank and t were found for (−1: read again). */
  sizeOf = -1;
  /** The rank below the virtual index (n − 1)·p/100, and the virtual index's part above it. */
  rank = 0;
  t = 0;
  /** The index of rank + 1 at the last read (at itself when it held both), and `below` then. */
  upper = 0;
  belowThen = 0;
  /** A sample was counted or uncounted at an index from `at` to `upper` since the last read. */
  stale = true;
  /**
   * Where the percentile at the last read is kept: its window's `values[slot]`. A typed array, not a field: a double
   * stored in a field is a new heap number each time.
   */
  readonly slot: number;

  constructor(p: number, slot: number) {
    this.fraction = p / 100;
    this.slot = slot;
  }

  /** A sample was counted (+1) or uncounted (−1) at index i. */
  moved(i: number, change: number): void {
    if (i < this.at) this.below += change;
    else if (i <= this.upper) this.stale = true;
  }

  /** Whether the last read still stands for a window of n samples. */
  holds(n: number): boolean {
    return !this.stale && this.sizeOf === n && this.below === this.belowThen;
  }

  /** Forgets where it stood (the counts were made again). */
  reset(): void {
    this.at = this.below = this.upper = 0;
    this.sizeOf = -1;
    this.stale = true;
  }

  /** Moves onto the index holding rank r (0 ≤ r < samples), stepping over indexes that hold none. */
  seat(r: number, counts: Int32Array, bits: OccupancyBits): void {
    let at = this.at;
    let below = this.below;
    while (below > r) {
      at = bits.lastAtOrBelow(at - 1);
      below -= counts[at] as number;
    }
    while (below + (counts[at] as number) <= r) {
      below += counts[at] as number;
      at = bits.firstAtOrAbove(at + 1);
    }
    this.at = at;
    this.below = below;
  }
}

export class LatticeWindow {
  readonly lookbackMs: number;
  /** Ring index (in its LatticeWindows) of the window's oldest sample. */
  head = 0;
  /** Samples in the window. */
  size = 0;
  /** The key counts[0] stands for. */
  base = 0;
  counts = new Int32Array(0);
  bits = new OccupancyBits(0);
  private readonly low: RankCursor;
  private readonly high: RankCursor;
  /** The two percentiles as of the last readPercentiles: [pLo's, pHi's]. */
  private readonly values = new Float64Array([Number.NaN, Number.NaN]);

  /** A window of `lookbackMs`, read at its pLo and pHi percentiles (0 ≤ pLo < pHi ≤ 100). */
  constructor(lookbackMs: number, pLo: number, pHi: number) {
    if (!(lookbackMs > 0)) throw new RangeError(`lookback must be > 0 ms (got ${lookbackMs})`);
    this.lookbackMs = lookbackMs;
    this.low = new RankCursor(pLo, 0);
    this.high = new RankCursor(pHi, 1);
  }

  /** Counts a sample at index i of the counts (0 ≤ i < counts.length). */
  add(i: number): void {
    const counts = this.counts;
    if (counts[i]++ === 0) this.bits.set(i);
    this.low.moved(i, 1);
    this.high.moved(i, 1);
    this.size++;
  }

  /** Uncounts a sample at index i of the counts (one it counted). */
  drop(i: number): void {
    const counts = this.counts;
    if (--counts[i] === 0) this.bits.clear(i);
    this.low.moved(i, -1);
    this.high.moved(i, -1);
    this.size--;
  }

  /**
   * Counts again from `keys` (ring slots head … end − 1, masked) and `extra` (a key about to be added), over indexes
   * with room to spare on both sides (four times the keys' spread, at least twice); false when that is more than
   * MAX_INDEXES. The room sets how often a wandering price makes a window count again: a random walk takes about
   * four times as long to cross twice the distance.
   */
  recount(keys: Float64Array, mask: number, end: number, extra: number): boolean {
    let min = extra;
    let max = extra;
    for (let j = this.head; j < end; j++) {
      const k = keys[j & mask] as number;
      if (k < min) min = k;
      if (k > max) max = k;
    }
    const span = max - min + 1;
    let length = MIN_INDEXES;
    while (length < 4 * span && length < MAX_INDEXES) length *= 2;
    if (length < 2 * span) return false;
    this.base = min - Math.floor((length - span) / 2);
    if (this.counts.length === length) {
      this.counts.fill(0);
      this.bits.clearAll();
    } else {
      this.counts = new Int32Array(length);
      this.bits = new OccupancyBits(length);
    }
    this.low.reset();
    this.high.reset();
    this.size = 0;
    for (let j = this.head; j < end; j++) this.add((keys[j & mask] as number) - this.base);
    // the cursors start from the ends nearer their percentiles (the extra key is not counted yet: it may be
    // above the highest counted, which then still has the window's top sample in it or none below)
    if (this.size > 0) {
      this.low.at = 0;
      this.high.at = length - 1;
      this.high.below = this.size - (this.counts[length - 1] as number);
    }
    return true;
  }

  /**
   * Reads the window's two percentiles (`lowValue`, `highValue`; NaN when empty), kept in a typed array and not
   * returned: a double returned from a call that is not inlined, or stored in a field, is a new heap number each
   * time (the reading thread's young generation collected ~69 MB a year of them).
   */
  readPercentiles(scale: number): void {
    this.read(this.low, scale);
    this.read(this.high, scale);
  }

  /** The pLo percentile as of the last readPercentiles. */
  get lowValue(): number {
    return this.values[0] as number;
  }

  /** The pHi percentile as of the last readPercentiles. */
  get highValue(): number {
    return this.values[1] as number;
  }

  /**
   * numpy's default ('linear') percentile, as the ordered windows read it, into the cursor's value: virtual index
   * (n − 1)·p/100 between the ranks below and above it. The values are their keys divided by the scale: the very
   * doubles pushed.
   */
  private read(cursor: RankCursor, scale: number): void {
    const n = this.size;
    if (n === 0) {
      cursor.sizeOf = -1;
      this.values[cursor.slot] = Number.NaN;
      return;
    }
    if (cursor.holds(n)) return;
    if (cursor.sizeOf !== n) {
      const virtualIndex = (n - 1) * cursor.fraction;
      cursor.sizeOf = n;
      cursor.rank = Math.floor(virtualIndex);
      cursor.t = virtualIndex - cursor.rank;
    }
    const rank = cursor.rank;
    const counts = this.counts;
    cursor.seat(rank, counts, this.bits);
    const at = cursor.at;
    const a = (this.base + at) / scale;
    let value = a;
    cursor.upper = at;
    // rank + 1: the same index while it holds more samples, else the next that holds any
    if (rank + 1 < n && cursor.below + (counts[at] as number) <= rank + 1) {
      const upper = this.bits.firstAtOrAbove(at + 1);
      cursor.upper = upper;
      value = lerp(a, (this.base + upper) / scale, cursor.t);
    } else if (rank + 1 < n) {
      value = lerp(a, a, cursor.t);
    }
    this.values[cursor.slot] = value;
    cursor.belowThen = cursor.below;
    cursor.stale = false;
  }
}
