/**
 * The funding rate Drift would charge, estimated from the mark and oracle the bot sees, for markets fed without
 * funding records (a price-only backtest, paper on bars). The simulator charges exactly this formula in that
 * case (src/funding/drift-formula.ts), so the funding guardrail (rule E) and the UI's estimate must see it too.
 *
 * The estimate is the formula on the time-weighted means of the running period (Drift settles on the period's
 * TWAPs); before the first bar of a period it keeps the previous period's value. Floats are fine here: it feeds a
 * guardrail and a display, not a booking.
 */
import type { ContractTier } from '../domain/markets.ts';

const clampDivisor = (tier: ContractTier): number =>
  tier === 'A' || tier === 'B' ? 33 : tier === 'C' ? 20 : 10;

export class FormulaFundingEstimate {
  private readonly periodMs: number;
  private readonly divisor: number;
  private periodEnd = Number.NaN;
  private markSum = 0;
  private oracleSum = 0;
  private weight = 0;
  private last = 0;

  constructor(tier: ContractTier, periodSec: number) {
    this.periodMs = periodSec * 1000;
    this.divisor = clampDivisor(tier);
  }

  /** One bar ending at `ts` (its close's mark and oracle, weighted by its length). */
  push(ts: number, intervalMs: number, mark: number, oracle: number): void {
    if (!(mark > 0) || !(oracle > 0)) return;
    if (!(ts <= this.periodEnd)) {
      if (this.weight > 0) this.last = this.rate();
      this.periodEnd = Math.ceil(ts / this.periodMs) * this.periodMs;
      this.markSum = 0;
      this.oracleSum = 0;
      this.weight = 0;
    }
    this.markSum += mark * intervalMs;
    this.oracleSum += oracle * intervalMs;
    this.weight += intervalMs;
  }

  /** The hourly rate as a fraction of the price (longs pay when positive). */
  hourlyFraction(): number {
    return this.weight > 0 ? this.rate() : this.last;
  }

  private rate(): number {
    const markTwap = this.markSum / this.weight;
    const oracleTwap = this.oracleSum / this.weight;
    const cap = oracleTwap / this.divisor;
    const spread = markTwap - oracleTwap + oracleTwap / 5000;
    const clamped = spread > cap ? cap : spread < -cap ? -cap : spread;
    // Drift's daily premium, spread over 24 hourly payments, as a fraction of the oracle
    return clamped / oracleTwap / 24;
  }
}
