/**
 * Hourly funding by Drift's formula (DESIGN.md §7; protocol-v2 `math/funding.rs`):
 *   spread = markTwap − oracleTwap + oracleTwap / 5000
 *   rate   = clamp(spread, ±oracleTwap / k) × FUNDING_RATE_BUFFER(1e3) / (24h / period)
 * with k = 33 for tiers A/B, 20 for C, 10 otherwise. The rate is quote per base per period in FUNDING_RATE
 * precision (1e9 = PRICE 1e6 × 1e3); longs pay when it is positive.
 *
 * TWAPs are time-weighted means of bar closes over the period. Sums are kept as integers inside doubles
 * (micro-dollars × seconds stays below 2^53 for any price under ~2.5M USD over an hour), so the TWAP is exact
 * and cheap per bar. A stale oracle bar contributes the last FRESH oracle, never the repeated stale value;
 * before any fresh oracle the mark stands in.
 */
import type { ContractTier } from '../../domain/markets.ts';

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

export interface Twaps {
  /** PRICE precision. */
  markTwap: bigint;
  oracleTwap: bigint;
}

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

/** Drift's clamp divisor per contract tier. */
export function fundingClampDivisor(tier: ContractTier): bigint {
  if (tier === 'A' || tier === 'B') return 33n;
  if (tier === 'C') return 20n;
  return 10n;
}

/** The funding rate for one period (FUNDING_RATE precision, quote per base), truncated toward zero. */
export function fundingRate(twaps: Twaps, tier: ContractTier, periodSec: number): bigint {
  const { markTwap, oracleTwap } = twaps;
  const spread = markTwap - oracleTwap + oracleTwap / 5000n;
  const cap = oracleTwap / fundingClampDivisor(tier);
  const clamped = spread > cap ? cap : spread < -cap ? -cap : spread;
  // × 1e3 lifts PRICE (1e6) to FUNDING_RATE (1e9); × period / 24h scales the daily premium to the period.
  return (clamped * 1000n * BigInt(periodSec)) / 86_400n;
}

/**
 * A replayed record's rate in FUNDING_RATE precision: Drift's exact per-base figure when the record has it,
 * otherwise the fraction of the oracle price (rounded to nearest).
 */
export function replayedRate(ratePerBase: bigint | undefined, rateFraction: number, oracle: number): bigint {
  if (ratePerBase !== undefined) return ratePerBase;
  return BigInt(Math.round(rateFraction * oracle * 1e9));
}
