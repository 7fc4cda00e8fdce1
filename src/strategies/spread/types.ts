/**
 * Types shared by the spread bot's decision parts. They extend the domain contracts without changing them.
 */
import { getMarket, type MarketSpec } from '../../domain/markets.ts';
import type { MarketSnapshot } from '../../domain/snapshot.ts';
import type { Position } from '../../domain/types.ts';

export const DRIFT_MARKET_INDEX = 30;
export const KMNO_MARKET_INDEX = 28;

/** The market specs of the two legs, from the domain table. */
export const spreadMarkets = (): MarketSpec[] => [
  getMarket(DRIFT_MARKET_INDEX),
  getMarket(KMNO_MARKET_INDEX),
];

/** What the bot wants to hold: LONG = long DRIFT + short KMNO, SHORT = the mirror, FLAT = nothing. */
export type SpreadDirection = 'LONG' | 'SHORT' | 'FLAT';

/** One visible price level of the order book, quote units and base units. */
export interface BookLevel {
  price: number;
  size: number;
}

/**
 * A market snapshot, optionally with visible depth (best first on each side). When depth is present the
 * slippage check walks it to the full order size; without it, only the best bid/ask can be checked.
 */
export interface SpreadSnapshot extends MarketSnapshot {
  depth?: { bids: BookLevel[]; asks: BookLevel[] };
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
