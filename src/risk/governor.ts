/**
 * The risk governor: runs every rule on one RiskInputs and folds the outcomes into one verdict.
 * Precedence PAUSE > REDUCE_ONLY > CLAMP > APPROVE; the band is the strategy's band clamped to the intersection
 * of every tripped rule's allowed range (each contains 0, so the intersection is never empty); every tripped
 * rule's reason is kept. The returned state feeds the next evaluation (hysteresis, daily-loss latch).
 */
import {
  type ExposureBand,
  type RiskRuleId,
  VERDICT_RANK,
  type Verdict,
  type VerdictKind,
} from '../domain/intent.ts';
import {
  type AllowedRange,
  clampBand,
  type GovernorState,
  INITIAL_GOVERNOR_STATE,
  type RiskInputs,
  type RuleOutcome,
} from './inputs.ts';
import type { RiskLimits } from './limits.ts';
import { liquidationBufferTrips, ruleLiquidationBuffer } from './rules/a-liquidation-buffer.ts';
import { leverageTrips, ruleLeverage } from './rules/b-leverage.ts';
import { dailyLossTrips, ruleDailyLoss, utcDay } from './rules/c-daily-loss.ts';
import { notionalTrips, ruleNotional } from './rules/d-notional.ts';
import { fundingTrips, ruleFunding } from './rules/e-funding.ts';
import { divergenceTrips, ruleDivergence } from './rules/f-divergence.ts';
import { reduceOnlySwitched, ruleReduceOnly } from './rules/g-reduce-only.ts';
import { ruleVolatility, volatilityTrips } from './rules/v-volatility.ts';

export interface RiskEvaluation {
  verdict: Verdict;
  state: GovernorState;
  /** Every rule's outcome, tripped or not (for the journal and the UI). */
  outcomes: RuleOutcome[];
}

/** Rules whose PAUSE means "the prices cannot be trusted": nothing may trade, not even a defense. */
const PRICE_INTEGRITY_PAUSE = new Set(['F_divergence']);

/**
 * A PAUSE asked for by a rule that does not doubt the prices (volatility, daily loss) must not stop the
 * liquidation defense or a reduction back inside the leverage and notional caps: left alone, a paused position
 * could ride into liquidation while the governor watched. Then the verdict is REDUCE_ONLY — nothing may grow the
 * position, reducing orders may go out — and every reason (the PAUSE's included) stays on record.
 */
function defenseOverridesPause(
  kind: VerdictKind,
  outcomes: readonly RuleOutcome[],
  positionBase: number,
  range: AllowedRange,
): VerdictKind {
  if (kind !== 'PAUSE') return kind;
  const pausedByIntegrity = outcomes.some(
    (o) => o.tripped && o.action === 'PAUSE' && PRICE_INTEGRITY_PAUSE.has(o.rule),
  );
  if (pausedByIntegrity) return kind;
  const outside = positionBase > range.maxBase || positionBase < range.minBase;
  const defenseAsked = outcomes.some(
    (o) => o.tripped && o.rule === 'A_liquidation_buffer' && o.action === 'REDUCE_ONLY',
  );
  return defenseAsked || (outside && positionBase !== 0) ? 'REDUCE_ONLY' : kind;
}

/** The range no rule limits (what the fold below starts from). */
const UNBOUNDED: AllowedRange = Object.freeze({
  minBase: Number.NEGATIVE_INFINITY,
  maxBase: Number.POSITIVE_INFINITY,
});

/**
 * No rule tripped: what the fold below gives then — APPROVE, the band as asked (clamped to an unbounded
 * range), no reasons, nothing active and no daily-loss latch — without folding. Almost every risk check ends
 * here, on every bar of every bot, so the memory is the one frozen initial state instead of a new one.
 */
function approved(inputs: RiskInputs, outcomes: RuleOutcome[]): RiskEvaluation {
  return {
    verdict: approvedVerdict(inputs.band),
    state: INITIAL_GOVERNOR_STATE,
    outcomes,
  };
}

