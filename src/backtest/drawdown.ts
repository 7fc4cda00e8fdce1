/**
 * Largest peak-to-trough fall of equity, updated one value at a time, in exact micro-USDC so the reported
 * figure carries no float noise.
 *
 * The backtest pushes a value every bar, mostly an integer it already holds exactly in a double (pnl-book.ts
 * equityInDoubles): those are compared as doubles (a difference of two integers below 2^52 is exact) instead of
 * being made into BigInts and subtracted as BigInts, two allocations a bar. A BigInt value, or a number beyond
 * that range, switches the record to BigInts for good; the figure is the same either way.
 */
const EXACT = 2 ** 52;

export class Drawdown {
  #peak = Number.NaN;
  #max = 0;
  /** Set once a value did not fit the doubles. */
  #big: { peak: bigint | undefined; max: bigint } | undefined;

  /** An equity integer (micro-USDC). */
  push(value: bigint): void {
    const big = this.#bigRecord();
    if (big.peak === undefined || value > big.peak) big.peak = value;
    const dd = big.peak - value;
    if (dd > big.max) big.max = dd;
  }

  /** An equity integer (micro-USDC) held in a double; must be an integer. */
  pushInteger(value: number): void {
    if (this.#big !== undefined || !(value < EXACT && value > -EXACT)) {
      this.push(BigInt(value));
      return;
    }
    if (!(value <= this.#peak)) this.#peak = value;
    // both below 2^52 in magnitude: the difference is below 2^53, exact
    const dd = this.#peak - value;
    if (dd > this.#max) this.#max = dd;
  }

  get max(): bigint {
    return this.#big === undefined ? BigInt(this.#max) : this.#big.max;
  }

  #bigRecord(): { peak: bigint | undefined; max: bigint } {
    this.#big ??= {
      peak: Number.isNaN(this.#peak) ? undefined : BigInt(this.#peak),
      max: BigInt(this.#max),
    };
    return this.#big;
  }
}
