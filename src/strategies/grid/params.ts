/**
 * The grid strategy's parameters: one zod schema, strict (unknown keys fail), with errors that name the field
 * path and its allowed range, e.g. `grid.levels: must be an integer between 1 and 200 (got 500)`.
 */
import { z } from 'zod';

const nonNegative = z.number().min(0);

export const gridParamsSchema = z
  .object({
    /** Curve shape mapping price → preferred position inside the range. */
    curve: z.enum(['linear', 'stepwise']).default('stepwise'),
    /** Virtual ladder levels per side; the full position is levels × baseSizePerLevel. */
    levels: z.number().int().min(1).max(200).default(10),
    /** Ladder spacing in percent of the mark (0.5 = 0.5%). */
    stepPct: z.number().gt(0).max(50).default(0.5),
    /** Base units per ladder level (e.g. SOL). */
    baseSizePerLevel: z.number().gt(0).finite(),
    bias: z.enum(['bullish', 'neutral', 'bearish']).default('neutral'),
    /**
     * How strongly a bias shrinks the disfavoured side: its level counts and its curve extent are multiplied by
     * (1 − biasSkew). 0 makes bias a no-op.
     */
    biasSkew: z.number().min(0).max(0.9).default(0.5),
    rangeMode: z.enum(['bounded', 'infinity']).default('bounded'),
    /**
     * A fixed range [lo, hi] (prices) instead of the blended percentile range: the curve is laid on it once and
     * never moves (a classic manually-ranged grid). `percentiles` and `lookbackWeights` are then unused.
     */
    range: z
      .object({ lo: z.number().gt(0).finite(), hi: z.number().gt(0).finite() })
      .strict()
      .refine((r) => r.lo < r.hi, { message: 'lo must be below hi' })
      .optional(),
    /** Percentile band of the blended range, [lo, hi]. */
    percentiles: z
      .tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
      .default([5, 95])
      .refine((p) => p[0] < p[1], { message: 'lo must be below hi' }),
    lookbackWeights: z
      .object({
        '1h': nonNegative.default(0.35),
        '4h': nonNegative.default(0.3),
        '1d': nonNegative.default(0.25),
        '1w': nonNegative.default(0.1),
      })
      .strict()
      .prefault({})
      .refine((w) => w['1h'] > 0 || w['4h'] > 0 || w['1d'] > 0 || w['1w'] > 0, { message: 'not all 0' }),
    /** Live (placed) levels per side; both sides together stay within Drift's 32 open orders. */
    liveLevelsPerSide: z.number().int().min(1).max(16).default(10),
    /** Mild volatility response: widen the step and slow the cadence above a reference volatility. */
    volatility: z
      .object({
        /** Annualised realised volatility (0.8 = 80%/yr) above which the response starts. */
        referenceVol: z.number().gt(0).finite().default(0.8),
        /** The widened step never exceeds this (percent). */
        maxStepPct: z.number().gt(0).max(50).default(2),
        /** The decision interval is multiplied by at most this. */
        maxCadenceFactor: z.number().min(1).max(100).default(4),
      })
      .strict()
      .prefault({}),
    /** Maker-preferred: ladder orders are post-only. */
    postOnly: z.boolean().default(true),
  })
  .strict();

export type GridParams = z.output<typeof gridParamsSchema>;
export type GridParamsInput = z.input<typeof gridParamsSchema>;

/** What each field accepts, in the words the error messages use. */
const RULES: Record<string, string> = {
  curve: "must be 'linear' or 'stepwise'",
  levels: 'must be an integer between 1 and 200',
  stepPct: 'must be > 0 and ≤ 50 (percent)',
  baseSizePerLevel: 'must be a number > 0 (base units)',
  bias: "must be 'bullish', 'neutral' or 'bearish'",
  biasSkew: 'must be between 0 and 0.9',
  rangeMode: "must be 'bounded' or 'infinity'",
  range: 'must be {lo, hi}: prices with 0 < lo < hi',
  'range.lo': 'must be a price > 0',
  'range.hi': 'must be a price > 0',
  percentiles: 'must be [lo, hi] with 0 ≤ lo < hi ≤ 100',
  lookbackWeights: "must be {'1h', '4h', '1d', '1w'}, each ≥ 0 and not all 0",
  liveLevelsPerSide: 'must be an integer between 1 and 16',
  volatility: 'must be {referenceVol, maxStepPct, maxCadenceFactor}',
  'volatility.referenceVol': 'must be > 0 (annualised, 0.8 = 80%/yr)',
  'volatility.maxStepPct': 'must be > 0 and ≤ 50 (percent)',
  'volatility.maxCadenceFactor': 'must be between 1 and 100',
  postOnly: 'must be true or false',
};

function ruleFor(path: readonly PropertyKey[]): string {
  const key = path.map(String).join('.');
  if (RULES[key]) return RULES[key];
  if (path[0] === 'percentiles') return RULES.percentiles;
  if (path[0] === 'lookbackWeights') return path.length > 1 ? 'must be a number ≥ 0' : RULES.lookbackWeights;
  return 'is invalid';
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // JSON would print null
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // BigInt has digits; a cyclic or too deeply nested value would overflow String() too: name its kind.
    return typeof v === 'bigint' ? String(v) : Object.prototype.toString.call(v);
  }
}

export type ParseGridParamsResult = { ok: true; params: GridParams } | { ok: false; errors: string[] };

/** Validates grid parameters; every error names the field path (under `prefix`) and the allowed range. */
export function parseGridParams(input: unknown, prefix = 'grid'): ParseGridParamsResult {
  const result = gridParamsSchema.safeParse(input);
  if (result.success) return { ok: true, params: result.data };
  const errors: string[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path;
    const where = [prefix, ...path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const allowed = path.length === 0 ? Object.keys(gridParamsSchema.shape) : undefined;
      for (const key of issue.keys) {
        errors.push(
          `${where}.${key}: unknown field${allowed ? ` (known: ${allowed.join(', ')})` : ` (${ruleFor(path)})`}`,
        );
      }
      continue;
    }
    if (path.length === 0) {
      errors.push(`${prefix}: must be an object of grid parameters (got ${show(input)})`);
      continue;
    }
    errors.push(`${where}: ${ruleFor(path)} (got ${show(valueAt(input, path))})`);
  }
  return { ok: false, errors };
}

/** For composition roots and tests: parses or throws one Error listing every problem. */
export function mustParseGridParams(input: unknown, prefix = 'grid'): GridParams {
  const r = parseGridParams(input, prefix);
  if (!r.ok) throw new Error(`invalid grid parameters:\n  ${r.errors.join('\n  ')}`);
  return r.params;
}
