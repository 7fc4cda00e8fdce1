/**
 * The simulator's funding clock: it accumulates the TWAPs Drift's hourly formula (src/funding/drift-formula.ts)
 * reads, period by period.
 *
 * TWAPs are time-weighted means of bar closes over the period. Sums are kept as integers inside doubles
 * (micro-dollars × seconds stays below 2^53 for any price under ~2.5M USD over an hour), so the TWAP is exact
 * and cheap per bar. A stale oracle bar contributes the last FRESH oracle, never the repeated stale value;
 * before any fresh oracle the mark stands in.
 */
import type { Twaps } from '../../funding/drift-formula.ts';

export { fundingClampDivisor, fundingRate, type Twaps } from '../../funding/drift-formula.ts';

/** Per-market accumulator; mutable on purpose (one per market, updated every bar without allocating). */
export interface FundingClock {
  periodMs: number;
  /** Epoch ms of the next settlement boundary (a multiple of the period); NaN until the first bar. */
  nextTs: number;
  /** Σ markMicro × seconds and Σ oracleMicro × seconds over the running period. */
  markSum: number;
  oracleSum: number;
  seconds: number;
}

export function newFundingClock(periodSec: number): FundingClock {
  return { periodMs: periodSec * 1000, nextTs: Number.NaN, markSum: 0, oracleSum: 0, seconds: 0 };
}

/** Adds one bar's closes (floats in USD) weighted by its length. */
export function accumulate(clock: FundingClock, mark: number, oracle: number, intervalMs: number): void {
  const s = intervalMs / 1000;
  clock.markSum += Math.round(mark * 1e6) * s;
  clock.oracleSum += Math.round(oracle * 1e6) * s;
  clock.seconds += s;
}

/** First period boundary strictly after `ts`. */
export const nextBoundary = (ts: number, periodMs: number): number =>
  Math.floor(ts / periodMs) * periodMs + periodMs;

/** Reads and resets the running period; undefined when no bar fell into it. */
export function takeTwaps(clock: FundingClock): Twaps | undefined {
  if (clock.seconds <= 0) return undefined;
  const t = {
    markTwap: BigInt(Math.round(clock.markSum / clock.seconds)),
    oracleTwap: BigInt(Math.round(clock.oracleSum / clock.seconds)),
  };
  clock.markSum = 0;
  clock.oracleSum = 0;
  clock.seconds = 0;
  return t;
}

/**
 * A replayed record's rate in FUNDING_RATE precision: Drift's exact per-base figure when the record has it,
 * otherwise the fraction of the oracle price (rounded to nearest).
 */
export function replayedRate(ratePerBase: bigint | undefined, rateFraction: number, oracle: number): bigint {
  if (ratePerBase !== undefined) return ratePerBase;
  return BigInt(Math.round(rateFraction * oracle * 1e9));
}
