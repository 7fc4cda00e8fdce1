/**
 * Rule C — max daily loss. Realized + unrealized + funding PnL since 00:00 UTC below −maxDailyLoss trips it, and
 * it stays latched until the next UTC day even if prices recover: a loss limit that releases on a bounce would
 * let the bot lose it again the same day. What it asks for (dailyLossAction):
 * - flatten (default): REDUCE_ONLY with the allowed range [0, 0], so the execution governor closes the position
 *   (maker first, taker after flattenAfterSec — the governor times it) and nothing new opens;
 * - reduce_only: REDUCE_ONLY, the position may stay;
 * - pause: PAUSE (cancel everything, hold the position; a liquidation defense still goes out).
 */

import { fmt, notTripped, type RiskInputs, type RuleOutcome } from '../inputs.ts';
import type { RiskLimits } from '../limits.ts';

const DAY_MS = 86_400_000;
export const utcDay = (ts: number): number => Math.floor(ts / DAY_MS);

/** Whether rule C trips: latched earlier today, or today's loss is past the limit. */
export function dailyLossTrips(inputs: RiskInputs, limits: RiskLimits): boolean {
  return (
    inputs.previous.dailyLossLatchDay === utcDay(inputs.ts) || -inputs.account.dailyPnl > limits.maxDailyLoss
  );
}

export function ruleDailyLoss(inputs: RiskInputs, limits: RiskLimits): RuleOutcome {
  const rule = 'C_daily_loss' as const;
  if (!dailyLossTrips(inputs, limits)) return notTripped(rule);
  const loss = -inputs.account.dailyPnl;
  const latched = inputs.previous.dailyLossLatchDay === utcDay(inputs.ts);
  const action = limits.dailyLossAction === 'pause' ? 'PAUSE' : 'REDUCE_ONLY';
  const flatten = limits.dailyLossAction === 'flatten';
  const what = flatten ? 'flattening, no new exposure' : action === 'PAUSE' ? 'paused' : 'reduce-only';
  return {
    rule,
    tripped: true,
    action,
    ...(flatten ? { allowed: { minBase: 0, maxBase: 0 } } : {}),
    reason: {
      rule,
      action,
      measured: loss,
      limit: limits.maxDailyLoss,
      message: `daily loss ${fmt(loss)} USDC ${latched ? 'latched (limit hit earlier today)' : 'above'} max ${fmt(
        limits.maxDailyLoss,
      )} USDC: ${what} until 00:00 UTC`,
    },
  };
}
