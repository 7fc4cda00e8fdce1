/**
 * Remembers the equity at the first observation of each UTC day, so the daily-loss rule can measure
 * realized + unrealized + funding PnL since 00:00 UTC as the change in equity. (Deposits and withdrawals
 * during the day would show up as PnL; the runner restarts the day's mark when it moves collateral.)
 * The pair (day, equity) is persisted by the runner (see `memory`/`restore`): a restart later the same day must
 * measure from the same start, not from the equity it finds after the losses.
 */
const DAY_MS = 86_400_000;

export interface DayStartMemory {
  /** UTC day number (floor(ts / 86 400 000)). */
  day: number;
  /** Equity (USDC) at the first observation of that day. */
  equity: number;
}

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

  /** Whether `ts` falls on another UTC day than the start kept (then `at` keeps the equity it is given). */
  isNewDay(ts: number): boolean {
    return Math.floor(ts / DAY_MS) !== this.day;
  }

  /** Capital moved in or out: today's baseline moves with it. */
  adjust(delta: number): void {
    this.equity += delta;
  }

  /** What to persist; undefined before the first observation. */
  memory(): DayStartMemory | undefined {
    return Number.isNaN(this.day) ? undefined : { day: this.day, equity: this.equity };
  }

  /** Whether `m` is what `memory()` would return now. */
  is(m: DayStartMemory | undefined): boolean {
    return m === undefined ? Number.isNaN(this.day) : m.day === this.day && m.equity === this.equity;
  }

  /** Takes a persisted start back (only the day it names counts: `at` moves on when the day changes). */
  restore(m: DayStartMemory): void {
    this.day = m.day;
    this.equity = m.equity;
  }
}
