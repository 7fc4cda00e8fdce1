/**
 * Rule C — max daily loss. Realized + unrealized + funding PnL since 00:00 UTC below −maxDailyLoss →
 * REDUCE_ONLY (or PAUSE per dailyLossAction), latched until the next UTC day even if prices recover: a loss
 * limit that releases on a bounce would let the bot lose it again the same day.
 */

import { fmt, notTripped, type RiskInputs, type RuleOutcome } from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

const DAY_MS = 86_400_000;
export const utcDay = (ts: number): number => Math.floor(ts / DAY_MS);

export function ruleDailyLoss(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = 'C_daily_loss' as const;
  const loss = -inputs.account.dailyPnl;
  const latched = inputs.previous.dailyLossLatchDay === utcDay(inputs.ts);
  if (!latched && !(loss > limits.maxDailyLoss)) return notTripped(rule);
  const action = limits.dailyLossAction === 'pause' ? 'PAUSE' : 'REDUCE_ONLY';
  return {
    rule,
    tripped: true,
    action,
    reason: {
      rule,
      action,
      measured: loss,
      limit: limits.maxDailyLoss,
      message: `daily loss ${fmt(loss)} USDC ${latched ? 'latched (limit hit earlier today)' : 'above'} max ${fmt(
        limits.maxDailyLoss,
      )} USDC until 00:00 UTC`,
    },
  };
}
