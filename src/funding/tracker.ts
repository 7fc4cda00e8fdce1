/**
 * Funding for one market of one subaccount (DESIGN.md §7).
 *
 * The venue's settled payments are the truth. Between settlements the tracker keeps a continuous estimate for
 * display: accrued = −position × rate × elapsed fraction of the period, integrated piecewise as the position or
 * the rate changes (sign from the trader's side: negative = paid; longs pay when the rate is positive). At each
 * settlement the estimate is reconciled against the venue's amount and the difference recorded.
 *
 * Why they differ: Drift charges the position held when the funding rate updates the whole period's rate, not a
 * time-weighted share, and its rate comes from TWAPs the estimate only approximates. The difference is the
 * honest measure of how far the display may be off.
 *
 * State object with methods, no clock: every call carries its own timestamp (epoch ms, non-decreasing).
 */

import { quoteToInt } from '../domain/precision.ts';
import type { FundingPayment } from '../domain/types.ts';

/** One settlement reconciled. Amounts in QUOTE precision (1e6), trader's side (negative = paid). */
export interface FundingReconciliation {
  ts: number;
  marketIndex: number;
  /** What the continuous estimate had accrued since the previous settlement (rounded to QUOTE). */
  estimated: bigint;
  /** What the venue settled. */
  settled: bigint;
  /** settled − estimated. */
  difference: bigint;
}

export interface FundingTrackerConfig {
  marketIndex: number;
  /** Funding period; Drift settles hourly. Default 3600 s. */
  fundingPeriodSec?: number;
  /** Start of the first accrual, epoch ms. */
  startTs: number;
  /** Signed base held at start. Default 0. */
  position?: number;
  /** Current rate, quote per 1 base unit per period (longs pay when positive). Default 0. */
  ratePerBase?: number;
}

export class FundingTracker {
  readonly marketIndex: number;
  readonly periodMs: number;
  private position: number;
  private rate: number;
  private lastTs: number;
  /** Estimate accrued since the last settlement up to lastTs, quote units (float, display only). */
  private accrued = 0;
  private settledSum = 0n;
  private differenceSum = 0n;
  private readonly history: FundingReconciliation[] = [];

  constructor(config: FundingTrackerConfig) {
    this.marketIndex = config.marketIndex;
    this.periodMs = (config.fundingPeriodSec ?? 3600) * 1000;
    if (!(this.periodMs > 0)) throw new RangeError('fundingPeriodSec must be > 0');
    this.position = config.position ?? 0;
    this.rate = config.ratePerBase ?? 0;
    this.lastTs = config.startTs;
  }

  /** Time of the last update (epoch ms): later updates must not be earlier. */
  get asOf(): number {
    return this.lastTs;
  }

  /** The position changed at `ts` (signed base). */
  onPosition(ts: number, base: number): void {
    this.accrueTo(ts);
    this.position = base;
  }

  /** The current funding rate changed at `ts` (quote per base per period). */
  onRate(ts: number, ratePerBase: number): void {
    this.accrueTo(ts);
    this.rate = ratePerBase;
  }

  /** The continuous estimate since the last settlement, as of `ts`, quote units (display only). */
  estimate(ts: number): number {
    const elapsed = Math.max(0, ts - this.lastTs);
    return this.accrued - (this.position * this.rate * elapsed) / this.periodMs;
  }

  /** A venue settlement: reconciles the estimate, records the difference, and restarts the accrual. */
  onSettlement(payment: FundingPayment): FundingReconciliation {
    if (payment.marketIndex !== this.marketIndex) {
      throw new RangeError(
        `funding payment for market ${payment.marketIndex} sent to market ${this.marketIndex}`,
      );
    }
    this.accrueTo(payment.ts);
    const estimated = quoteToInt(this.accrued);
    const record: FundingReconciliation = {
      ts: payment.ts,
      marketIndex: this.marketIndex,
      estimated,
      settled: payment.amount,
      difference: payment.amount - estimated,
    };
    this.accrued = 0;
    this.settledSum += payment.amount;
    this.differenceSum += record.difference;
    this.history.push(record);
    return record;
  }

  /** Totals since the tracker started: settled truth, estimate pending now, and the summed differences. */
  totals(ts: number): { settled: bigint; pendingEstimate: number; difference: bigint } {
    return { settled: this.settledSum, pendingEstimate: this.estimate(ts), difference: this.differenceSum };
  }

  /** Every reconciliation so far, oldest first (a copy). */
  reconciliations(): FundingReconciliation[] {
    return this.history.slice();
  }

  private accrueTo(ts: number): void {
    if (ts < this.lastTs)
      throw new RangeError(`funding updates must arrive in time order: ${ts} after ${this.lastTs}`);
    this.accrued -= (this.position * this.rate * (ts - this.lastTs)) / this.periodMs;
    this.lastTs = ts;
  }
}
