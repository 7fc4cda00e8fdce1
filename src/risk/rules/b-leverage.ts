/**
 * Rule B — leverage cap on the worst case, for the whole account: (this market's position + every open order on
 * the worse side) notional plus the worst-case notional on the account's other markets (`otherNotional`, e.g. a
 * spread's other leg), over total collateral. The band the strategy asks for counts too, because the execution
 * layer will fill the band with orders. Tripped → CLAMP this market to |base| ≤ (cap × equity − other) / mark,
 * at the release level so the clamp edge sits inside the limit.
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

/** Account leverage with `base` on this market at `mark` (a function, not a closure: this runs every bar). */
function leverageOf(base: number, mark: number, other: number, equity: number): number {
  const notional = base * mark + other;
  return notional === 0 ? 0 : equity > 0 ? notional / equity : Number.POSITIVE_INFINITY;
}

const RULE_B = 'B_leverage' as const;

/** The worst-case account leverage with the position and orders (worse side) on this market. */
function worstLeverage(inputs: RiskInputs): number {
  const a = inputs.account;
  return leverageOf(worstCaseBase(a), inputs.snapshot.mark, a.otherNotional ?? 0, a.totalCollateral);
}

/** The account leverage with the band's extent on this market (what the execution layer would fill). */
function askedLeverage(inputs: RiskInputs): number {
  const a = inputs.account;
  return leverageOf(bandExtent(inputs.band), inputs.snapshot.mark, a.otherNotional ?? 0, a.totalCollateral);
}

/** Whether rule B trips (its outcome starts from this; anyRuleTrips asks it on every bar). */
export function leverageTrips(inputs: RiskInputs, limits: RiskLimits): boolean {
  const measured = Math.max(worstLeverage(inputs), askedLeverage(inputs));
  return aboveLimit(measured, limits.maxLeverage, wasActive(inputs, RULE_B), limits.hysteresisPct);
}

export function ruleLeverage(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = RULE_B;
  if (!leverageTrips(inputs, limits)) return notTripped(rule);
  const { account: a, snapshot: s } = inputs;
  const equity = a.totalCollateral;
  const other = a.otherNotional ?? 0;
  const worst = worstLeverage(inputs);
  const asked = askedLeverage(inputs);
  const measured = Math.max(worst, asked);
  const capLeverage = limits.maxLeverage * (1 - limits.hysteresisPct / 100);
  const room = equity > 0 ? capLeverage * equity - other : 0;
  const allowed = symmetricRange(room > 0 && s.mark > 0 ? room / s.mark : 0);
  return clampOutcome(
    rule,
    inputs,
    allowed,
    measured,
    limits.maxLeverage,
    `worst-case account leverage ${fmt(measured)}x (position+orders ${fmt(worst)}x, band ${fmt(asked)}x${
      other > 0 ? `, other markets ${fmt(other)} USDC` : ''
    }) above ${fmt(limits.maxLeverage)}x; |base| ≤ ${fmt(allowed.maxBase, 4)}`,
  );
}
