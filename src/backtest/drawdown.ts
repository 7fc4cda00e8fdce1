/**
 * Largest peak-to-trough fall of equity, updated one value at a time, in exact micro-USDC so the reported
 * figure carries no float noise.
 */
export class Drawdown {
  private peak: bigint | undefined;
  max = 0n;

  push(value: bigint): void {
    if (this.peak === undefined || value > this.peak) this.peak = value;
    const dd = this.peak - value;
    if (dd > this.max) this.max = dd;
  }
}
