/**
 * Rule B — leverage cap on the worst case: (position + every open order on the worse side) notional / total
 * collateral. The band the strategy asks for counts too, because the execution layer will fill the band with
 * orders. Tripped → CLAMP to |base| ≤ cap × equity / mark, at the release level so the clamp edge sits inside
 * the limit.
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

export function ruleLeverage(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = 'B_leverage' as const;
  const { account: a, snapshot: s } = inputs;
  const equity = a.totalCollateral;
  const leverageOf = (base: number): number =>
    base === 0 ? 0 : equity > 0 ? (base * s.mark) / equity : Number.POSITIVE_INFINITY;
  const worst = leverageOf(worstCaseBase(a));
  const asked = leverageOf(bandExtent(inputs.band));
  const measured = Math.max(worst, asked);
  if (!aboveLimit(measured, limits.maxLeverage, wasActive(inputs, rule), limits.hysteresisPct)) {
    return notTripped(rule);
  }
  const capLeverage = limits.maxLeverage * (1 - limits.hysteresisPct / 100);
  const allowed = symmetricRange(equity > 0 && s.mark > 0 ? (capLeverage * equity) / s.mark : 0);
  return clampOutcome(
    rule,
    inputs,
    allowed,
    measured,
    limits.maxLeverage,
    `worst-case leverage ${fmt(measured)}x (position+orders ${fmt(worst)}x, band ${fmt(
      asked,
    )}x) above ${fmt(limits.maxLeverage)}x; |base| ≤ ${fmt(allowed.maxBase, 4)}`,
  );
}
