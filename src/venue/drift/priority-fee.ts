/**
 * Priority fee (compute-unit price, micro-lamports) from the RPC's recent prioritization fees: a percentile of
 * the recent non-zero fees, clamped to [min, max] so a fee spike cannot drain the wallet and a quiet network
 * still gets the floor.
 */
export interface PriorityFeePolicy {
  /** 0..100. */
  percentile: number;
  minMicroLamports: number;
  maxMicroLamports: number;
}

export const DEFAULT_PRIORITY_FEE: Readonly<PriorityFeePolicy> = Object.freeze({
  percentile: 75,
  minMicroLamports: 1_000,
  maxMicroLamports: 1_000_000,
});

export function pickPriorityFee(recent: readonly number[], policy: PriorityFeePolicy): number {
  const fees = recent.filter((f) => f > 0).sort((a, b) => a - b);
  const raw =
    fees.length === 0
      ? 0
      : fees[Math.min(fees.length - 1, Math.floor((policy.percentile / 100) * fees.length))];
  return Math.min(policy.maxMicroLamports, Math.max(policy.minMicroLamports, raw));
}
