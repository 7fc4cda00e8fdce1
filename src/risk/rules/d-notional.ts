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

const RULE_D = 'D_notional' as const;

/** The worst-case account notional: this market's position and orders, or the band, plus the other markets'. */
const notionalOf = (inputs: RiskInputs): number =>
  Math.max(worstCaseBase(inputs.account), bandExtent(inputs.band)) * inputs.snapshot.mark +
  (inputs.account.otherNotional ?? 0);

/** Whether rule D trips (its outcome starts from this; anyRuleTrips asks it on every bar). */
export const notionalTrips = (inputs: RiskInputs, limits: RiskLimits): boolean =>
  aboveLimit(notionalOf(inputs), limits.maxNotional, wasActive(inputs, RULE_D), limits.hysteresisPct);

export function ruleNotional(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = RULE_D;
  if (!notionalTrips(inputs, limits)) return notTripped(rule);
  const mark = inputs.snapshot.mark;
  const other = inputs.account.otherNotional ?? 0;
  const measured = notionalOf(inputs);
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
