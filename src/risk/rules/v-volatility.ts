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

export function ruleVolatility(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = 'V_volatility' as const;
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
  if (!aboveLimit(vol, limits.maxVolatility, prev !== undefined, h)) return notTripped(rule);
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
