/**
 * The report's fill list: a venue's fill or liquidation as report.json lists it. A liquidation trades the
 * position too, so it is listed among the fills: they then always add up to the position.
 */
import { baseToNumber, priceToNumber, quoteToNumber } from '../domain/precision.ts';
import type { VenueEvent } from '../domain/types.ts';
import type { ReportFill } from './report-types.ts';

/** The report's row for `e`, or undefined when `e` trades nothing (accepted, cancelled, funding…). */
export function reportFillOf(e: VenueEvent, symbolOf: ReadonlyMap<number, string>): ReportFill | undefined {
  if (e.type === 'filled') {
    const f = e.fill;
    return {
      ts: e.ts,
      market: symbolOf.get(f.marketIndex) ?? String(f.marketIndex),
      side: f.side,
      price: priceToNumber(f.price),
      base: baseToNumber(f.base),
      fee: quoteToNumber(f.fee),
      maker: f.maker,
      reduceOnly: f.reduceOnly,
      liquidation: false,
    };
  }
  if (e.type === 'liquidated') {
    return {
      ts: e.ts,
      market: symbolOf.get(e.marketIndex) ?? String(e.marketIndex),
      side: e.base > 0n ? 'buy' : 'sell',
      price: priceToNumber(e.price),
      base: baseToNumber(e.base < 0n ? -e.base : e.base),
      fee: quoteToNumber(e.fee),
      maker: false,
      reduceOnly: true,
      liquidation: true,
    };
  }
  return undefined;
}
