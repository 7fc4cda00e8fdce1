/**
 * ExecutionPolicy: how the execution layer turns a verdict and a ladder into orders. Defaults and their reasons
 * are in docs/execution.md.
 */
import { z } from 'zod';
import { boundedNumber, formatIssues } from '../risk/config-schema.ts';

export const EXECUTION_POLICY_DEFAULTS = {
  makerPreferred: true,
  postOnly: 'must',
  maxSlippageBps: 25,
  requoteThresholdBps: 10,
  ttlSec: 300,
  cadenceSec: 60,
  rampIn: { steps: 4, intervalSec: 900 },
  manyLevelsMovedThreshold: 3,
  maxOpenOrders: 32,
  oracleOffsetOrders: false,
} as const;

const d = EXECUTION_POLICY_DEFAULTS;

export const rampInSchema = z
  .object({
    /** Number of equal openings of the ladder after a start; 1 = no ramp. */
    steps: boundedNumber({ int: true, gte: 1, lte: 100 }).default(d.rampIn.steps),
    /** Seconds between openings. */
    intervalSec: boundedNumber({ gte: 0, lte: 86_400 }).default(d.rampIn.intervalSec),
  })
  .strict();

export const executionPolicySchema = z
  .object({
    /** Ladder and exposure-reduction orders rest as post-only makers; false = reductions go taker. */
    makerPreferred: z.boolean({ error: 'must be true or false' }).default(d.makerPreferred),
    /** Drift PostOnlyParams for maker orders: 'must' rejects a crossing order, 'try' skips it silently. */
    postOnly: z.enum(['must', 'try'], { error: "must be 'must' or 'try'" }).default(d.postOnly),
    /** Worst acceptable price of a taker order, bps beyond the best bid/ask. */
    maxSlippageBps: boundedNumber({ gt: 0, lte: 1000 }).default(d.maxSlippageBps),
    /** A live order within this many bps of the desired price is kept as is. */
    requoteThresholdBps: boundedNumber({ gte: 0, lte: 1000 }).default(d.requoteThresholdBps),
    /** Resting orders older than this are cancelled (and re-placed if still wanted). */
    ttlSec: boundedNumber({ gt: 0, lte: 86_400 }).default(d.ttlSec),
    /**
     * Routine re-decisions (the price crossed a level without a fill, the heartbeat) are at least this many
     * seconds apart, times the volatility cadence factor. Fills, risk changes and deadlines act at once.
     */
    cadenceSec: boundedNumber({ gte: 0, lte: 86_400 }).default(d.cadenceSec),
    rampIn: rampInSchema.default({ ...d.rampIn }),
    /** When at least this many new orders are needed on one side, the side is re-laddered atomically. */
    manyLevelsMovedThreshold: boundedNumber({ int: true, gte: 1, lte: 32 }).default(
      d.manyLevelsMovedThreshold,
    ),
    /** Drift allows 32 open orders per subaccount. */
    maxOpenOrders: boundedNumber({ int: true, gte: 1, lte: 32 }).default(d.maxOpenOrders),
    /**
     * Maker orders float with the oracle (Drift oracle-offset orders) and the grid's levels follow it, so a
     * moving price needs no transaction per move; a fill is then answered a step from the current price, not
     * on a fixed lattice (docs/execution.md).
     */
    oracleOffsetOrders: z.boolean({ error: 'must be true or false' }).default(d.oracleOffsetOrders),
  })
  .strict();

export type ExecutionPolicy = z.output<typeof executionPolicySchema>;
export type RampInConfig = ExecutionPolicy['rampIn'];

export type ParseExecutionPolicyResult =
  | { ok: true; policy: ExecutionPolicy }
  | { ok: false; errors: string[] };

/** Validates an `execution:` config section; `undefined` means "all defaults". */
export function parseExecutionPolicy(input: unknown, prefix = 'execution'): ParseExecutionPolicyResult {
  const r = executionPolicySchema.safeParse(input ?? {});
  if (r.success) return { ok: true, policy: r.data };
  return { ok: false, errors: formatIssues(prefix, r.error.issues, input) };
}

export const defaultExecutionPolicy = (): ExecutionPolicy => executionPolicySchema.parse({});
