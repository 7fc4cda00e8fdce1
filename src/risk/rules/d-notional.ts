/** Rule D — max notional: worst-case |base| × mark (position + open orders, or the band asked for) > maxNotional → CLAMP. */

import {
  aboveLimit,
  bandExtent,
  clampOutcome,
  fmt,
  notTripped,
  type RiskInputs,
  type RuleOutcome,
  symmetricRange,
  wasActive,
  worstCaseBase,
} from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

export function ruleNotional(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = 'D_notional' as const;
  const mark = inputs.snapshot.mark;
  const measured = Math.max(worstCaseBase(inputs.account), bandExtent(inputs.band)) * mark;
  if (!aboveLimit(measured, limits.maxNotional, wasActive(inputs, rule), limits.hysteresisPct)) {
    return notTripped(rule);
  }
  const cap = limits.maxNotional * (1 - limits.hysteresisPct / 100);
  const allowed = symmetricRange(mark > 0 ? cap / mark : 0);
  return clampOutcome(
    rule,
    inputs,
    allowed,
    measured,
    limits.maxNotional,
    `worst-case notional ${fmt(measured)} USDC above max ${fmt(limits.maxNotional)}; |base| ≤ ${fmt(
      allowed.maxBase,
      4,
    )}`,
  );
}
