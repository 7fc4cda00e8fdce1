/**
 * `BigInt(count) * unit`, the same BigInt object each time for the same count and unit: a price on the tick
 * (ticks × tick) or a size on the step (steps × step). BigInts are immutable values, so one object can stand
 * wherever the value is wanted.
 *
 * Why: a grid lays the same few prices and sizes again and again (every level of a ladder has the same size;
 * the price keeps coming back to the same levels), and a fleet of bots on one market lays the same ones as each
 * other. Each ladder made after a fill held 40 new BigInts for as long as it stood, which the garbage collector
 * copied and promoted (docs/runner.md, "Issue 17, sixth round").
 *
 * Bounded: a unit's table is emptied when it reaches MAX_PER_UNIT counts (a market trending through tens of
 * thousands of levels), so it never grows without end; a value made again after that is simply a new object.
 */

/** Counts remembered per unit before the table starts over. */
export const MAX_PER_UNIT = 16_384;

/** One unit's products, kept by count (bounded: emptied at MAX_PER_UNIT counts). */
export class UnitProducts {
  readonly #unit: bigint;
  readonly #byCount = new Map<number, bigint>();

  constructor(unit: bigint) {
    this.#unit = unit;
  }

  /** `BigInt(count) * unit`, the same object each time for the same count. */
  of(count: number): bigint {
    const table = this.#byCount;
    let v = table.get(count);
    if (v === undefined) {
      v = BigInt(count) * this.#unit;
      if (table.size >= MAX_PER_UNIT) table.clear();
      table.set(count, v);
    }
    return v;
  }

  get size(): number {
    return this.#byCount.size;
  }
}

const tables = new Map<bigint, UnitProducts>();

/**
 * The products of `unit`, shared by every caller with the same unit. A caller making many products of one unit
 * takes this once (the grid ladder: once per side scanned) rather than finding the unit's table by its BigInt
 * for every product, a lookup that cost about as much as the product itself.
 */
export function productsOf(unit: bigint): UnitProducts {
  let products = tables.get(unit);
  if (products === undefined) {
    products = new UnitProducts(unit);
    tables.set(unit, products);
  }
  return products;
}
