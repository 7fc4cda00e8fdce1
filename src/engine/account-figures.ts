/**
 * Turns the venue's exact AccountState into the float figures the risk rules read, for one market.
 * Done once per decision; nothing here books money.
 */
import { baseToNumber, priceToNumber, quoteToNumber } from '../domain/precision.ts';
import type { AccountState } from '../domain/types.ts';
import type { AccountFigures } from '../risk/inputs.ts';

export interface AccountFigureInputs {
  account: AccountState;
  marketIndex: number;
  /** Liquidation price of this market's position (PRICE), undefined when none. */
  liquidationPrice: bigint | undefined;
  /** Equity (maintenance-weighted total collateral) at 00:00 UTC of today, USDC. */
  dayStartEquity: number;
  /** Worst-case notional on the account's other markets, USDC (risk/inputs.ts `otherNotional`). */
  otherNotional?: number;
}

/** Worst-case |base| (position + open orders on the worse side) of one market, base units. */
export function worstCaseBaseOf(account: AccountState, marketIndex: number): number {
  let pos = 0;
  for (const p of account.positions) if (p.marketIndex === marketIndex) pos += baseToNumber(p.base);
  let bids = 0;
  let asks = 0;
  for (const o of account.openOrders) {
    if (o.marketIndex !== marketIndex || o.status !== 'open') continue;
    const left = baseToNumber(o.base - o.filledBase);
    if (o.side === 'buy') bids += left;
    else asks += left;
  }
  return Math.max(Math.abs(pos + bids), Math.abs(pos - asks));
}

export function accountFigures(x: AccountFigureInputs): AccountFigures {
  const { account, marketIndex } = x;
  let positionBase = 0;
  let entryPrice = 0;
  for (const p of account.positions) {
    if (p.marketIndex !== marketIndex || p.base === 0n) continue;
    positionBase = baseToNumber(p.base);
    entryPrice = Math.abs(quoteToNumber(p.quoteEntry) / positionBase);
  }
  let openBidBase = 0;
  let openAskBase = 0;
  for (const o of account.openOrders) {
    if (o.marketIndex !== marketIndex || o.status !== 'open') continue;
    const left = baseToNumber(o.base - o.filledBase);
    if (o.side === 'buy') openBidBase += left;
    else openAskBase += left;
  }
  const totalCollateral = quoteToNumber(account.totalCollateral);
  return {
    positionBase,
    entryPrice,
    collateral: quoteToNumber(account.collateral),
    totalCollateral,
    maintenanceRequirement: quoteToNumber(account.maintenanceMarginRequirement),
    health: account.health,
    leverage: account.leverage,
    liquidationPrice: x.liquidationPrice === undefined ? null : priceToNumber(x.liquidationPrice),
    openBidBase,
    openAskBase,
    dailyPnl: totalCollateral - x.dayStartEquity,
    ...(x.otherNotional !== undefined ? { otherNotional: x.otherNotional } : {}),
  };
}
