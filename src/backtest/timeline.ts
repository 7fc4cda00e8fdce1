/**
 * The report's per-bar timeline, stored by column in typed arrays (issue 17). A year of 1-minute bars as row
 * objects cost ~130 MiB and most of the run's garbage collection; as columns it is ~60 MiB of flat memory that
 * the report writer streams out without building a row object or one giant string. Rows are materialised only
 * on demand (`at`, iteration) for the HTML report and tests.
 *
 * Null figures (no liquidation price, no range yet) are stored as NaN: none of these columns can hold a real NaN.
 */
import type { VerdictKind } from '../domain/intent.ts';
import type { LegRow, TimelineRow } from './report-types.ts';

const VERDICTS: readonly VerdictKind[] = ['APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'];
const VERDICT_CODE: Record<VerdictKind, number> = { APPROVE: 0, CLAMP: 1, REDUCE_ONLY: 2, PAUSE: 3 };

/** The numeric columns, in report.json's key order. */
const NUMERIC_COLUMNS = [
  'ts',
  'mark',
  'oracle',
  'base',
  'collateral',
  'equity',
  'leverage',
  'health',
  'liqPrice',
] as const;
const COUNT_COLUMNS = ['openBids', 'openAsks', 'openBidBase', 'openAskBase'] as const;
type Column = (typeof NUMERIC_COLUMNS)[number] | (typeof COUNT_COLUMNS)[number] | 'rangeLo' | 'rangeHi';
/** Every column, in report.json's key order (the serializer writes them in this order). */
export const TIMELINE_COLUMNS: readonly Column[] = [
  ...NUMERIC_COLUMNS,
  ...COUNT_COLUMNS,
  'rangeLo',
  'rangeHi',
];

/** One bar's figures as the backtest loop measures them (null where the report prints null). */
export type TimelineInput = Omit<TimelineRow, 'rangeLo' | 'rangeHi' | 'legs'>;

/** What a bot adds to a row: the grid's range, or the spread's legs (TimelineRow's optional fields). */
export type TimelineExtras = Pick<TimelineRow, 'rangeLo' | 'rangeHi' | 'legs'>;

const nullable = (v: number): number | null => (Number.isNaN(v) ? null : v);

export class Timeline implements Iterable<TimelineRow> {
  #length = 0;
  #capacity: number;
  #c = {} as Record<Column, Float64Array>;
  #verdict: Uint8Array;
  /** Set by the first row: whether rows carry the grid's range (every row of a run has the same shape). */
  #hasRange = false;
  readonly #legs: (Record<string, LegRow> | undefined)[] = [];

  /** `expected` sizes the columns up front (the bar count); they grow by doubling beyond it. */
  constructor(expected = 1024) {
    this.#capacity = Math.max(16, expected);
    for (const c of TIMELINE_COLUMNS) this.#c[c] = new Float64Array(this.#capacity);
    this.#verdict = new Uint8Array(this.#capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** The grid's range columns are part of the rows (false for spread bots). */
  get hasRange(): boolean {
    return this.#hasRange;
  }

  push(row: TimelineInput, extras: TimelineExtras): void {
    if (this.#length === this.#capacity) this.#grow();
    const i = this.#length++;
    // One store per column, named: this runs once per bar (a Map lookup per column was a visible cost).
    const c = this.#c;
    c.ts[i] = row.ts;
    c.mark[i] = row.mark;
    c.oracle[i] = row.oracle;
    c.base[i] = row.base;
    c.collateral[i] = row.collateral;
    c.equity[i] = row.equity;
    c.leverage[i] = row.leverage;
    c.health[i] = row.health;
    c.liqPrice[i] = row.liqPrice ?? Number.NaN;
    c.openBids[i] = row.openBids;
    c.openAsks[i] = row.openAsks;
    c.openBidBase[i] = row.openBidBase;
    c.openAskBase[i] = row.openAskBase;
    this.#verdict[i] = VERDICT_CODE[row.verdict];
    if (i === 0) this.#hasRange = extras.rangeLo !== undefined;
    if (this.#hasRange) {
      c.rangeLo[i] = extras.rangeLo ?? Number.NaN;
      c.rangeHi[i] = extras.rangeHi ?? Number.NaN;
    }
    if (extras.legs !== undefined || this.#legs.length > 0) this.#legs[i] = extras.legs;
  }

  /** A column's values for rows [0, length): a view, not a copy. NaN stands for null. */
  column(name: Column): Float64Array {
    return this.#c[name].subarray(0, this.#length);
  }

  verdictAt(i: number): VerdictKind {
    return VERDICTS[this.#verdict[i]];
  }

  legsAt(i: number): Record<string, LegRow> | undefined {
    return this.#legs[i];
  }

  /** Row i as an object, keys in report.json's order; negative i counts from the end (as Array.at). */
  at(i: number): TimelineRow | undefined {
    const k = i < 0 ? this.#length + i : i;
    if (k < 0 || k >= this.#length) return undefined;
    const v = (c: Column): number => this.#c[c][k];
    const row: TimelineRow = {
      ts: v('ts'),
      mark: v('mark'),
      oracle: v('oracle'),
      base: v('base'),
      collateral: v('collateral'),
      equity: v('equity'),
      leverage: v('leverage'),
      health: v('health'),
      liqPrice: nullable(v('liqPrice')),
      verdict: this.verdictAt(k),
      openBids: v('openBids'),
      openAsks: v('openAsks'),
      openBidBase: v('openBidBase'),
      openAskBase: v('openAskBase'),
    };
    if (this.#hasRange) {
      row.rangeLo = nullable(v('rangeLo'));
      row.rangeHi = nullable(v('rangeHi'));
    }
    const legs = this.#legs[k];
    if (legs !== undefined) row.legs = legs;
    return row;
  }

  *[Symbol.iterator](): Iterator<TimelineRow> {
    for (let i = 0; i < this.#length; i++) yield this.at(i) as TimelineRow;
  }

  /** JSON.stringify(report) prints the rows, as it did when the timeline was an array. */
  toJSON(): TimelineRow[] {
    return this.toArray();
  }

  /** Every row as an object (tests, small runs). */
  toArray(): TimelineRow[] {
    return [...this];
  }

  #grow(): void {
    this.#capacity *= 2;
    for (const c of TIMELINE_COLUMNS) {
      const b = new Float64Array(this.#capacity);
      b.set(this.#c[c]);
      this.#c[c] = b;
    }
    const v = new Uint8Array(this.#capacity);
    v.set(this.#verdict);
    this.#verdict = v;
  }
}