/** The verdict of a check with no rule tripped on a strategy band (what `approved` answers). */
export const approvedVerdict = (band: ExposureBand): Verdict => ({
  kind: 'APPROVE',
  band: clampBand(band, UNBOUNDED),
  reasons: [],
});

/**
 * Whether evaluateRisk(inputs, limits) would trip any rule: each rule's own trip test (its outcome starts from
 * it), without the outcomes. False means the evaluation is `approved` — APPROVE, the band as it is, the initial
 * state. The bots' every-bar risk pre-check asks this first (governor.test.ts checks it against evaluateRisk).
 */
export function anyRuleTrips(inputs: RiskInputs, limits: RiskLimits): boolean {
  return (
    liquidationBufferTrips(inputs, limits) ||
    leverageTrips(inputs, limits) ||
    dailyLossTrips(inputs, limits) ||
    notionalTrips(inputs, limits) ||
    fundingTrips(inputs, limits) ||
    divergenceTrips(inputs, limits) ||
    volatilityTrips(inputs, limits) ||
    // rule G without requests: a request comes only from a rule above, which tripped
    reduceOnlySwitched(inputs, limits)
  );
}

export function evaluateRisk(inputs: RiskInputs, limits: RiskLimits): RiskEvaluation {
  // Each rule called at its own site (not a loop over the rules) so that every call is monomorphic and can be
  // inlined: this runs on every bar (the bots' risk pre-check), where the loop's one call site with seven
  // targets cost about as much as the rules themselves. The order is the reasons' order.
  const outcomes: RuleOutcome[] = [
    ruleLiquidationBuffer(inputs, limits),
    ruleLeverage(inputs, limits),
    ruleDailyLoss(inputs, limits),
    ruleNotional(inputs, limits),
    ruleFunding(inputs, limits),
    ruleDivergence(inputs, limits),
    ruleVolatility(inputs, limits),
  ];
  let askingReduceOnly: RiskRuleId[] | undefined;
  let tripped = false;
  for (const o of outcomes) {
    if (!o.tripped) continue;
    tripped = true;
    if (o.action === 'REDUCE_ONLY') (askingReduceOnly ??= []).push(o.rule);
  }
  const g = ruleReduceOnly(inputs, limits, askingReduceOnly);
  outcomes.push(g);
  if (!tripped && !g.tripped) return approved(inputs, outcomes);

  let kind: VerdictKind = 'APPROVE';
  const range: AllowedRange = { minBase: Number.NEGATIVE_INFINITY, maxBase: Number.POSITIVE_INFINITY };
  const active: GovernorState['active'] = {};
  const reasons = [];
  for (const o of outcomes) {
    if (!o.tripped) continue;
    if (VERDICT_RANK[o.action] > VERDICT_RANK[kind]) kind = o.action;
    if (o.allowed) {
      range.minBase = Math.max(range.minBase, o.allowed.minBase);
      range.maxBase = Math.min(range.maxBase, o.allowed.maxBase);
    }
    active[o.rule] = o.action;
    if (o.reason) reasons.push(o.reason);
  }
  const band: ExposureBand = clampBand(inputs.band, range);
  kind = defenseOverridesPause(kind, outcomes, inputs.account.positionBase, range);
  const dailyLossTripped = active.C_daily_loss !== undefined;
  const today = utcDay(inputs.ts);
  const since = !dailyLossTripped
    ? null
    : inputs.previous.dailyLossLatchDay === today && inputs.previous.dailyLossSince !== null
      ? inputs.previous.dailyLossSince
      : inputs.ts;
  const verdict: Verdict = { kind, band, reasons };
  if (since !== null && limits.dailyLossAction === 'flatten') {
    verdict.flatten = { sinceTs: since, taker: inputs.ts - since >= limits.flattenAfterSec * 1000 };
  }
  return {
    verdict,
    state: { active, dailyLossLatchDay: dailyLossTripped ? today : null, dailyLossSince: since },
    outcomes,
  };
}
