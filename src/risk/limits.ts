/**
 * Risk limits as a user writes them in a bot's config (`risk:` section). Every field has a default, so an empty
 * section is a valid, conservative configuration; unknown fields are errors (a typo must not silently disable a
 * limit). Defaults and their reasons are listed in docs/risk.md.
 */
import { z } from 'zod';
import { boundedNumber, formatIssues } from './config-schema.ts';

export const RISK_LIMIT_DEFAULTS = {
  maxLeverage: 3,
  minLiqDistancePct: 15,
  minHealth: 30,
  maxDailyLoss: 100,
  maxNotional: 10_000,
  maxFundingApr: 50,
  maxDivergencePct: 2,
  reduceOnly: false,
  dailyLossAction: 'flatten',
  flattenAfterSec: 60,
  maxVolatility: 1.5,
  pauseVolatility: 3,
  maxOracleAgeSec: 60,
  hysteresisPct: 10,
} as const;

const d = RISK_LIMIT_DEFAULTS;

export const riskLimitsSchema = z
  .object({
    /** Worst-case (position + open orders) notional / total collateral. Drift's own cap is 20x on majors. */
    maxLeverage: boundedNumber({ gt: 0, lte: 20 }).default(d.maxLeverage),
    /** Minimum distance from mark to the liquidation price, % of mark. */
    minLiqDistancePct: boundedNumber({ gte: 0, lt: 100 }).default(d.minLiqDistancePct),
    /** Minimum Drift health (0..100). */
    minHealth: boundedNumber({ gte: 0, lt: 100 }).default(d.minHealth),
    /** USDC lost since 00:00 UTC (realized + unrealized + funding) that trips the daily-loss rule (see action). */
    maxDailyLoss: boundedNumber({ gt: 0 }).default(d.maxDailyLoss),
    /** USDC, worst-case position notional. */
    maxNotional: boundedNumber({ gt: 0 }).default(d.maxNotional),
    /** %/year of funding the position's side may pay before that side is clamped. */
    maxFundingApr: boundedNumber({ gte: 0, lte: 100_000 }).default(d.maxFundingApr),
    /** % |mark − oracle| / oracle above which the bot pauses. Drift's own guard rail is 10%. */
    maxDivergencePct: boundedNumber({ gt: 0, lte: 50 }).default(d.maxDivergencePct),
    /** Manual switch: only orders that shrink the position. */
    reduceOnly: z.boolean({ error: 'must be true or false' }).default(d.reduceOnly),
    /**
     * What a tripped daily-loss limit does until 00:00 UTC: 'flatten' closes the position (reduce-only maker
     * orders, then takers after flattenAfterSec) and blocks new exposure; 'reduce_only' only blocks new
     * exposure; 'pause' cancels every order and holds the position.
     */
    dailyLossAction: z
      .enum(['flatten', 'reduce_only', 'pause'], { error: "must be 'flatten', 'reduce_only' or 'pause'" })
      .default(d.dailyLossAction),
    /** Seconds a flatten waits on maker orders before it closes with takers (within maxSlippageBps). */
    flattenAfterSec: boundedNumber({ gte: 0, lte: 86_400 }).default(d.flattenAfterSec),
    /** Annualised realised volatility (fraction, 1.5 = 150%/yr) above which exposure is clamped. */
    maxVolatility: boundedNumber({ gt: 0, lte: 100 }).default(d.maxVolatility),
    /** Annualised volatility above which the bot pauses; must exceed maxVolatility. */
    pauseVolatility: boundedNumber({ gt: 0, lte: 100 }).default(d.pauseVolatility),
    /** Seconds without a fresh oracle observation before the oracle counts as stale. */
    maxOracleAgeSec: boundedNumber({ gt: 0, lte: 3600 }).default(d.maxOracleAgeSec),
    /** % of a limit by which a measure must be back inside before a tripped rule releases. */
    hysteresisPct: boundedNumber({ gte: 0, lte: 50 }).default(d.hysteresisPct),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.pauseVolatility <= v.maxVolatility) {
      ctx.addIssue({
        code: 'custom',
        path: ['pauseVolatility'],
        message: `must be > maxVolatility (${v.maxVolatility})`,
      });
    }
  });

export type RiskLimits = z.output<typeof riskLimitsSchema>;

export type ParseRiskLimitsResult = { ok: true; limits: RiskLimits } | { ok: false; errors: string[] };

/** Validates a `risk:` config section; `undefined` means "all defaults". Errors name `risk.<field>`. */
export function parseRiskLimits(input: unknown, prefix = 'risk'): ParseRiskLimitsResult {
  const r = riskLimitsSchema.safeParse(input ?? {});
  if (r.success) return { ok: true, limits: r.data };
  return { ok: false, errors: formatIssues(prefix, r.error.issues, input) };
}

/** The defaults as a typed object (for tests and tools). */
export const defaultRiskLimits = (): RiskLimits => riskLimitsSchema.parse({});
