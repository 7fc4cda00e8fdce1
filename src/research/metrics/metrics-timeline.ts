/**
 * The per-bar figures the research metrics read, stored by column. The research tape records one row at every
 * bar (a year of 1-minute bars is 525,600); as row objects they were a large share of the backtest's memory and
 * garbage collection (issue 17), as typed-array columns they are flat memory read by index. Only what the
 * metrics read by row is a column (time, equity, oracle, verdict); of the mark they read the last, of the
 * position only whether there was one, so those are kept as a value and a count (two columns fewer to write and
 * page in on every bar). A spread run's legs are columns too (leg-columns.ts).
 */
import type { VerdictKind } from '../../domain/intent.ts';
import { LegColumns } from './leg-columns.ts';

export type LegFigures = Record<string, { base: number; oracle: number }>;

/** Read side: what the metrics use (rows 0 … length−1, in time order). */
export interface MetricsTimeline {
  readonly length: number;
  readonly ts: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly oracle: ArrayLike<number>;
  /** The last row's mark; undefined without rows. */
  readonly lastMark: number | undefined;
  /** How many rows hold a position: a base other than 0, or in a spread run a leg's. */
  readonly exposedRows: number;
  verdict(i: number): VerdictKind;
  /** Row i's verdict as its severity, 0 … 3 (APPROVE, CLAMP, REDUCE_ONLY, PAUSE: VERDICT_BY_SEVERITY). */
  readonly verdictCodes: ArrayLike<number>;
  /** Spread runs: every leg's base and oracle at row i; undefined for a single-market run. */
  legs(i: number): LegFigures | undefined;
  /** Whether any row has legs: false lets a single market's metrics skip asking row by row. */
  readonly hasLegs: boolean;
}

export interface MetricsRow {
  ts: number;
  equity: number;
  mark: number;
  oracle: number;
  base: number;
  verdict: VerdictKind;
  legs?: LegFigures;
}

/** A verdict's code, which is its severity (0 … 3), and the verdicts by their code. */
export const SEVERITY: Readonly<Record<VerdictKind, number>> = {
  APPROVE: 0,
  CLAMP: 1,
  REDUCE_ONLY: 2,
  PAUSE: 3,
};
export const VERDICT_BY_SEVERITY: readonly VerdictKind[] = ['APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'];
const NUMERIC = ['ts', 'equity', 'oracle'] as const;

/** Grows by doubling as rows are pushed; `view()` reads what was pushed so far. */
export class MetricsTimelineBuilder {
  #n = 0;
  #cols: Record<(typeof NUMERIC)[number], Float64Array>;
  #verdict: Uint8Array;
  readonly #legs: LegColumns;
  #lastMark = Number.NaN;
  #exposedRows = 0;

  constructor(expected = 1024) {
    const cap = Math.max(16, expected);
    this.#cols = {
      ts: new Float64Array(cap),
      equity: new Float64Array(cap),
      oracle: new Float64Array(cap),
    };
    this.#verdict = new Uint8Array(cap);
    this.#legs = new LegColumns(cap);
  }

  push(r: MetricsRow): void {
    const legs = r.legs;
    const exposed = r.base !== 0 || (legs !== undefined && Object.values(legs).some((l) => l.base !== 0));
    this.pushFigures(r.ts, r.equity, r.mark, r.oracle, exposed, r.verdict, legs);
  }

  /**
   * `push` of the row's fields (the backtest's every-bar call: no row object made to be taken apart);
   * `exposed`: whether the row holds a position (its base, or a leg's, is not 0).
   */
  pushFigures(
    ts: number,
    equity: number,
    mark: number,
    oracle: number,
    exposed: boolean,
    verdict: VerdictKind,
    legs: LegFigures | undefined,
  ): void {
    if (this.#n === this.#verdict.length) this.#grow();
    const i = this.#n++;
    const c = this.#cols;
    c.ts[i] = ts;
    c.equity[i] = equity;
    c.oracle[i] = oracle;
    this.#lastMark = mark;
    if (exposed) this.#exposedRows++;
    // APPROVE (almost every bar) without the keyed lookup
    this.#verdict[i] = verdict === 'APPROVE' ? 0 : SEVERITY[verdict];
    this.#legs.set(i, legs);
  }

  /**
   * `pushFigures` of a row with legs given by column: `markets` in order (the same array every row), each one's
   * base and oracle.
   */
  pushFiguresWithLegs(
    ts: number,
    equity: number,
    mark: number,
    oracle: number,
    exposed: boolean,
    verdict: VerdictKind,
    legs: { markets: readonly string[]; base: ArrayLike<number>; oracle: ArrayLike<number> },
  ): void {
    this.pushFigures(ts, equity, mark, oracle, exposed, verdict, undefined);
    this.#legs.setFigures(this.#n - 1, legs.markets, legs.base, legs.oracle);
  }

  view(): MetricsTimeline {
    const n = this.#n;
    const c = this.#cols;
    const verdict = this.#verdict;
    const legs = this.#legs;
    return {
      length: n,
      ts: c.ts.subarray(0, n),
      equity: c.equity.subarray(0, n),
      oracle: c.oracle.subarray(0, n),
      lastMark: n > 0 ? this.#lastMark : undefined,
      exposedRows: this.#exposedRows,
      verdict: (i) => VERDICT_BY_SEVERITY[verdict[i]] as VerdictKind,
      verdictCodes: verdict.subarray(0, n),
      legs: (i) => (i >= 0 && i < n ? legs.at(i) : undefined),
      hasLegs: legs.any,
    };
  }

  #grow(): void {
    const cap = this.#verdict.length * 2;
    for (const k of NUMERIC) {
      const a = new Float64Array(cap);
      a.set(this.#cols[k]);
      this.#cols[k] = a;
    }
    const v = new Uint8Array(cap);
    v.set(this.#verdict);
    this.#verdict = v;
    this.#legs.grow(cap);
  }
}

/** Rows to the columnar form (tests and small inputs). */
export function metricsTimelineOf(rows: readonly MetricsRow[]): MetricsTimeline {
  const b = new MetricsTimelineBuilder(rows.length);
  for (const r of rows) b.push(r);
  return b.view();
}
