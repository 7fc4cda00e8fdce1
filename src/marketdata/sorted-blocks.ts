/**
 * A multiset of floats kept in sorted order for rolling order statistics: insert, remove one copy, and the k-th
 * smallest. Insert and remove are O(log n + B) where B is the (constant) block size; the k-th smallest is O(1)
 * when k is near a rank read before (see the cursors below), O(n/B) at worst.
 *
 * Layout: the sorted values are cut into blocks of B..2B values (each a Float64Array), with the largest value of
 * every block in `maxes` (binary search finds the block a value belongs to). Shifting inside a block is a short
 * memmove over contiguous doubles, which is far cheaper in JS than walking tree nodes; blocks are split, merged
 * or dropped only when they leave their size band (at most about once every B/2 updates; once every ~110 per
 * window on a year of 1-minute bars).
 *
 * Ranks: a rolling window is read at the same percentiles after every update, and an insert or a remove moves a
 * rank's position by at most one, so the structure keeps two rank cursors (block, offset, rank) that follow each
 * insert and remove in O(1) and step to a nearby rank in O(1). They replaced a Fenwick tree over the block
 * lengths (a descent per read, an update per insert and remove), which made a 1W window of 1-minute bars
 * (push + p5 + p95) 10–25% slower. A split, merge or drop re-finds the cursors by their rank with one pass over
 * the block lengths.
 */
export class SortedBlocks {
  /** Target block size; blocks split at 2B and merge with a neighbour below B/4. */
  readonly load: number;
  private readonly cap: number;
  private blocks: Float64Array[] = [];
  private lens: number[] = [];
  private maxes: number[] = [];
  private count = 0;
  /**
   * Blocks given up by merges, for the next split: a rolling window keeps splitting and merging for ever, and
   * allocating a fresh array for each split was ~2% of the blended range's CPU profile.
   */
  private spare: Float64Array[] = [];
  /** Two, for the two percentiles a window is read at (a range's lo and hi); select() moves the nearer one. */
  private readonly cursors: RankCursor[] = [new RankCursor(), new RankCursor()];

  constructor(load = 64) {
    if (!Number.isInteger(load) || load < 2)
      throw new RangeError(`block load must be an integer ≥ 2 (got ${load})`);
    this.load = load;
    this.cap = 2 * load;
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.blocks = [];
    this.lens = [];
    this.maxes = [];
    this.spare = [];
    this.count = 0;
    this.relocateCursors();
  }

  insert(value: number): void {
    if (Number.isNaN(value)) throw new RangeError('cannot order NaN');
    const nb = this.blocks.length;
    if (nb === 0) {
      const block = new Float64Array(this.cap);
      block[0] = value;
      this.blocks.push(block);
      this.lens.push(1);
      this.maxes.push(value);
      this.count = 1;
      this.relocateCursors();
      return;
    }
    let b = this.firstBlockWithMaxAtLeast(value);
    if (b === nb) b = nb - 1;
    const block = this.blocks[b];
    const len = this.lens[b];
    // shift the larger values up one, comparing as we go, and drop the value in after any equal ones: the
    // shift is needed anyway, and its compares are predictable where a binary search's are not (measured: a
    // binary search plus copyWithin runs fewer instructions but was 4–14% slower on the blended range)
    let lo = len;
    for (; lo > 0 && block[lo - 1] > value; lo--) block[lo] = block[lo - 1];
    block[lo] = value;
    this.lens[b] = len + 1;
    if (lo === len) this.maxes[b] = value;
    this.count++;
    this.cursorsAfterInsert(b, lo);
    if (len + 1 === this.cap) {
      this.split(b);
      this.relocateCursors();
    }
  }

  /** Removes one copy of `value`; throws when absent (the caller's bookkeeping is broken). */
  remove(value: number): void {
    const b = this.firstBlockWithMaxAtLeast(value);
    this.removeAt(b, this.offsetOf(b, value));
  }

