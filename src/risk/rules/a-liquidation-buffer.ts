/**
 * Rule A — liquidation buffer. Two measures, the tighter wins: distance from mark to the liquidation price (% of
 * mark) and Drift health. Inside the buffer → REDUCE_ONLY (the execution governor then defends with a taker
 * reduce-only order down to the safe size); outside it, a band that would let exposure grow into the buffer is
 * CLAMPed to the largest safe exposure. The safe size is computed at the release level (limit + hysteresis) so a
 * position grown to the clamp edge is not immediately inside the buffer: no CLAMP ↔ REDUCE_ONLY flapping.
 */

import {
  type AllowedRange,
  activeAction,
  bandWithin,
  belowLimit,
  clampBand,
  fmt,
  notTripped,
  type RiskInputs,
  type RuleOutcome,
} from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

/** % distance from mark to the liquidation price on the losing side; ∞ when there is no liquidation price. */
export function liqDistancePct(positionBase: number, mark: number, liquidationPrice: number | null): number {
  if (liquidationPrice === null || positionBase === 0 || mark <= 0) return Number.POSITIVE_INFINITY;
  const d = positionBase > 0 ? mark - liquidationPrice : liquidationPrice - mark;
  return (d / mark) * 100;
}

/**
 * The largest long and short exposure (base units) that keeps liq distance ≥ distPct and health ≥ healthPct,
 * modelling new exposure as bought at mark with the rest of the account's requirement held fixed.
 * Long at notional N, equity E': liquidation when E' + N(x − 1) = N·x·mmr (x = liq/mark), so the distance
 * 1 − x = (E' − N·mmr) / (N(1 − mmr)); for a short the denominator is N(1 + mmr). Health ≥ H means
 * requirement ≤ E(1 − H).
 */
interface Exposure {
  equity: number;
  otherReq: number;
  mmr: number;
}

function exposureModel(inputs: RiskInputs): Exposure {
  const { account: a, snapshot: s } = inputs;
  const mmr = inputs.market.maintenanceMarginRatio;
  const ownReq = Math.abs(a.positionBase) * s.mark * mmr;
  const otherReq = Math.max(0, a.maintenanceRequirement - ownReq);
  return { equity: a.totalCollateral, otherReq, mmr };
}

/** Projected liq distance % and health of a position of `base` opened at mark (same model as safeExposure). */
export function projectedBuffer(inputs: RiskInputs, base: number): { distancePct: number; health: number } {
  const { equity, otherReq, mmr } = exposureModel(inputs);
  const n = Math.abs(base) * inputs.snapshot.mark;
  if (n === 0) return { distancePct: Infinity, health: equity > 0 ? (1 - otherReq / equity) * 100 : 0 };
  const e = Math.max(0, equity - otherReq);
  const distancePct = ((e - n * mmr) / (n * (base > 0 ? 1 - mmr : 1 + mmr))) * 100;
  const health = equity > 0 ? Math.max(0, (1 - (otherReq + n * mmr) / equity) * 100) : 0;
  return { distancePct, health };
}

/**
 * The largest long and short exposure (base units) that keeps liq distance ≥ distPct and health ≥ healthPct,
 * modelling new exposure as opened at mark with the rest of the account's requirement held fixed.
 * Long at notional N, equity E': liquidation when E' + N(x − 1) = N·x·mmr (x = liq/mark), so the distance
 * 1 − x = (E' − N·mmr) / (N(1 − mmr)); for a short the denominator is N(1 + mmr). Health ≥ H means
 * requirement ≤ E(1 − H).
 */
export function safeExposure(inputs: RiskInputs, distPct: number, healthPct: number): AllowedRange {
  const mark = inputs.snapshot.mark;
  const { equity, otherReq, mmr } = exposureModel(inputs);
  if (mark <= 0 || equity <= 0) return { minBase: 0, maxBase: 0 };
  const e = Math.max(0, equity - otherReq);
  const dist = distPct / 100;
  const byHealth = mmr > 0 ? Math.max(0, (equity * (1 - healthPct / 100) - otherReq) / mmr) : Infinity;
  const longDen = mmr + dist * (1 - mmr);
  const shortDen = mmr + dist * (1 + mmr);
  const longN = Math.min(longDen > 0 ? e / longDen : Infinity, byHealth);
  const shortN = Math.min(shortDen > 0 ? e / shortDen : Infinity, byHealth);
  return { minBase: -shortN / mark, maxBase: longN / mark };
}

