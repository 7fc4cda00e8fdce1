/**
 * Rule G — reduce-only trigger: the operator's switch (runtime or config), the market in reduce-only mode on
 * Drift, or another rule asking for REDUCE_ONLY (the governor passes those in, so the reason list says why).
 */
import type { RiskRuleId } from '../../domain/intent.ts';
import { notTripped, type RiskInputs, type RuleOutcome } from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

/** Whether a reduce-only switch is on (operator, config or venue): rule G trips then, or when a rule asks. */
export const reduceOnlySwitched = (inputs: RiskInputs, limits: RiskLimits): boolean =>
  inputs.manualReduceOnly || limits.reduceOnly === true || inputs.snapshot.reduceOnly === true;

export function ruleReduceOnly(
  inputs: RiskInputs,
  limits: RiskLimits,
  requestedBy: readonly RiskRuleId[] = [],
): RuleOutcome {
  const rule = 'G_reduce_only' as const;
  if (!reduceOnlySwitched(inputs, limits) && requestedBy.length === 0) return notTripped(rule);
  const causes: string[] = [];
  if (inputs.manualReduceOnly) causes.push('manual switch');
  if (limits.reduceOnly) causes.push('config reduceOnly');
  if (inputs.snapshot.reduceOnly) causes.push('market is reduce-only on the venue');
  for (const r of requestedBy) causes.push(`requested by ${r}`);
  return {
    rule,
    tripped: true,
    action: 'REDUCE_ONLY',
    reason: {
      rule,
      action: 'REDUCE_ONLY',
      measured: causes.length,
      limit: 0,
      message: `reduce-only: ${causes.join(', ')}`,
    },
  };
}
