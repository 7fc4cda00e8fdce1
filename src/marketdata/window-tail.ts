/**
 * One end of a rolling window, for percentile reads near that end: the window's most extreme values in order
 * (a SortedRun), and nothing of the rest.
 *
 * Why: a window read at its 5th and 95th percentiles only needs the order of its ~5% smallest and ~5% largest
 * values. A sample whose value lies between the two tails (over half of the arrivals and departures on a year of
 * 1-minute bars) costs two comparisons, where ordering the whole window cost a search and a shift in a multiset
 * of every sample, twice per sample.
 *
 * The tail holds exactly the window values v with w = sign·v ≥ `cut` (sign −1 for the low end, so that both ends
 * keep their most extreme values largest). Membership is decided by value, so equal values are always all in or
 * all out. When a read needs more values than the tail holds, it refills from the window's samples (one pass over
 * them, two now and then), taking `slack` more than needed; when it holds far more than reads need, it drops the
 * least extreme ones. On a year of 1-minute bars a tail refills about every 70 bars in a 1h window and every 4000
 * in a 1W one.
 */
import type { SampleRing } from './sample-ring.ts';
import { selectRank } from './select-rank.ts';
import { SortedRun } from './sorted-run.ts';

/** A refill aims to find about this many times the values it wants (see `reach`). */
const AIM = 2;

export class WindowTail {
  private readonly sign: 1 | -1;
  /** Slack beyond n/16 (see slack()). */
  private readonly baseSlack: number;
  private readonly run = new SortedRun();
  /** The tail holds every window value with sign·v ≥ cut; +∞ until a read first fills it. */
  private cut = Number.POSITIVE_INFINITY;
  /** The deepest read since the tail was last refilled or trimmed (what a trim must keep). */
  private peakDepth = 0;
  /** Holding more values than this, the tail trims (kept from the last check, so a read compares only). */
  private keepLimit = 0;
  /** What a trim keeps (set with keepLimit). */
  private trimTarget = 0;
  /** Refill candidates (a reused buffer). */
  private scratch = new Float64Array(64);
  /**
   * How far beyond the cut a refill looks, in units of its guess (see refill), learnt from the last refill: the
   * guess comes from the values held, which thin out towards the extreme, so it tends to be too wide.
   */
  private reach = AIM;

  /** `sign` +1 for the largest values, −1 for the smallest; `baseSlack` 0 refills and trims more often (tests). */
  constructor(sign: 1 | -1, baseSlack = 8) {
    this.sign = sign;
    this.baseSlack = baseSlack;
  }

  clear(): void {
    this.run.clear();
    this.cut = Number.POSITIVE_INFINITY;
    this.peakDepth = 0;
    this.keepLimit = 0;
    this.trimTarget = 0;
  }

  /**
   * A sample with value v entered the window. A tail no read has asked of for a while trims here too: a window
   * read at one percentile only never reads its other tail again, and that tail, filled by an early read of a
   * window of two samples, would otherwise keep the whole window in order (25 µs a sample on a 1W window).
   */
  arrive(v: number): void {
    const w = this.sign * v;
    if (w < this.cut) return;
    this.run.insert(w);
    if (this.run.size > this.keepLimit) this.trim(this.trimTarget);
  }

  /** Values the tail holds in order (tests and debugging only). */
  get held(): number {
    return this.run.size;
  }

  /** A sample with value v left the window. */
  leave(v: number): void {
    const w = this.sign * v;
    if (w >= this.cut) this.run.remove(w);
  }

  /**
   * Makes the tail hold the window's `depth` most extreme values (depth ≤ ring.count), refilling from the ring
   * when it holds fewer, and dropping values when it holds many more than the deepest recent read.
   */
  ensure(depth: number, ring: SampleRing): void {
    const size = this.run.size;
    if (size >= depth && depth <= this.peakDepth && size <= this.keepLimit) return;
    if (depth > this.peakDepth) this.peakDepth = depth;
    const slack = this.slack(ring.count);
    this.keepLimit = this.peakDepth + 3 * slack;
    this.trimTarget = this.peakDepth + slack;
    if (size >= depth && size <= this.keepLimit) return;
    const target = this.peakDepth + slack;
    if (size < depth) this.refill(Math.min(target, ring.count), ring);
    else this.trim(target);
    this.peakDepth = depth;
    this.keepLimit = depth + 3 * slack;
    this.trimTarget = depth + slack;
  }