  /**
   * remove(old) then insert(value) in one step. A rolling window at a steady rate does exactly this once per
   * sample; when the new value belongs in the block the old one leaves (always in a window of one block, as
   * a 1h window of 1-minute bars), only the values between the two positions shift and no block changes size.
   */
  replace(old: number, value: number): void {
    if (Number.isNaN(value)) throw new RangeError('cannot order NaN');
    const b = this.firstBlockWithMaxAtLeast(old);
    const at = this.offsetOf(b, old);
    const last = this.blocks.length - 1;
    // value fits block b without breaking the order across blocks (maxes[b] ≤ every value of block b + 1)
    const fits = (b === 0 || this.maxes[b - 1] < value) && (b === last || value <= this.maxes[b]);
    if (!fits) {
      this.removeAt(b, at);
      this.insert(value);
      return;
    }
    const block = this.blocks[b];
    const len = this.lens[b];
    // slide the values between the two positions over by one, comparing as we go: the new value lands at its
    // upper bound (after equal values, as insert puts it) and no separate search is needed
    let to = at;
    if (value > old) {
      for (; to + 1 < len && block[to + 1] <= value; to++) block[to] = block[to + 1];
    } else {
      for (; to > 0 && block[to - 1] > value; to--) block[to] = block[to - 1];
    }
    block[to] = value;
    this.maxes[b] = block[len - 1];
    // as a remove at `at` followed by an insert at `to` of the shortened block
    this.cursorsAfterRemove(b, at);
    this.cursorsAfterInsert(b, to);
  }