const RULE_A = 'A_liquidation_buffer' as const;

/**
 * Whether rule A trips: inside the buffer by distance or health, or the band would let exposure grow into it.
 * The rule's outcome starts from this, so the two never disagree (anyRuleTrips asks it on every bar).
 */
export function liquidationBufferTrips(inputs: RiskInputs, limits: RiskLimits): boolean {
  const { account: a, snapshot: s } = inputs;
  const h = limits.hysteresisPct;
  const wasInside = activeAction(inputs, RULE_A) === 'REDUCE_ONLY';
  const distance = liqDistancePct(a.positionBase, s.mark, a.liquidationPrice);
  if (belowLimit(distance, limits.minLiqDistancePct, wasInside, h)) return true;
  if (belowLimit(a.health, limits.minHealth, wasInside, h)) return true;
  const allowed = safeExposure(
    inputs,
    limits.minLiqDistancePct * (1 + h / 100),
    limits.minHealth * (1 + h / 100),
  );
  return !bandWithin(inputs.band, allowed);
}

export function ruleLiquidationBuffer(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = RULE_A;
  if (!liquidationBufferTrips(inputs, limits)) return notTripped(rule);
  const { account: a, snapshot: s } = inputs;
  const h = limits.hysteresisPct;
  const distance = liqDistancePct(a.positionBase, s.mark, a.liquidationPrice);
  const wasInside = activeAction(inputs, rule) === 'REDUCE_ONLY';
  const distInside = belowLimit(distance, limits.minLiqDistancePct, wasInside, h);
  const healthInside = belowLimit(a.health, limits.minHealth, wasInside, h);

  // The tighter measure is the one closest to (or furthest past) its limit, relative to the limit.
  const distRatio = limits.minLiqDistancePct > 0 ? distance / limits.minLiqDistancePct : Infinity;
  const healthRatio = limits.minHealth > 0 ? a.health / limits.minHealth : Infinity;
  const byDistance = distRatio <= healthRatio;
  const measured = byDistance ? distance : a.health;
  const limit = byDistance ? limits.minLiqDistancePct : limits.minHealth;
  const what = byDistance ? 'liquidation distance %' : 'health';

  const allowed = safeExposure(
    inputs,
    limits.minLiqDistancePct * (1 + h / 100),
    limits.minHealth * (1 + h / 100),
  );
  if (distInside || healthInside) {
    const band = clampBand(inputs.band, allowed);
    return {
      rule,
      tripped: true,
      action: 'REDUCE_ONLY',
      allowed,
      band,
      reason: {
        rule,
        action: 'REDUCE_ONLY',
        measured,
        limit,
        message: `${what} ${fmt(measured)} is inside the buffer (min ${fmt(limit)}); reduce to ≤ ${fmt(
          a.positionBase >= 0 ? allowed.maxBase : -allowed.minBase,
          4,
        )} base`,
      },
    };
  }
  // tripped, and not inside the buffer: the band reaches past the safe exposure (liquidationBufferTrips)
  const band = clampBand(inputs.band, allowed);
  const asked = band.maxBase !== inputs.band.maxBase ? inputs.band.maxBase : inputs.band.minBase;
  const p = projectedBuffer(inputs, asked);
  const pDist = limits.minLiqDistancePct > 0 ? p.distancePct / limits.minLiqDistancePct : Infinity;
  const pHealth = limits.minHealth > 0 ? p.health / limits.minHealth : Infinity;
  const distBinds = pDist <= pHealth;
  const pMeasured = distBinds ? p.distancePct : p.health;
  const pLimit = distBinds ? limits.minLiqDistancePct : limits.minHealth;
  return {
    rule,
    tripped: true,
    action: 'CLAMP',
    allowed,
    band,
    reason: {
      rule,
      action: 'CLAMP',
      measured: pMeasured,
      limit: pLimit,
      message: `a position of ${fmt(asked, 4)} base would put ${
        distBinds ? 'liquidation distance %' : 'health'
      } at ${fmt(pMeasured)} (min ${fmt(pLimit)}); band limited to [${fmt(allowed.minBase, 4)}, ${fmt(
        allowed.maxBase,
        4,
      )}]`,
    },
  };
}
