/**
 * The simulator's ledger and margin figures as the venue-neutral AccountState the decision layer reads.
 */
import type { AccountState, Order, Position } from '../../domain/types.ts';
import type { PerpPositionState } from './ledger.ts';
import type { MarginFigures } from './margin.ts';

export interface AccountStateParameters {
  subaccountId: number;
  /** USDC spot balance (deposits + settled pnl − withdrawals), QUOTE. */
  collateral: bigint;
  positions: PerpPositionState[];
  openOrders: Order[];
  figures: MarginFigures;
}

/** The domain view of one ledger position (open-order bookkeeping stays in the ledger). */
export function toPosition(p: PerpPositionState): Position {
  return {
    marketIndex: p.marketIndex,
    base: p.base,
    quoteEntry: p.quoteEntry,
    quoteAsset: p.quoteAsset,
    lastCumulativeFundingRate: p.lastCumulativeFundingRate,
  };
}

/**
 * Positions with base or unsettled quote are reported (a closed position whose pnl is not yet settled still
 * matters to collateral); totalCollateral is the maintenance-weighted figure that health and liquidation use.
 */
export function toAccountState(params: AccountStateParameters): AccountState {
  return accountStateOf(
    params.subaccountId,
    params.collateral,
    params.positions.filter((p) => p.base !== 0n || p.quoteAsset !== 0n).map(toPosition),
    params.openOrders.filter((o) => o.status === 'open'),
    params.figures,
  );
}

/** The AccountState of positions and open orders already selected (as toAccountState selects them). */
export function accountStateOf(
  subaccountId: number,
  collateral: bigint,
  positions: Position[],
  openOrders: Order[],
  figures: MarginFigures,
): AccountState {
  return {
    subaccountId,
    collateral,
    positions,
    openOrders,
    totalCollateral: figures.totalCollateral,
    freeCollateral: figures.freeCollateral,
    initialMarginRequirement: figures.initialMarginRequirement,
    maintenanceMarginRequirement: figures.maintenanceMarginRequirement,
    leverage: figures.leverage,
    health: figures.health,
  };
}
