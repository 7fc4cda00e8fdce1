/**
 * Remembers the equity at the first decision of each UTC day, so the daily-loss rule can measure
 * realized + unrealized + funding PnL since 00:00 UTC as the change in equity. (Deposits and withdrawals
 * during the day would show up as PnL; the runner restarts the day's mark when it moves collateral.)
 */
const DAY_MS = 86_400_000;

export class DayStartEquity {
  private day = Number.NaN;
  private equity = 0;

  /** Equity at the start of ts's UTC day (the first value seen that day). */
  at(ts: number, currentEquity: number): number {
    const day = Math.floor(ts / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.equity = currentEquity;
    }
    return this.equity;
  }

  /** Capital moved in or out: today's baseline moves with it. */
  adjust(delta: number): void {
    this.equity += delta;
  }
}
