/** Builders for the spread bot's tests (not used by production code). */
import { baseToInt } from '../../../domain/precision.ts';
import type { LegPosition, SpreadSnapshot } from '../types.ts';

/** A fresh snapshot around `mark` with a symmetric spread of `spreadBps` (total) unless bid/ask are given. */
export function snap(marketIndex: number, mark: number, over: Partial<SpreadSnapshot> = {}): SpreadSnapshot {
  const half = mark * 0.0002;
  return {
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