  /** Offset of the first copy of `value` in block `b` (its first block with max ≥ value); throws when absent. */
  private offsetOf(b: number, value: number): number {
    if (b === this.blocks.length) throw new RangeError(`value ${value} is not in the set`);
    const block = this.blocks[b];
    const len = this.lens[b];
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (block[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo === len || block[lo] !== value) throw new RangeError(`value ${value} is not in the set`);
    return lo;
  }

  private removeAt(b: number, at: number): void {
    const block = this.blocks[b];
    const len = this.lens[b];
    for (let i = at + 1; i < len; i++) block[i - 1] = block[i];
    const newLen = len - 1;
    this.lens[b] = newLen;
    this.count--;
    this.cursorsAfterRemove(b, at);
    if (newLen === 0) {
      this.spare.push(this.blocks.splice(b, 1)[0]);
      this.lens.splice(b, 1);
      this.maxes.splice(b, 1);
      this.relocateCursors();
      return;
    }
    this.maxes[b] = block[newLen - 1];
    if (newLen < this.load >> 2 && this.blocks.length > 1) {
      this.mergeWithNeighbour(b);
      this.relocateCursors();
    }
  }

  /** The k-th smallest value, k from 0. */
  select(k: number): number {
    if (k < 0 || k >= this.count) throw new RangeError(`rank ${k} outside [0, ${this.count})`);
    const c = this.cursorAt(k);
    return this.blocks[c.block][c.offset];
  }

  /**
   * Percentile by numpy's default ('linear') method: virtual index (n − 1)·p/100, linear interpolation between
   * the two closest ranks, using numpy's `_lerp` form (which switches to `b − (b − a)(1 − t)` for t ≥ 0.5 so the
   * result is exact at t = 1). NaN when empty. A p outside [0, 100] throws (it would move a cursor off the set).
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100] (got ${p})`);
    const n = this.count;
    if (n === 0) return Number.NaN;
    const virtualIndex = (n - 1) * (p / 100);
    const below = Math.floor(virtualIndex);
    const t = virtualIndex - below;
    // find rank `below` once, then step to its neighbour
    const c = this.cursorAt(below);
    const pos = c.block;
    const rem = c.offset;
    const a = this.blocks[pos][rem];
    if (below + 1 >= n) return a;
    const b = rem + 1 < this.lens[pos] ? this.blocks[pos][rem + 1] : this.blocks[pos + 1][0];
    return lerp(a, b, t);
  }

  /** All values in order (tests and debugging only). */
  toArray(): number[] {
    const out: number[] = [];
    for (let b = 0; b < this.blocks.length; b++) {
      for (let i = 0; i < this.lens[b]; i++) out.push(this.blocks[b][i]);
    }
    return out;
  }

  /** The cursor nearer to rank `k` (0 ≤ k < size), moved onto it. */
  private cursorAt(k: number): RankCursor {
    const [c0, c1] = this.cursors;
    const c = Math.abs(c0.rank - k) <= Math.abs(c1.rank - k) ? c0 : c1;
    const lens = this.lens;
    let b = c.block;
    let o = c.offset + (k - c.rank);
    while (o < 0) o += lens[--b];
    // k < size, so this stops inside the last block
    while (o >= lens[b]) o -= lens[b++];
    c.block = b;
    c.offset = o;
    c.rank = k;
    return c;
  }

  /**
   * A value went in at `offset` of `block`: a cursor at a later position now sits one rank further on. A cursor's
   * position is (block, offset); it moves with the value it points at, so only its rank and, within the same
   * block, its offset change.
   */
  private cursorsAfterInsert(block: number, offset: number): void {
    for (const c of this.cursors) {
      if (block < c.block) c.rank++;
      else if (block === c.block && offset < c.offset) {
        c.rank++;
        c.offset++;
      }
    }
  }

  /** A value left `offset` of `block` (the mirror of cursorsAfterInsert). */
  private cursorsAfterRemove(block: number, offset: number): void {
    for (const c of this.cursors) {
      if (block < c.block) c.rank--;
      else if (block === c.block && offset < c.offset) {
        c.rank--;
        c.offset--;
      }
    }
  }

  /**
   * After blocks were split, merged or dropped: puts each cursor back on its rank (ranks are unchanged by the
   * reshuffle) with one pass over the block lengths. A cursor may sit just past the end (rank = size).
   */
  private relocateCursors(): void {
    const lens = this.lens;
    const last = lens.length - 1;
    for (const c of this.cursors) {
      if (c.rank > this.count) c.rank = this.count; // only after clear()
      let b = 0;
      let before = 0;
      while (b < last && before + lens[b] <= c.rank) before += lens[b++];
      c.block = b;
      c.offset = c.rank - before;
    }
  }

  private firstBlockWithMaxAtLeast(value: number): number {
    const maxes = this.maxes;
    let lo = 0;
    let hi = maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (maxes[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private split(b: number): void {
    const block = this.blocks[b];
    const len = this.lens[b];
    const half = len >> 1;
    const right = this.spare.pop() ?? new Float64Array(this.cap);
    right.set(block.subarray(half, len));
    this.blocks.splice(b + 1, 0, right);
    this.lens.splice(b + 1, 0, len - half);
    this.maxes.splice(b + 1, 0, block[len - 1]);
    this.lens[b] = half;
    this.maxes[b] = block[half - 1];
  }

  private mergeWithNeighbour(b: number): void {
    const left = b + 1 < this.blocks.length ? b : b - 1;
    const right = left + 1;
    const into = this.blocks[left];
    const leftLen = this.lens[left];
    const rightLen = this.lens[right];
    const total = leftLen + rightLen;
    if (total < this.cap) {
      into.set(this.blocks[right].subarray(0, rightLen), leftLen);
      this.lens[left] = total;
      this.maxes[left] = this.maxes[right];
      this.spare.push(this.blocks.splice(right, 1)[0]);
      this.lens.splice(right, 1);
      this.maxes.splice(right, 1);
      return;
    }
    // too many for one block: rebalance the pair evenly
    const all = new Float64Array(total);
    all.set(into.subarray(0, leftLen));
    all.set(this.blocks[right].subarray(0, rightLen), leftLen);
    const half = total >> 1;
    into.set(all.subarray(0, half));
    this.blocks[right].set(all.subarray(half));
    this.lens[left] = half;
    this.lens[right] = total - half;
    this.maxes[left] = all[half - 1];
    this.maxes[right] = all[total - 1];
  }
}

/** A position in the sorted order: `offset` in `block`, which is the `rank`-th smallest value (0-based). */
class RankCursor {
  block = 0;
  offset = 0;
  rank = 0;
}

/** numpy's `_lerp`: a + (b − a)·t, computed from the b end when t ≥ 0.5. */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
