/**
 * How much to close when an account is liquidated. Drift liquidates partially: a liquidator takes over just
 * enough of the position (at the oracle price, less the liquidator fee) to bring the account back above its
 * maintenance requirement plus a buffer (State.liquidation_margin_buffer_ratio). The simulator does the same
 * in one step per position, largest notional first:
 *
 *   closing x base at oracle o costs the fee x·o·f and frees x·o·(mmr + buffer) of buffered requirement, so
 *   x = ceil((MR + buffer·notional − TC) / (o · (mmr + buffer − f)))    rounded up to the step, capped at |base|.
 *
 * When mmr + buffer ≤ f (closing cannot help) or the account has nothing left, the whole position goes.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { BASE_PRECISION, divCeil } from '../../domain/precision.ts';
import type { PerpPositionState } from './ledger.ts';

export interface LiquidationParams {
  /** Fee on the closed notional, bps (the liquidator's and insurance fund's cut together). */
  feeBps: number;
  /** Extra requirement, in bps of notional, the account must clear after liquidation. */
  bufferBps: number;
}

export const DEFAULT_LIQUIDATION: Readonly<LiquidationParams> = Object.freeze({
  feeBps: 100,
  bufferBps: 200,
});

/** The position to liquidate first: the largest notional at the oracle. */
export function pickLiquidationTarget(
  positions: Iterable<PerpPositionState>,
  oracleOf: (marketIndex: number) => bigint,
): PerpPositionState | undefined {
  let best: PerpPositionState | undefined;
  let bestNotional = -1n;
  for (const p of positions) {
    if (p.base === 0n) continue;
    const n = ((p.base < 0n ? -p.base : p.base) * oracleOf(p.marketIndex)) / BASE_PRECISION;
    if (n > bestNotional) {
      best = p;
      bestNotional = n;
    }
  }
  return best;
}

/**
 * Base (unsigned, on the step) to close from `pos` at `oracle` so that total collateral clears the buffered
 * maintenance requirement. `deficit` = maintenance requirement + buffer × notional − total collateral (QUOTE).
 */
export function liquidationCloseBase(
  pos: PerpPositionState,
  spec: MarketSpec,
  oracle: bigint,
  deficit: bigint,
  params: LiquidationParams,
): bigint {
  const size = pos.base < 0n ? -pos.base : pos.base;
  const bpsNet = BigInt(Math.round((spec.marginRatioMaintenance + params.bufferBps - params.feeBps) * 1000));
  if (deficit <= 0n) return 0n;
  if (bpsNet <= 0n || oracle <= 0n) return size;
  // deficit (QUOTE) = x (BASE) × oracle (PRICE) / 1e9 × bpsNet / 1e7   (bpsNet is bps × 1000)
  const x = divCeil(deficit * BASE_PRECISION * 10_000_000n, oracle * bpsNet);
  const onStep = divCeil(x, spec.stepSize) * spec.stepSize;
  return onStep < size ? onStep : size;
}

/** The buffered shortfall: maintenance requirement + buffer × notional − total collateral (QUOTE). */
export function liquidationDeficit(
  totalCollateral: bigint,
  maintenanceRequirement: bigint,
  totalNotional: bigint,
  params: LiquidationParams,
): bigint {
  const buffer = (totalNotional * BigInt(Math.round(params.bufferBps * 1000))) / 10_000_000n;
  return maintenanceRequirement + buffer - totalCollateral;
}
