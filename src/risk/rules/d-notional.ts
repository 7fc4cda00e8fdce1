/**
 * Rule D — max notional for the whole account: worst-case |base| × mark (position + open orders, or the band asked
 * for) plus the worst-case notional on the account's other markets (`otherNotional`) > maxNotional → CLAMP this
 * market to |base| ≤ (cap − other) / mark.
 */

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
  const other = inputs.account.otherNotional ?? 0;
  const measured = Math.max(worstCaseBase(inputs.account), bandExtent(inputs.band)) * mark + other;
  if (!aboveLimit(measured, limits.maxNotional, wasActive(inputs, rule), limits.hysteresisPct)) {
    return notTripped(rule);
  }
  const cap = limits.maxNotional * (1 - limits.hysteresisPct / 100);
  const allowed = symmetricRange(mark > 0 && cap > other ? (cap - other) / mark : 0);
  return clampOutcome(
    rule,
    inputs,
    allowed,
    measured,
    limits.maxNotional,
    `worst-case account notional ${fmt(measured)} USDC${
      other > 0 ? ` (other markets ${fmt(other)})` : ''
    } above max ${fmt(limits.maxNotional)}; |base| ≤ ${fmt(allowed.maxBase, 4)}`,
  );
}
