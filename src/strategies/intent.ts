/**
 * One normaliser for every strategy's intent (DESIGN.md §2, §4): a TargetPosition pins the band to one point;
 * an ExposureBand keeps its bounds and takes its preferred base from the curve (when given), clamped inside.
 */
import type { ExposureBand, Intent } from '../domain/intent.ts';

export function normalizeIntent(intent: Intent, curvePreferred?: number): ExposureBand {
  if (intent.kind === 'target') {
    const base = intent.base;
    if (!Number.isFinite(base)) throw new RangeError(`target base must be finite (got ${base})`);
    return {
      kind: 'band',
      marketIndex: intent.marketIndex,
      minBase: base,
      maxBase: base,
      preferredBase: base,
    };
  }
  const { minBase, maxBase } = intent;
  if (!(minBase <= maxBase)) {
    throw new RangeError(`exposure band is empty or not a number: minBase ${minBase} > maxBase ${maxBase}`);
  }
  const wanted =
    curvePreferred !== undefined && !Number.isNaN(curvePreferred) ? curvePreferred : intent.preferredBase;
  const preferredBase = Number.isNaN(wanted)
    ? minBase
    : wanted < minBase
      ? minBase
      : wanted > maxBase
        ? maxBase
        : wanted;
  return { kind: 'band', marketIndex: intent.marketIndex, minBase, maxBase, preferredBase };
}
