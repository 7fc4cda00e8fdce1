/**
 * Rule E — funding guardrail. Drift's hourly rate (fraction of price; longs pay when positive) annualised as
 * rate × 24 × 365 × 100 %. When the paying side's APR exceeds maxFundingApr and the position sits on that side
 * (or the band would take it there), CLAMP that side at the current position: no new exposure that pays.
 */

import {
  type AllowedRange,
  aboveLimit,
  clampOutcome,
  fmt,
  notTripped,
  type RiskInputs,
  type RuleOutcome,
  wasActive,
} from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

export const fundingAprPct = (hourlyRate: number): number => hourlyRate * 24 * 365 * 100;

const RULE_E = 'E_funding' as const;

/**
 * Whether rule E trips: the paying side's APR is past the limit, and the position sits on that side or the band
 * would take it there (its outcome starts from this; anyRuleTrips asks it on every bar).
 */
export function fundingTrips(inputs: RiskInputs, limits: RiskLimits): boolean {
  const rate = inputs.snapshot.fundingRate;
  if (rate === 0) return false;
  const apr = Math.abs(fundingAprPct(rate));
  if (!aboveLimit(apr, limits.maxFundingApr, wasActive(inputs, RULE_E), limits.hysteresisPct)) return false;
  const q = inputs.account.positionBase;
  // the position pays, or the band reaches past it on the paying side (the CLAMP's allowed range below)
  return rate > 0
    ? q > 0 || inputs.band.maxBase > Math.max(0, q)
    : q < 0 || inputs.band.minBase < Math.min(0, q);
}

export function ruleFunding(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = RULE_E;
  if (!fundingTrips(inputs, limits)) return notTripped(rule);
  const rate = inputs.snapshot.fundingRate;
  const apr = Math.abs(fundingAprPct(rate));
  const q = inputs.account.positionBase;
  const longsPay = rate > 0;
  const allowed: AllowedRange = longsPay
    ? { minBase: Number.NEGATIVE_INFINITY, maxBase: Math.max(0, q) }
    : { minBase: Math.min(0, q), maxBase: Number.POSITIVE_INFINITY };
  const side = longsPay ? 'long' : 'short';
  return clampOutcome(
    rule,
    inputs,
    allowed,
    apr,
    limits.maxFundingApr,
    `${side}s pay ${fmt(apr)}% APR funding (max ${fmt(limits.maxFundingApr)}%); no new ${side} exposure`,
  );
}
