/**
 * What the risk verdict means for a spread cycle's pair of fixed-size legs: an opening its band blocks, a held
 * leg a hard cap no longer admits (close the pair), a breach no order can repair. Each returns the reason, or
 * undefined when the verdict does not apply.
 */
import type { RiskRuleId, TargetPosition, Verdict } from '../../domain/intent.ts';
import { baseToNumber } from '../../domain/precision.ts';
import type { LegPosition } from './types.ts';

/** A CLAMP band that does not contain a leg's target blocks the opening (fixed-size legs cannot shrink). */
export function clampBlocks(
  verdict: Verdict | undefined,
  targets: readonly TargetPosition[],
): string | undefined {
  if (verdict?.kind !== 'CLAMP') return undefined;
  const { band } = verdict;
  const t = targets.find((x) => x.marketIndex === band.marketIndex);
  if (!t || (t.base >= band.minBase && t.base <= band.maxBase)) return undefined;
  return `risk CLAMP band [${band.minBase}, ${band.maxBase}] on market ${band.marketIndex} excludes target ${t.base}`;
}

/** The risk rules whose clamp is a hard cap on exposure (the others shape or slow it). */
const HARD_CAPS: ReadonlySet<RiskRuleId> = new Set(['B_leverage', 'D_notional']);

/**
 * A hard cap (leverage B, notional D, a daily-loss flatten) has tripped and the verdict's band no longer admits a
 * held leg by more than
 * the size tolerance. Fixed-size legs cannot shrink, so the answer is to close the pair: the spread bot's
 * reduction, as the grid's is to trade down into the band. Soft clamps (volatility V, funding E) only block
 * openings: the pair is hedged, and closing it on every volatility spike would churn it for fees.
 */
export function heldOutsideBand(
  verdict: Verdict | undefined,
  positions: readonly LegPosition[],
  tolerance: number,
): string | undefined {
  if (verdict?.kind !== 'CLAMP' && verdict?.kind !== 'REDUCE_ONLY') return undefined;
  // a daily-loss flatten (band [0, 0]) is a hard cap too: the pair is closed
  const hard =
    verdict.flatten !== undefined ||
    verdict.reasons.some((r) => HARD_CAPS.has(r.rule) && r.action !== 'APPROVE');
  if (!hard) return undefined;
  const { band } = verdict;
  const p = positions.find((x) => x.marketIndex === band.marketIndex);
  if (!p || p.base === 0n) return undefined;
  const base = baseToNumber(p.base);
  const slack = Math.abs(base) * tolerance;
  if (base >= band.minBase - slack && base <= band.maxBase + slack) return undefined;
  return `risk band [${band.minBase}, ${band.maxBase}] on market ${band.marketIndex} excludes the held ${base}`;
}

/** Rule A tripping to REDUCE_ONLY/PAUSE means the account is already inside its liquidation buffer. */
export function unrepairableBreach(verdict: Verdict | undefined): string | undefined {
  const r = verdict?.reasons.find(
    (x) => x.rule === 'A_liquidation_buffer' && (x.action === 'REDUCE_ONLY' || x.action === 'PAUSE'),
  );
  return r ? `${r.rule}: ${r.message}` : undefined;
}
