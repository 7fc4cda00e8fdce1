/**
 * Drift's funding formula (DESIGN.md §7; protocol-v2 `math/funding.rs`), shared by the simulator (which charges
 * it) and the market snapshot (which estimates it for the risk rules and the UI when no funding records are fed):
 *   spread = markTwap − oracleTwap + oracleTwap / 5000
 *   rate   = clamp(spread, ±oracleTwap / k) × FUNDING_RATE_BUFFER(1e3) / (24h / period)
 * with k = 33 for tiers A/B, 20 for C, 10 otherwise. The rate is quote per base per period in FUNDING_RATE
 * precision (1e9 = PRICE 1e6 × 1e3); longs pay when it is positive.
 */
import type { ContractTier } from '../domain/markets.ts';

export interface Twaps {
  /** PRICE precision. */
  markTwap: bigint;
  oracleTwap: bigint;
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
