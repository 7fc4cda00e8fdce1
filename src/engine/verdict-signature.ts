/**
 * What about a verdict makes the grid act differently: its kind, which rules tripped with which action, whether a
 * flatten has turned taker, and the band in whole grid levels (rounded toward zero). Two verdicts with the same
 * signature lead to the same orders, so the bot re-decides only when the signature changes — a leverage clamp
 * whose edge drifts with every tick does not re-place the ladder every tick.
 *
 * A signature is kept as its parts and compared part by part: the grid compares the verdict of every bar with
 * the last decision's, and building a key string for that each bar was garbage on every bar of every bot.
 */
import type { RiskRuleId, Verdict, VerdictKind } from '../domain/intent.ts';

const levels = (x: number, size: number): number =>
  Number.isFinite(x) ? Math.trunc(x / size) : x > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;

export interface VerdictSignature {
  kind: Verdict['kind'];
  minLevels: number;
  maxLevels: number;
  /** The flatten's taker flag, undefined when the verdict does not flatten. */
  taker: boolean | undefined;
  /** Each reason's rule and action, in order. */
  reasons: { rule: RiskRuleId; action: VerdictKind }[];
}

interface SignatureSetup {
  grid: { baseSizePerLevel: number };
}

export function verdictSignature(v: Verdict, setup: SignatureSetup): VerdictSignature {
  const size = setup.grid.baseSizePerLevel;
  return {
    kind: v.kind,
    minLevels: levels(v.band.minBase, size),
    maxLevels: levels(v.band.maxBase, size),
    taker: v.flatten?.taker,
    reasons: v.reasons.map((r) => ({ rule: r.rule, action: r.action })),
  };
}

/** Equal as the key strings were: −0 is 0 and NaN is NaN. */
const sameLevels = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Whether `v` has signature `sig` (equal to comparing verdictSignature(v) part by part, without making it). */
export function hasSignature(v: Verdict, sig: VerdictSignature, setup: SignatureSetup): boolean {
  const size = setup.grid.baseSizePerLevel;
  if (
    v.kind !== sig.kind ||
    !sameLevels(levels(v.band.minBase, size), sig.minLevels) ||
    !sameLevels(levels(v.band.maxBase, size), sig.maxLevels) ||
    v.flatten?.taker !== sig.taker ||
    v.reasons.length !== sig.reasons.length
  ) {
    return false;
  }
  for (let i = 0; i < v.reasons.length; i++) {
    const r = v.reasons[i];
    const want = sig.reasons[i];
    if (r.rule !== want.rule || r.action !== want.action) return false;
  }
  return true;
}
