/**
 * A multiset of floats kept in sorted order for rolling order statistics: insert, remove one copy, and the k-th
 * smallest, each O(log n + B) where B is the (constant) block size.
 *
 * Layout: the sorted values are cut into blocks of B..2B values (each a Float64Array), with the largest value of
 * every block in `maxes` (binary search finds the block a value belongs to) and a Fenwick tree over block
 * lengths (descending it finds the block that holds rank k). Shifting inside a block is a short memmove over
 * contiguous doubles, which is far cheaper in JS than walking tree nodes; blocks are split, merged or dropped
 * only when they leave their size band, so the Fenwick tree is rebuilt (O(n/B)) at most once every ~B/2 updates.
 */
export class SortedBlocks {
  /** Target block size; blocks split at 2B and merge with a neighbour below B/4. */
  readonly load: number;
  private readonly cap: number;
  private blocks: Float64Array[] = [];
  private lens: number[] = [];
  private maxes: number[] = [];
  /** Fenwick tree over `lens`, 1-based. */
  private tree: Int32Array = new Int32Array(16);
  /** Highest power of two ≤ number of blocks, for the Fenwick descent. */
  private topBit = 0;
  /** Result of the last locate(). */
  private locBlock = 0;
  private locOffset = 0;
  private count = 0;

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
    this.count = 0;
    this.rebuildTree();
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
      this.rebuildTree();
      return;
    }
    let b = this.firstBlockWithMaxAtLeast(value);
    if (b === nb) b = nb - 1;
    const block = this.blocks[b];
    const len = this.lens[b];
    // upper bound: after any equal values, so duplicates append cheaply
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (block[mid] <= value) lo = mid + 1;
      else hi = mid;
    }
    for (let i = len; i > lo; i--) block[i] = block[i - 1];
    block[lo] = value;
    this.lens[b] = len + 1;
    if (lo === len) this.maxes[b] = value;
    this.count++;
    if (len + 1 === this.cap) {
      this.split(b);
      this.rebuildTree();
    } else {
      this.treeAdd(b, 1);
    }
  }

  /** Removes one copy of `value`; throws when absent (the caller's bookkeeping is broken). */
  remove(value: number): void {
    const b = this.firstBlockWithMaxAtLeast(value);
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
    for (let i = lo + 1; i < len; i++) block[i - 1] = block[i];
    const newLen = len - 1;
    this.lens[b] = newLen;
    this.count--;
    if (newLen === 0) {
      this.blocks.splice(b, 1);
      this.lens.splice(b, 1);
      this.maxes.splice(b, 1);
      this.rebuildTree();
      return;
    }
    this.maxes[b] = block[newLen - 1];
    if (newLen < this.load >> 2 && this.blocks.length > 1) {
      this.mergeWithNeighbour(b);
      this.rebuildTree();
    } else {
      this.treeAdd(b, -1);
    }
  }

  /** The k-th smallest value, k from 0. */
  select(k: number): number {
    if (k < 0 || k >= this.count) throw new RangeError(`rank ${k} outside [0, ${this.count})`);
    this.locate(k);
    const pos = this.locBlock;
    const rem = this.locOffset;
    return this.blocks[pos][rem];
  }

  /**
   * Percentile by numpy's default ('linear') method: virtual index (n − 1)·p/100, linear interpolation between
   * the two closest ranks, using numpy's `_lerp` form (which switches to `b − (b − a)(1 − t)` for t ≥ 0.5 so the
   * result is exact at t = 1). NaN when empty.
   */
  percentile(p: number): number {
    const n = this.count;
    if (n === 0) return Number.NaN;
    const virtualIndex = (n - 1) * (p / 100);
    const below = Math.floor(virtualIndex);
    const t = virtualIndex - below;
    // locate rank `below` once, then step to its neighbour without a second descent
    this.locate(below);
    const pos = this.locBlock;
    const rem = this.locOffset;
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

  /**
   * Fenwick descent to the block holding rank `rank` and its offset in it, written to locBlock/locOffset
   * (fields, not a returned pair, so the hot path allocates nothing).
   */
  private locate(rank: number): void {
    let pos = 0;
    let rem = rank;
    const nb = this.blocks.length;
    const tree = this.tree;
    for (let step = this.topBit; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= nb && tree[next] <= rem) {
        pos = next;
        rem -= tree[next];
      }
    }
    this.locBlock = pos;
    this.locOffset = rem;
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
    const right = new Float64Array(this.cap);
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
      this.blocks.splice(right, 1);
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

  private treeAdd(b: number, delta: number): void {
    const nb = this.blocks.length;
    const tree = this.tree;
    for (let i = b + 1; i <= nb; i += i & -i) tree[i] += delta;
  }

  private rebuildTree(): void {
    const nb = this.blocks.length;
    if (this.tree.length < nb + 1) this.tree = new Int32Array(Math.max(16, 2 * (nb + 1)));
    const tree = this.tree;
    tree.fill(0, 0, nb + 1);
    for (let i = 1; i <= nb; i++) {
      tree[i] += this.lens[i - 1];
      const parent = i + (i & -i);
      if (parent <= nb) tree[parent] += tree[i];
    }
    let top = 0;
    if (nb > 0) {
      top = 1;
      while (top * 2 <= nb) top *= 2;
    }
    this.topBit = top;
  }
}

/** numpy's `_lerp`: a + (b − a)·t, computed from the b end when t ≥ 0.5. */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
