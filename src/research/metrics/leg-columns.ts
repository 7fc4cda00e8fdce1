/**
 * A spread run's legs at every bar (each market's base and oracle), by column: a year of 1-minute rows held
 * as a `{market: {base, oracle}}` object per row was ~75 MB of old-generation heap by the run's end (three
 * objects and four boxed numbers a row), and all of it passed through the young generation first (issue 17). The
 * legs of a row are made again when read (`at`), with the markets in the order the first row gave them. A row
 * whose markets are not those (rows pushed by hand) is kept as given.
 */
import type { LegFigures } from './metrics-timeline.ts';

/** Row kinds: no legs, legs in the columns, legs kept as given. */
const NONE = 0;
const COLUMNS = 1;
const KEPT = 2;

export class LegColumns {
  /** The columns' markets, in the first row's order; undefined until a row has legs. */
  #markets: string[] | undefined;
  #base: Float64Array[] = [];
  #oracle: Float64Array[] = [];
  #kind: Uint8Array;
  readonly #kept = new Map<number, LegFigures>();

  constructor(capacity: number) {
    this.#kind = new Uint8Array(capacity);
  }

  /** Whether any row has legs (a spread run's rows do; a single market's none). */
  get any(): boolean {
    return this.#markets !== undefined || this.#kept.size > 0;
  }

  /** Row i's legs (undefined: none). Rows are set in order, below the capacity. */
  set(i: number, legs: LegFigures | undefined): void {
    if (legs === undefined) {
      this.#kind[i] = NONE;
      return;
    }
    const markets = (this.#markets ??= this.#open(legs));
    // the row's markets must be the columns', in their order (a for…in: no key array per row)
    let k = 0;
    for (const m in legs) {
      if (markets[k] !== m) {
        k = -1;
        break;
      }
      k++;
    }
    if (k !== markets.length) {
      this.#kind[i] = KEPT;
      this.#kept.set(i, legs);
      return;
    }
    for (let j = 0; j < markets.length; j++) {
      const leg = legs[markets[j] as string] as { base: number; oracle: number };
      (this.#base[j] as Float64Array)[i] = leg.base;
      (this.#oracle[j] as Float64Array)[i] = leg.oracle;
    }
    this.#kind[i] = COLUMNS;
  }

  /**
   * Row i's legs given by column (the research tape's every-bar call: no object made to be taken apart): the
   * markets, in order, and each one's base and oracle.
   */
  setFigures(
    i: number,
    markets: readonly string[],
    base: ArrayLike<number>,
    oracle: ArrayLike<number>,
  ): void {
    const own = (this.#markets ??= this.#openFor(markets));
    if (own !== markets && !sameMarkets(own, markets)) {
      const legs: LegFigures = {};
      markets.forEach((m, j) => {
        legs[m] = { base: base[j] as number, oracle: oracle[j] as number };
      });
      this.set(i, legs);
      return;
    }
    for (let j = 0; j < own.length; j++) {
      (this.#base[j] as Float64Array)[i] = base[j] as number;
      (this.#oracle[j] as Float64Array)[i] = oracle[j] as number;
    }
    this.#kind[i] = COLUMNS;
  }

  /** Row i's legs as set (a new object for a row in the columns), undefined for a row without. */
  at(i: number): LegFigures | undefined {
    const kind = this.#kind[i];
    if (kind === KEPT) return this.#kept.get(i);
    if (kind !== COLUMNS) return undefined;
    const markets = this.#markets as string[];
    const legs: LegFigures = {};
    for (let j = 0; j < markets.length; j++) {
      legs[markets[j] as string] = {
        base: (this.#base[j] as Float64Array)[i] as number,
        oracle: (this.#oracle[j] as Float64Array)[i] as number,
      };
    }
    return legs;
  }

  /** Room for `capacity` rows, the rows so far kept. */
  grow(capacity: number): void {
    const kind = new Uint8Array(capacity);
    kind.set(this.#kind);
    this.#kind = kind;
    this.#base = this.#base.map((c) => grown(c, capacity));
    this.#oracle = this.#oracle.map((c) => grown(c, capacity));
  }

  #open(legs: LegFigures): string[] {
    return this.#openFor(Object.keys(legs));
  }

  #openFor(markets: readonly string[]): string[] {
    const capacity = this.#kind.length;
    this.#base = markets.map(() => new Float64Array(capacity));
    this.#oracle = markets.map(() => new Float64Array(capacity));
    return [...markets];
  }
}

function sameMarkets(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((m, j) => m === b[j]);
}

function grown(c: Float64Array, capacity: number): Float64Array {
  const a = new Float64Array(capacity);
  a.set(c);
  return a;
}
