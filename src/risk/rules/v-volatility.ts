/**
 * Rule V — the hard side of the volatility response (the soft side, wider steps, lives in the strategy).
 * vol > maxVolatility → CLAMP: the band's extent shrinks by maxVolatility × (1 − h%) / vol;
 * vol > pauseVolatility → PAUSE. Both with hysteresis.
 */

import {
  aboveLimit,
  activeAction,
  bandExtent,
  clampOutcome,
  fmt,
  notTripped,
  type RiskInputs,
  type RuleOutcome,
  symmetricRange,
} from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

const RULE_V = 'V_volatility' as const;

/** Whether rule V trips, at its pause level or its clamp level (its outcome starts from this). */
export function volatilityTrips(inputs: RiskInputs, limits: RiskLimits): boolean {
  const vol = inputs.snapshot.vol;
  const prev = activeAction(inputs, RULE_V);
  const h = limits.hysteresisPct;
  return (
    aboveLimit(vol, limits.pauseVolatility, prev === 'PAUSE', h) ||
    aboveLimit(vol, limits.maxVolatility, prev !== undefined, h)
  );
}

export function ruleVolatility(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = RULE_V;
  if (!volatilityTrips(inputs, limits)) return notTripped(rule);
  const vol = inputs.snapshot.vol;
  const prev = activeAction(inputs, rule);
  const h = limits.hysteresisPct;
  if (aboveLimit(vol, limits.pauseVolatility, prev === 'PAUSE', h)) {
    return {
      rule,
      tripped: true,
      action: 'PAUSE',
      reason: {
        rule,
        action: 'PAUSE',
        measured: vol,
        limit: limits.pauseVolatility,
        message: `volatility ${fmt(vol * 100, 1)}%/yr above pause level ${fmt(limits.pauseVolatility * 100, 1)}%/yr`,
      },
    };
  }
  const factor = Math.min(1, (limits.maxVolatility * (1 - h / 100)) / vol);
  const allowed = symmetricRange(bandExtent(inputs.band) * factor);
  return clampOutcome(
    rule,
    inputs,
    allowed,
    vol,
    limits.maxVolatility,
    `volatility ${fmt(vol * 100, 1)}%/yr above ${fmt(limits.maxVolatility * 100, 1)}%/yr; band shrunk to ${fmt(
      factor * 100,
      0,
    )}%`,
  );
}
