/**
 * Direction → absolute per-leg targets. Targets are absolute (repeating one is harmless); the legs planner
 * turns the difference from the venue position into orders.
 */
import type { TargetPosition } from '../../domain/intent.ts';
import type { SpreadParams } from './params.ts';
import { DRIFT_MARKET_INDEX, type IntendedLegs, KMNO_MARKET_INDEX, type SpreadDirection } from './types.ts';

/** LONG: +driftQuantity DRIFT, −kmnoQuantity KMNO; SHORT: the mirror; FLAT: both zero. */
export function legsFor(
  direction: SpreadDirection,
  params: Pick<SpreadParams, 'driftQuantity' | 'kmnoQuantity'>,
): IntendedLegs {
  const sign = direction === 'LONG' ? 1 : direction === 'SHORT' ? -1 : 0;
  // `|| 0` turns −0 into 0 so FLAT compares and serialises as plain zero.
  return { driftBase: sign * params.driftQuantity || 0, kmnoBase: -sign * params.kmnoQuantity || 0 };
}

export function targetsForLegs(legs: IntendedLegs): TargetPosition[] {
  return [
    { kind: 'target', marketIndex: DRIFT_MARKET_INDEX, base: legs.driftBase },
    { kind: 'target', marketIndex: KMNO_MARKET_INDEX, base: legs.kmnoBase },
  ];
}

export function spreadTargets(
  direction: SpreadDirection,
  params: Pick<SpreadParams, 'driftQuantity' | 'kmnoQuantity'>,
): TargetPosition[] {
  return targetsForLegs(legsFor(direction, params));
}
