/**
 * What about a verdict makes the grid act differently: its kind, which rules tripped with which action, whether a
 * flatten has turned taker, and the band in whole grid levels (rounded toward zero). Two verdicts with the same
 * signature lead to the same orders, so the bot re-decides only when the signature changes — a leverage clamp
 * whose edge drifts with every tick does not re-place the ladder every tick.
 */
import type { Verdict } from '../domain/intent.ts';

const levels = (x: number, size: number): number =>
  Number.isFinite(x) ? Math.trunc(x / size) : x > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;

export function verdictSignature(v: Verdict, setup: { grid: { baseSizePerLevel: number } }): string {
  const size = setup.grid.baseSizePerLevel;
  let key = `${v.kind}|${levels(v.band.minBase, size)}|${levels(v.band.maxBase, size)}|${v.flatten?.taker ?? '-'}`;
  for (const r of v.reasons) key += `|${r.rule}:${r.action}`;
  return key;
}
