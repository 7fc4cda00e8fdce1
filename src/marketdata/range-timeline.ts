/**
 * One stream of mark samples of one market, with its blended range: the part of a grid bot's market data that
 * is the same for every bot that sees the same bars with the same range settings (see market-data-hub.ts).
 *
 * Besides the live BlendedRange (its window buffers are the big per-bot memory this shares), the timeline keeps
 * a history of its samples with the range after each one (ts, price, lo, hi in a ring of typed arrays), so a bot
 * that lags behind the stream's head (it was warmed after another bot, or its replay is a few bars behind)
 * reads the range as of its own position, and a bot whose stream leaves this one can rebuild its range from its
 * own samples. Samples are addressed by absolute index: 0 is the first sample the timeline ever took.
 */
import { BlendedRange, type BlendedRangeConfig } from './blended-range.ts';

export class RangeTimeline {
  readonly range: BlendedRange;
  private ts = new Float64Array(1024);
  private price = new Float64Array(1024);
  private lo = new Float64Array(1024);
  private hi = new Float64Array(1024);
  /** Ring capacity − 1 (the capacity is a power of two). */
  private mask = 1023;
  /** Ring slot of the oldest retained sample. */
  private first = 0;
  /** Absolute index of the oldest retained sample. */
  private start = 0;
  private count = 0;

  constructor(config: BlendedRangeConfig) {
    this.range = new BlendedRange(config);
  }

  /** Samples pushed so far. */
  get pushed(): number {
    return this.start + this.count;
  }

  /** Samples held in the history. */
  get retained(): number {
    return this.count;
  }

  /** Absolute index of the newest sample; −1 while empty. */
  get head(): number {
    return this.start + this.count - 1;
  }

  /** Absolute index of the oldest retained sample. */
  get oldest(): number {
    return this.start;
  }

  /** Adds a sample at the head (time order, as BlendedRange.update) and records the range after it. */
  push(ts: number, price: number): void {
    this.range.update(ts, price);
    if (this.count > this.mask) this.grow();
    const slot = (this.first + this.count) & this.mask;
    this.ts[slot] = ts;
    this.price[slot] = price;
    this.lo[slot] = this.range.lo;
    this.hi[slot] = this.range.hi;
    this.count++;
  }

  /** Whether absolute index `i` is retained. */
  holds(i: number): boolean {
    return i >= this.start && i < this.start + this.count;
  }

  tsAt(i: number): number {
    return this.ts[(this.first + i - this.start) & this.mask] as number;
  }

  priceAt(i: number): number {
    return this.price[(this.first + i - this.start) & this.mask] as number;
  }

  loAt(i: number): number {
    return this.lo[(this.first + i - this.start) & this.mask] as number;
  }

  hiAt(i: number): number {
    return this.hi[(this.first + i - this.start) & this.mask] as number;
  }

  /** Whether sample `i` is retained and is exactly (ts, price). */
  matches(i: number, ts: number, price: number): boolean {
    return this.holds(i) && this.tsAt(i) === ts && this.priceAt(i) === price;
  }

  /** Absolute index of the retained sample equal to (ts, price), the first of equals; −1 when none. */
  find(ts: number, price: number): number {
    let lo = this.start;
    let hi = this.start + this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsAt(mid) < ts) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.start + this.count && this.tsAt(i) === ts; i++) {
      if (this.priceAt(i) === price) return i;
    }
    return -1;
  }

  /** Absolute index of the first retained sample with ts > `cutoff` (head + 1 when none). */
  firstAfter(cutoff: number): number {
    let lo = this.start;
    let hi = this.start + this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsAt(mid) <= cutoff) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Forgets samples before absolute index `i`. */
  dropBefore(i: number): void {
    const n = Math.min(i, this.start + this.count) - this.start;
    if (n <= 0) return;
    this.first = (this.first + n) & this.mask;
    this.start += n;
    this.count -= n;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const copy = (from: Float64Array): Float64Array<ArrayBuffer> => {
      const to = new Float64Array(cap);
      for (let k = 0; k < this.count; k++) to[k] = from[(this.first + k) & this.mask] as number;
      return to;
    };
    this.ts = copy(this.ts);
    this.price = copy(this.price);
    this.lo = copy(this.lo);
    this.hi = copy(this.hi);
    this.first = 0;
    this.mask = cap - 1;
  }
}
