/** Test and benchmark helpers: a symmetric grid ladder around a mark, and the risk view of live orders. */
import type { MarketSpec } from '../../domain/markets.ts';
import { baseToNumber } from '../../domain/precision.ts';
import { priceOnTick, sizeOnStep } from '../../domain/rounding.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import type { Order } from '../../domain/types.ts';

/** `levels` bids below and asks above `anchor`, `stepPct` apart, `basePerLevel` each (on tick and step). */
export function makeLadder(
  market: MarketSpec,
  anchor: number,
  levels: number,
  stepPct: number,
  basePerLevel: number,
): DesiredOrder[] {
  const out: DesiredOrder[] = [];
  const base = sizeOnStep(basePerLevel, market.stepSize);
  for (let l = 1; l <= levels; l++) {
    for (const side of ['buy', 'sell'] as const) {
      const px = anchor * (side === 'buy' ? 1 - (l * stepPct) / 100 : 1 + (l * stepPct) / 100);
      out.push({
        marketIndex: market.marketIndex,
        side,
        price: priceOnTick(px, market.tickSize, side),
        base,
        postOnly: true,
        reduceOnly: false,
        level: l,
        taker: false,
      });
    }
  }
  return out;
}

/** Unsigned base still open on each side (the worst-case figures the risk rules take). */
export function openBaseBySide(live: readonly Order[], marketIndex: number): { bid: number; ask: number } {
  let bid = 0n;
  let ask = 0n;
  for (const o of live) {
    if (o.status !== 'open' || o.marketIndex !== marketIndex) continue;
    if (o.side === 'buy') bid += o.base - o.filledBase;
    else ask += o.base - o.filledBase;
  }
  return { bid: baseToNumber(bid), ask: baseToNumber(ask) };
}
