/**
 * A multiset of floats kept as one sorted run in a Float64Array with a gap: the values sit in [0, gapStart) and
 * [gapEnd, capacity), in order across the gap. An insert or a remove walks the gap to its position, moving only
 * the values in between.
 *
 * Why a gap: a window tail (WindowTail) gets its inserts where the price is now and its removes where it was a
 * lookback ago, and both move slowly, so consecutive changes land close together. On a year of 1-minute bars a
 * 1W tail of ~700 values moves ~70 values per change with the gap, ~330 without it.
 */
export class SortedRun {
  private values = new Float64Array(16);
  private gapStart = 0;
  private gapEnd = 16;

  get size(): number {
    return this.values.length - (this.gapEnd - this.gapStart);
  }

  /** The i-th smallest value (0 ≤ i < size). */
  at(i: number): number {
    return this.values[i < this.gapStart ? i : i + this.gapEnd - this.gapStart];
  }

  clear(): void {
    this.gapStart = 0;
    this.gapEnd = this.values.length;
  }

  /**
   * Adds `value` after any equal ones. The gap walks to the spot comparing as it goes, with no separate search:
   * the walk is short and its branches predictable, where a binary search's are not.
   */
  insert(value: number): void {
    if (this.gapStart === this.gapEnd) this.grow(1);
    const values = this.values;
    let start = this.gapStart;
    let end = this.gapEnd;
    if (start > 0 && values[start - 1] > value) {
      do values[--end] = values[--start];
      while (start > 0 && values[start - 1] > value);
    } else {
      while (end < values.length && values[end] <= value) values[start++] = values[end++];
    }
    values[start++] = value;
    this.gapStart = start;
    this.gapEnd = end;
  }

  /** Removes one copy of `value`; throws when absent (the caller's bookkeeping is broken). */
  remove(value: number): void {
    const values = this.values;
    let start = this.gapStart;
    let end = this.gapEnd;
    // walk the gap to just before the first copy of `value`
    if (start > 0 && values[start - 1] >= value) {
      do values[--end] = values[--start];
      while (start > 0 && values[start - 1] >= value);
    } else {
      while (end < values.length && values[end] < value) values[start++] = values[end++];
    }
    this.gapStart = start;
    this.gapEnd = end;
    if (end === values.length || values[end] !== value)
      throw new RangeError(`value ${value} is not in the set`);
    this.gapEnd++;
  }

  /** Adds src[from..to) (ascending, each below every value held) in front. */
  prependSorted(src: Float64Array, from: number, to: number): void {
    const n = to - from;
    if (this.gapEnd - this.gapStart < n) this.grow(n);
    this.moveGap(0);
    const values = this.values;
    for (let i = 0; i < n; i++) values[i] = src[from + i];
    this.gapStart = n;
  }

  /** Removes every value below `x`. */
  removeBelow(x: number): void {
    const n = this.firstAtLeast(x);
    this.moveGap(0);
    this.gapEnd += n;
  }

  /** Number of values < x (the index of the first value ≥ x). */
  private firstAtLeast(x: number): number {
    const values = this.values;
    // the gap splits the run in two sorted segments: search the one holding the answer
    if (this.gapStart > 0 && values[this.gapStart - 1] >= x) return lowerBound(values, 0, this.gapStart, x);
    return lowerBound(values, this.gapEnd, values.length, x) - (this.gapEnd - this.gapStart);
  }

  /** Moves the gap so that it starts at index i of the run (0 ≤ i ≤ size). */
  private moveGap(i: number): void {
    const values = this.values;
    let start = this.gapStart;
    let end = this.gapEnd;
    while (start > i) values[--end] = values[--start];
    while (start < i) values[start++] = values[end++];
    this.gapStart = start;
    this.gapEnd = end;
  }

  /** Makes the gap at least `room` long. */
  private grow(room: number): void {
    const size = this.size;
    const values = new Float64Array(Math.max(2 * this.values.length, size + room));
    const tail = this.values.length - this.gapEnd;
    values.set(this.values.subarray(0, this.gapStart));
    values.set(this.values.subarray(this.gapEnd), values.length - tail);
    this.values = values;
    this.gapEnd = values.length - tail;
  }
}

/** First index in a[from..to) (sorted) whose value is ≥ x, or `to`. */
function lowerBound(a: Float64Array, from: number, to: number, x: number): number {
  while (from < to) {
    const mid = (from + to) >>> 1;
    if (a[mid] < x) from = mid + 1;
    else to = mid;
  }
  return from;
}
