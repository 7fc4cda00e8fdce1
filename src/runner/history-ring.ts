/**
 * A fixed-capacity ring of chart points in typed-array columns: one Float64 per number and one byte of flags
 * per point (57 B a point), instead of an object with boxed doubles and a property store (~250 B a point).
 * Values come back bit for bit: every column is a Float64, so the equity the session recorded is the number
 * the API prints. Null and absent fields are the flags, not NaN sentinels, so a stored NaN would stay NaN.
 */

/** One point of a bot's chart (the API's GET /api/bots/:id/history `points`). */
export interface HistoryPoint {
  ts: number;
  mark: number | null;
  equity: number;
  base: number;
  liqPrice: number | null;
  lo?: number | null;
  hi?: number | null;
}

// Flag bits: mark and liqPrice are null or a number; lo and hi are absent, null or a number.
const MARK_NULL = 1;
const LIQ_NULL = 2;
const LO_SET = 4;
const LO_NULL = 8;
const HI_SET = 16;
const HI_NULL = 32;

/** Bytes one point takes in a ring (7 Float64 columns and one flag byte). */
export const BYTES_PER_POINT = 7 * 8 + 1;

export class HistoryRing {
  readonly capacity: number;
  readonly #ts: Float64Array;
  readonly #mark: Float64Array;
  readonly #equity: Float64Array;
  readonly #base: Float64Array;
  readonly #liq: Float64Array;
  readonly #lo: Float64Array;
  readonly #hi: Float64Array;
  readonly #flags: Uint8Array;
  /** Slot of the oldest point. */
  #start = 0;
  #length = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`a history ring holds at least one point (got capacity ${capacity})`);
    }
    this.capacity = capacity;
    // One buffer for all columns: one allocation, and the Float64 columns stay 8-byte aligned.
    const buf = new ArrayBuffer(capacity * BYTES_PER_POINT);
    const col = (k: number) => new Float64Array(buf, k * capacity * 8, capacity);
    this.#ts = col(0);
    this.#mark = col(1);
    this.#equity = col(2);
    this.#base = col(3);
    this.#liq = col(4);
    this.#lo = col(5);
    this.#hi = col(6);
    this.#flags = new Uint8Array(buf, 7 * capacity * 8, capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** The ts of the i-th point, oldest first. */
  tsAt(i: number): number {
    return this.#ts[this.#slot(i)] as number;
  }

  /** The newest point's ts, or undefined when empty. */
  lastTs(): number | undefined {
    return this.#length === 0 ? undefined : this.tsAt(this.#length - 1);
  }

  /** Appends a point; when full, the oldest point is dropped. */
  push(p: HistoryPoint): void {
    const s = this.#nextSlot();
    this.#ts[s] = p.ts;
    this.#equity[s] = p.equity;
    this.#base[s] = p.base;
    let f = 0;
    if (p.mark === null) f |= MARK_NULL;
    else this.#mark[s] = p.mark;
    if (p.liqPrice === null) f |= LIQ_NULL;
    else this.#liq[s] = p.liqPrice;
    if (p.lo !== undefined) f |= p.lo === null ? LO_SET | LO_NULL : LO_SET;
    if (p.lo != null) this.#lo[s] = p.lo;
    if (p.hi !== undefined) f |= p.hi === null ? HI_SET | HI_NULL : HI_SET;
    if (p.hi != null) this.#hi[s] = p.hi;
    this.#flags[s] = f;
  }

  /** Appends this ring's oldest point to `to` (no object in between) and drops it here. */
  moveOldestTo(to: HistoryRing): void {
    if (this.#length === 0) return;
    const from = this.#start;
    const s = to.#nextSlot();
    to.#ts[s] = this.#ts[from] as number;
    to.#mark[s] = this.#mark[from] as number;
    to.#equity[s] = this.#equity[from] as number;
    to.#base[s] = this.#base[from] as number;
    to.#liq[s] = this.#liq[from] as number;
    to.#lo[s] = this.#lo[from] as number;
    to.#hi[s] = this.#hi[from] as number;
    to.#flags[s] = this.#flags[from] as number;
    this.dropOldest();
  }

  dropOldest(): void {
    if (this.#length === 0) return;
    this.#start = (this.#start + 1) % this.capacity;
    this.#length--;
  }

  /** The i-th point (oldest first) as the API serves it. */
  at(i: number): HistoryPoint {
    const s = this.#slot(i);
    const f = this.#flags[s] as number;
    const p: HistoryPoint = {
      ts: this.#ts[s] as number,
      mark: f & MARK_NULL ? null : (this.#mark[s] as number),
      equity: this.#equity[s] as number,
      base: this.#base[s] as number,
      liqPrice: f & LIQ_NULL ? null : (this.#liq[s] as number),
    };
    if (f & LO_SET) p.lo = f & LO_NULL ? null : (this.#lo[s] as number);
    if (f & HI_SET) p.hi = f & HI_NULL ? null : (this.#hi[s] as number);
    return p;
  }

  /** Slot for a new point at the end, dropping the oldest when full. */
  #nextSlot(): number {
    if (this.#length === this.capacity) this.dropOldest();
    const s = (this.#start + this.#length) % this.capacity;
    this.#length++;
    return s;
  }

  #slot(i: number): number {
    if (!(i >= 0 && i < this.#length)) throw new RangeError(`history point ${i} of ${this.#length}`);
    return (this.#start + i) % this.capacity;
  }
}
