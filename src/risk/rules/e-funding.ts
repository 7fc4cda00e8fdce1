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

export function ruleFunding(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = 'E_funding' as const;
  const rate = inputs.snapshot.fundingRate;
  const apr = Math.abs(fundingAprPct(rate));
  const q = inputs.account.positionBase;
  if (rate === 0 || !aboveLimit(apr, limits.maxFundingApr, wasActive(inputs, rule), limits.hysteresisPct)) {
    return notTripped(rule);
  }
  const longsPay = rate > 0;
  const allowed: AllowedRange = longsPay
    ? { minBase: Number.NEGATIVE_INFINITY, maxBase: Math.max(0, q) }
    : { minBase: Math.min(0, q), maxBase: Number.POSITIVE_INFINITY };
  const positionPays = longsPay ? q > 0 : q < 0;
  const bandReaches = longsPay
    ? inputs.band.maxBase > allowed.maxBase
    : inputs.band.minBase < allowed.minBase;
  if (!positionPays && !bandReaches) return notTripped(rule);
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
