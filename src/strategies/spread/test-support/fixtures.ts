/** Builders for the spread bot's tests (not used by production code). */
import { baseToInt } from '../../../domain/precision.ts';
import { priceOnTick } from '../../../domain/rounding.ts';
import type { L2Book } from '../../../venue/port.ts';
import type { LegPosition, SpreadSnapshot } from '../types.ts';

/**
 * A deep book around a snapshot: its bid and ask, then one level every 5 bps out to 100 bps, `levelBase` base
 * units each (a million by default: never the limit unless a test says so).
 */
export function deepBook(
  s: Pick<SpreadSnapshot, 'marketIndex' | 'bid' | 'ask' | 'ts'>,
  levelBase = 1_000_000,
): L2Book {
  const bids: L2Book['bids'] = [];
  const asks: L2Book['asks'] = [];
  const base = baseToInt(levelBase);
  for (let i = 0; i <= 20; i++) {
    asks.push({ price: priceOnTick(s.ask * (1 + (i * 5) / 1e4), 1n, 'sell'), base });
    bids.push({ price: priceOnTick(s.bid * (1 - (i * 5) / 1e4), 1n, 'buy'), base });
  }
  return { marketIndex: s.marketIndex, ts: s.ts, bids, asks };
}

/**
 * A fresh snapshot around `mark` with a symmetric 4 bps spread unless bid/ask are given, and a deep book (pass
 * `book: undefined` for a venue that knows no book).
 */
export function snap(marketIndex: number, mark: number, over: Partial<SpreadSnapshot> = {}): SpreadSnapshot {
  const half = mark * 0.0002;
  const s: SpreadSnapshot = {
    ts: 0,
    marketIndex,
    mark,
    bid: mark - half,
    ask: mark + half,
    oracle: mark,
    oracleAgeMs: 0,
    oracleStale: false,
    fundingRate: 0,
    nextFundingTs: 0,
    divergence: 0,
    vol: 0,
    reduceOnly: false,
    ...over,
  };
  return 'book' in over ? s : { ...s, book: deepBook(s) };
}

export const pos = (marketIndex: number, base: number): LegPosition => ({
  marketIndex,
  base: baseToInt(base),
});

/** Fills every order completely at once (a perfect taker venue) and returns the new positions. */
export function applyFills(
  positions: readonly LegPosition[],
  orders: readonly { marketIndex: number; side: 'buy' | 'sell'; base: bigint }[],
): LegPosition[] {
  const book = new Map<number, bigint>();
  for (const p of positions) book.set(p.marketIndex, (book.get(p.marketIndex) ?? 0n) + p.base);
  for (const o of orders) {
    book.set(o.marketIndex, (book.get(o.marketIndex) ?? 0n) + (o.side === 'buy' ? o.base : -o.base));
  }
  return [...book].filter(([, base]) => base !== 0n).map(([marketIndex, base]) => ({ marketIndex, base }));
}