  /**
   * How many values beyond the deepest read the tail takes in when it refills, and how many more than that it
   * may keep, for a window of n samples: the more, the rarer the refills, the more samples land in the tail.
   */
  private slack(n: number): number {
    return this.baseSlack + (n >> 4);
  }

  /** The value r places from the extreme end (0: the most extreme); r < the depth last ensured. */
  top(r: number): number {
    return this.sign * this.run.at(this.run.size - 1 - r);
  }

  /**
   * Takes in the most extreme values beyond the cut until the tail holds at least `target` (ties included). It
   * collects the candidates within a guessed distance of the cut, widening it until there are enough: every
   * candidate goes through a selection, and a guess too narrow costs another pass over the window (after two,
   * it takes every value beyond the cut, in case the values are spread far apart).
   */
  private refill(target: number, ring: SampleRing): void {
    const want = target - this.run.size;
    const guess = this.guessSpread(want);
    for (let pass = 0; ; pass++) {
      const reach = this.reach * 4 ** pass;
      const from =
        pass < 3 && guess < Number.POSITIVE_INFINITY ? this.cut - reach * guess : Number.NEGATIVE_INFINITY;
      const found = this.collect(from, ring);
      if (found >= want || from === Number.NEGATIVE_INFINITY) {
        if (from !== Number.NEGATIVE_INFINITY)
          this.reach = Math.min(64, Math.max(1 / 16, (reach * AIM * want) / found));
        this.takeLargest(found, want, from);
        return;
      }
    }
  }

  /**
   * How far beyond the cut `want` more values may reach: as far as the `want` least extreme values held spread
   * (+∞, look everywhere, when the tail holds too few values to tell or they are all equal).
   */
  private guessSpread(want: number): number {
    const size = this.run.size;
    const sample = Math.min(size - 1, want);
    if (sample < 4) return Number.POSITIVE_INFINITY;
    const lowest = this.run.at(0);
    const guess = ((this.run.at(sample) - lowest) * want) / sample + (lowest - this.cut);
    return guess > 0 ? guess : Number.POSITIVE_INFINITY;
  }

  /** Gathers into scratch the values w with from ≤ w < cut; returns how many. */
  private collect(from: number, ring: SampleRing): number {
    if (this.scratch.length < ring.count) this.scratch = new Float64Array(ring.mask + 1);
    const scratch = this.scratch;
    const values = ring.values;
    const { head, count, mask } = ring;
    const cut = this.cut;
    const sign = this.sign;
    let found = 0;
    for (let i = 0; i < count; i++) {
      const w = sign * values[(head + i) & mask];
      // written always, kept by counting it: no branch to mispredict on values in and out of range
      scratch[found] = w;
      found += +(w < cut) & +(w >= from);
    }
    return found;
  }

  /**
   * Moves the `want` largest of the `found` candidates in scratch (and their ties) into the tail; all of them
   * when there are no more than that, which were every value from `from` up to the cut.
   */
  private takeLargest(found: number, want: number, from: number): void {
    const a = this.scratch;
    if (want >= found) {
      sortRange(a, 0, found);
      this.run.prependSorted(a, 0, found);
      this.cut = from;
      return;
    }
    // the `want` largest to the end, in order (selection first: only those need sorting)
    let first = found - want;
    selectRank(a, found, first);
    sortRange(a, first, found);
    const cut = a[first];
    // copies of the new cut left below it join the tail too: move them up next to it
    for (let i = 0; i < first; ) {
      if (a[i] === cut) {
        first--;
        a[i] = a[first];
        a[first] = cut;
      } else {
        i++;
      }
    }
    this.run.prependSorted(a, first, found);
    this.cut = cut;
  }

  /** Drops the least extreme values, keeping the `target` most extreme (and their ties). */
  private trim(target: number): void {
    this.cut = this.run.at(this.run.size - target);
    this.run.removeBelow(this.cut);
  }
}

/** Sorts a[from..to) ascending: insertion sort when short (a native sort's call costs more), else natively. */
function sortRange(a: Float64Array, from: number, to: number): void {
  if (to - from > 32) {
    a.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    let j = i;
    for (; j > from && a[j - 1] > v; j--) a[j] = a[j - 1];
    a[j] = v;
  }
}
