/**
 * Types shared by the spread bot's decision parts. They extend the domain contracts without changing them.
 */
import { getMarket, type MarketSpec } from '../../domain/markets.ts';
import type { MarketSnapshot } from '../../domain/snapshot.ts';
import type { Position } from '../../domain/types.ts';
import type { L2Book } from '../../venue/port.ts';

export const DRIFT_MARKET_INDEX = 30;
export const KMNO_MARKET_INDEX = 28;

/** The market specs of the two legs, from the domain table. */
export const spreadMarkets = (): MarketSpec[] => [
  getMarket(DRIFT_MARKET_INDEX),
  getMarket(KMNO_MARKET_INDEX),
];

/** What the bot wants to hold: LONG = long DRIFT + short KMNO, SHORT = the mirror, FLAT = nothing. */
export type SpreadDirection = 'LONG' | 'SHORT' | 'FLAT';

/**
 * A market snapshot with the venue's visible book (best first on each side, exact PRICE/BASE), fetched just
 * before the cycle. The liquidity check walks it within the slippage limit; without a book (the venue knows
 * none) an order that needs the check is refused, never assumed to fill.
 */
export interface SpreadSnapshot extends MarketSnapshot {
  book?: L2Book;
}

/** The part of a venue position the spread bot reads (the domain Position fits). */
export type LegPosition = Pick<Position, 'marketIndex' | 'base'>;

/** Signed base units the bot means to hold on each leg. */
export interface IntendedLegs {
  driftBase: number;
  kmnoBase: number;
}

/** How an order the bot emitted last cycle ended, as the runner reports it back. */
export interface LegOrderResult {
  marketIndex: number;
  side: 'buy' | 'sell';
  ok: boolean;
  /** Why it failed (venue reject reason, not filled, ...). */
  reason?: string;
}
