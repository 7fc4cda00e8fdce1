/**
 * The bot config as ONE zod schema: the top-level fields are defined here, each section is its owner's schema
 * (grid params, spread params, execution policy, risk limits). `parseBotConfig` validates with these same
 * schemas (it adds friendlier messages and the 'auto' sizes); `docs/config.md` and `docs/bot-config.schema.json`
 * are generated from `botConfigSchema` (scripts/config-docs.ts), and a test fails when they are stale.
 */
import { z } from 'zod';
import { getMarket, marketSymbols, tableSymbols } from '../domain/markets.ts';
import { executionPolicySchema } from '../execution/policy.ts';
import { boundedNumber } from '../risk/config-schema.ts';
import { riskLimitsSchema } from '../risk/limits.ts';
import { gridParamsSchema } from '../strategies/grid/params.ts';
import { SpreadParamsSchema } from '../strategies/spread/params.ts';

export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const NAME_RULE = "1–64 letters, digits, '.', '_' or '-'";
export const SPREAD_MARKETS = ['DRIFT-PERP', 'KMNO-PERP'] as const;

export const DEFAULT_FEES = { takerBps: 3.5, makerBps: -0.25 } as const;
const FEE_RULE = 'must be a number of basis points between -100 and 100';

export const botNameSchema = z.string().regex(NAME_RE);
export const collateralSchema = boundedNumber({ gt: 0, lte: 1e9 });

export const feesSchema = z
  .object({
    takerBps: z
      .number({ error: FEE_RULE })
      .gte(-100, FEE_RULE)
      .lte(100, FEE_RULE)
      .default(DEFAULT_FEES.takerBps),
    makerBps: z
      .number({ error: FEE_RULE })
      .gte(-100, FEE_RULE)
      .lte(100, FEE_RULE)
      .default(DEFAULT_FEES.makerBps),
  })
  .strict()
  // zod 4 runs object refinements after field issues too: compare only two valid numbers.
  .refine(
    (f) =>
      !(typeof f.takerBps === 'number' && typeof f.makerBps === 'number') || f.takerBps + f.makerBps >= 0,
    {
      message: 'takerBps + makerBps must not be negative',
    },
  );

/** Market symbols are matched without regard to case (`sol-perp` is SOL-PERP). */
export const marketSchema = z.enum(marketSymbols() as [string, ...string[]]);

const positive = z.number().gt(0);
const auto = z.literal('auto');

/** The grid section: the strategy's params, with baseSizePerLevel optional ('auto' sizes it from collateral). */
export const gridSectionSchema = gridParamsSchema.extend({
  baseSizePerLevel: z.union([positive, auto]).optional(),
});

/**
 * The spread section: leg quantities default to seed 003's 100 DRIFT / 1000 KMNO; 'auto' sizes each leg at a
 * quarter of the collateral (fixed once chosen).
 */
// safeExtend (the only extend allowed on a refined object) types a field override as a narrowing; widening a
// quantity to 'auto' is what a file may say, and only the runtime schema matters here.
const autoQuantities = {
  driftQuantity: z.union([positive, auto]).default(100),
  kmnoQuantity: z.union([positive, auto]).default(1000),
} as unknown as Record<never, never>;
export const spreadSectionSchema = SpreadParamsSchema.safeExtend(autoQuantities);

/**
 * `marketSpec:` per-market overrides of the spec table in trader units (src/config/market-spec.ts checks the
 * exact rules: on Drift's precisions, tick and step positive, margin ratios fractions).
 */
const marketSpecSchema = z.record(
  z.string(),
  z
    .object({
      tickSize: positive,
      stepSize: positive,
      minOrderSize: positive,
      marginRatioInitial: z.number().gt(0).lte(1),
      marginRatioMaintenance: z.number().gt(0).lte(1),
      imfFactor: z.number().min(0),
      contractTier: z.enum(['A', 'B', 'C', 'Speculative', 'HighlySpeculative', 'Isolated']),
    })
    .partial()
    .strict(),
);

export const gridBotConfigSchema = z
  .object({
    name: botNameSchema,
    strategy: z.literal('grid'),
    market: marketSchema,
    collateral: collateralSchema,
    grid: gridSectionSchema.optional(),
    execution: executionPolicySchema.optional(),
    risk: riskLimitsSchema.optional(),
    fees: feesSchema.optional(),
    marketSpec: marketSpecSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const size = c.grid?.baseSizePerLevel;
    if (typeof size === 'number') minOrder(size, c.market, ['grid', 'baseSizePerLevel'], ctx);
  });

/** A size below the market's minimum order can never be placed (a rule JSON Schema cannot state). */
function minOrder(size: number, symbol: string, path: string[], ctx: z.RefinementCtx): void {
  // markets outside the spec table take their spec from `marketSpec:` (or the chain, live): checked there
  if (!tableSymbols().includes(symbol)) return;
  const min = getMarket(symbol).minOrderSize;
  if (BigInt(Math.round(size * 1e9)) < min) {
    ctx.addIssue({ code: 'custom', path, message: `below ${symbol}'s minimum order size` });
  }
}

export const spreadBotConfigSchema = z
  .object({
    name: botNameSchema,
    strategy: z.literal('spread'),
    markets: z
      .array(z.enum(SPREAD_MARKETS))
      .length(2)
      .refine((m) => m[0] !== m[1], { message: 'must be [DRIFT-PERP, KMNO-PERP]' })
      .optional(),
    collateral: collateralSchema,
    spread: spreadSectionSchema.optional(),
    execution: executionPolicySchema.optional(),
    risk: riskLimitsSchema.optional(),
    fees: feesSchema.optional(),
    marketSpec: marketSpecSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const s = c.spread as { driftQuantity?: unknown; kmnoQuantity?: unknown } | undefined;
    if (typeof s?.driftQuantity === 'number')
      minOrder(s.driftQuantity, 'DRIFT-PERP', ['spread', 'driftQuantity'], ctx);
    if (typeof s?.kmnoQuantity === 'number')
      minOrder(s.kmnoQuantity, 'KMNO-PERP', ['spread', 'kmnoQuantity'], ctx);
  });

/** A bot config file (YAML or JSON): one bot. */
export const botConfigSchema = z.discriminatedUnion('strategy', [gridBotConfigSchema, spreadBotConfigSchema]);

/** The JSON Schema of a config file (what editors use for completion and checks). */
export function botConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(botConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
