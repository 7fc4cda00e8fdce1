/**
 * The spread bot's parameters: the `spread:` block of a bot config (`strategy: spread`,
 * `markets: [DRIFT-PERP, KMNO-PERP]`). Parsing never throws: a bad config is a value with one message per
 * field, naming the path and the allowed range, so a user can fix it without reading the source.
 */
import { z } from 'zod';

/** Which snapshot price feeds the signal. The mark is what the legs trade at; the oracle is Pyth's feed. */
export type SignalPrice = 'mark' | 'oracle';

/** Human text of each field's allowed range, appended to every error about that field. */
const RANGES = {
  driftQuantity: 'a number > 0 (DRIFT base units per leg), or "auto" in a bot config',
  kmnoQuantity: 'a number > 0 (KMNO base units per leg), or "auto" in a bot config',
  cycleIntervalSec: 'an integer in [1, 86400]',
  signalLagPeriods: 'an integer in [1, 100]',
  window: 'an integer in [10, 10000]',
  entryZ: 'a number in (0, 10], greater than exitZ',
  exitZ: 'a number in [0, 10), less than entryZ',
  signalPrice: '"mark" or "oracle"',
  maxSlippageBps: 'a number in (0, 1000]',
  closeMaxSlippageBps: 'a number in (0, 2000]',
  reconcileEveryCycles: 'an integer in [1, 10000]',
  closeOnShutdown: 'true or false',
  shutdownTimeoutSec: 'an integer in [1, 3600] (seconds)',
  maxConsecutiveFailures: 'an integer in [1, 1000]',
  recoveryCycles: 'an integer in [1, 1000]',
  sizeTolerance: 'a number in [0, 0.5] (fraction of the leg quantity)',
} as const;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const SpreadParamsSchema = z
  .object({
    // The seed's fixed sizes (DRIFT_QUANTITY 100, KMNO_QUANTITY 1000) are the defaults.
    driftQuantity: z.number().positive().finite().default(100),
    kmnoQuantity: z.number().positive().finite().default(1000),
    cycleIntervalSec: int(1, 86_400).default(60),
    signalLagPeriods: int(1, 100).default(3),
    /** Fresh observations (both legs fresh) in the rolling regression and z-score. */
    window: int(10, 10_000).default(96),
    entryZ: z.number().positive().max(10).default(2),
    exitZ: z.number().min(0).max(10).default(0.5),
    signalPrice: z.enum(['mark', 'oracle']).default('mark'),
    /** Opening legs: worst accepted distance of the visible fill price from the mark, in bps. */
    maxSlippageBps: z.number().positive().max(1000).default(25),
    /** Closing legs (exits, repairs, emergency, shutdown). */
    closeMaxSlippageBps: z.number().positive().max(2000).default(50),
    reconcileEveryCycles: int(1, 10_000).default(10),
    closeOnShutdown: z.boolean().default(true),
    /** How long a shutdown keeps retrying to close the legs before the runner exits non-zero naming them. */
    shutdownTimeoutSec: int(1, 3600).default(60),
    /** Consecutive failed orders that turn HEALTHY into DEGRADED. */
    maxConsecutiveFailures: int(1, 1000).default(3),
    /** Consecutive clean cycles (no failed order, legs as intended) that bring DEGRADED back to HEALTHY. */
    recoveryCycles: int(1, 1000).default(5),
    /** A leg whose venue size is within this fraction of its configured quantity of the intent is left alone. */
    sizeTolerance: z.number().min(0).max(0.5).default(0.02),
  })
  .strict()
  .superRefine((p, ctx) => {
    // zod 4 runs refinements after field issues too: only compare two values that are each valid.
    const validEntry = typeof p.entryZ === 'number' && p.entryZ > 0 && p.entryZ <= 10;
    if (validEntry && typeof p.exitZ === 'number' && p.exitZ >= p.entryZ) {
      ctx.addIssue({ code: 'custom', path: ['exitZ'], message: `must be less than entryZ (${p.entryZ})` });
    }
  });

export type SpreadParams = z.output<typeof SpreadParamsSchema>;
export type SpreadParamsInput = z.input<typeof SpreadParamsSchema>;

export type ParseSpreadParamsResult = { ok: true; params: SpreadParams } | { ok: false; errors: string[] };

/** Validates the `spread:` block; every error reads `spread.<field>: <problem> (allowed: <range>)`. */
export function parseSpreadParams(input: unknown): ParseSpreadParamsResult {
  const r = SpreadParamsSchema.safeParse(input);
  if (r.success) return { ok: true, params: r.data };
  const errors: string[] = [];
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push(`spread.${key}: unknown field (known: ${Object.keys(RANGES).join(', ')})`);
      }
      continue;
    }
    const field = issue.path.map(String).join('.');
    const range = RANGES[field as keyof typeof RANGES];
    const where = field ? `spread.${field}` : 'spread';
    errors.push(`${where}: ${issue.message}${range ? ` (allowed: ${range})` : ''}`);
  }
  return { ok: false, errors };
}

/** Test and example helper: the defaults plus the given fields; throws (a bug in the caller) when invalid. */
export function spreadParams(input: SpreadParamsInput): SpreadParams {
  const r = parseSpreadParams(input);
  if (!r.ok) throw new Error(`invalid spread params: ${r.errors.join('; ')}`);
  return r.params;
}
