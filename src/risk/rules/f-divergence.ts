/**
 * Rule F — oracle/mark divergence, a stale oracle, or the market paused on the venue → PAUSE. A mark far from the oracle means either the book is
 * dislocated or the oracle is wrong; in both cases quoting is unsafe (Drift's own guard rail is 10%).
 * Stale means a live oracle whose slot lags (the snapshot's oracleStale, or an observed oracle older than
 * maxOracleAgeSec). A replayed bar whose oracle was not observed (an export gap, `oracleObserved: false`) is not
 * stale: its oracle is the bar's own price as the estimate, and its observation age is information only.
 */

import { aboveLimit, fmt, notTripped, type RiskInputs, type RuleOutcome, wasActive } from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

export const divergencePct = (mark: number, oracle: number): number =>
  oracle > 0 ? (Math.abs(mark - oracle) / oracle) * 100 : Number.POSITIVE_INFINITY;

const RULE_F = 'F_divergence' as const;

/** A live oracle whose slot lags, or an observed oracle older than the limit (the module comment says why). */
const isStale = (s: RiskInputs['snapshot'], limits: RiskLimits): boolean =>
  s.oracleStale || (s.oracleObserved !== false && s.oracleAgeMs / 1000 > limits.maxOracleAgeSec);

const isDiverged = (inputs: RiskInputs, limits: RiskLimits): boolean =>
  aboveLimit(
    divergencePct(inputs.snapshot.mark, inputs.snapshot.oracle),
    limits.maxDivergencePct,
    wasActive(inputs, RULE_F),
    limits.hysteresisPct,
  );

/** Whether rule F trips (its outcome starts from this; anyRuleTrips asks it on every bar). */
export const divergenceTrips = (inputs: RiskInputs, limits: RiskLimits): boolean =>
  inputs.snapshot.marketPaused === true || isStale(inputs.snapshot, limits) || isDiverged(inputs, limits);

export function ruleDivergence(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = RULE_F;
  if (!divergenceTrips(inputs, limits)) return notTripped(rule);
  const s = inputs.snapshot;
  const div = divergencePct(s.mark, s.oracle);
  const ageSec = s.oracleAgeMs / 1000;
  const stale = isStale(s, limits);
  const diverged = isDiverged(inputs, limits);
  if (s.marketPaused === true) {
    const message = 'market paused on the venue (no fills possible)';
    return {
      rule,
      tripped: true,
      action: 'PAUSE',
      reason: { rule, action: 'PAUSE', measured: 1, limit: 0, message },
    };
  }
  const reason = diverged
    ? {
        measured: div,
        limit: limits.maxDivergencePct,
        message: `mark/oracle divergence ${fmt(div, 3)}% above max ${fmt(limits.maxDivergencePct, 3)}%${
          stale ? '; oracle stale' : ''
        }`,
      }
    : {
        measured: ageSec,
        limit: limits.maxOracleAgeSec,
        message: `oracle stale: ${fmt(ageSec, 1)} s old (max ${fmt(limits.maxOracleAgeSec, 1)} s)`,
      };
  return { rule, tripped: true, action: 'PAUSE', reason: { rule, action: 'PAUSE', ...reason } };
}
