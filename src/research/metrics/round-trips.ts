/**
 * Round trips: every trade that reduces a position is matched first-in first-out against the lots that
 * opened it. One round trip per closing trade; its gross PnL is what the price moved between the matched
 * entries and this exit, its fees are the exit fee of the closed part plus the entries' fees pro rata.
 * Sizes are counted in whole nano-base units so lots match exactly.
 */
import type { MetricsTrade } from './types.ts';

export interface RoundTrip {
  ts: number;
  market: string;
  base: number;
  gross: number;
  fees: number;
}

interface Lot {
  units: number;
  price: number;
  feePerUnit: number;
}

const UNITS = 1e9;

export function roundTrips(trades: readonly MetricsTrade[]): RoundTrip[] {
  const books = new Map<string, { sign: number; lots: Lot[] }>();
  const out: RoundTrip[] = [];
  for (const t of trades) {
    let units = Math.round(t.base * UNITS);
    if (units <= 0) continue;
    const feePerUnit = t.fee / units;
    const sign = t.side === 'buy' ? 1 : -1;
    let book = books.get(t.market);
    if (!book) {
      book = { sign: 0, lots: [] };
      books.set(t.market, book);
    }
    let closed = 0;
    let gross = 0;
    let fees = 0;
    while (units > 0 && book.lots.length > 0 && book.sign === -sign) {
      const lot = book.lots[0];
      const q = Math.min(lot.units, units);
      gross += ((t.price - lot.price) * book.sign * q) / UNITS;
      fees += (lot.feePerUnit + feePerUnit) * q;
      lot.units -= q;
      units -= q;
      closed += q;
      if (lot.units === 0) book.lots.shift();
    }
    if (book.lots.length === 0) book.sign = 0;
    if (units > 0) {
      book.sign = sign;
      book.lots.push({ units, price: t.price, feePerUnit });
    }
    if (closed > 0) out.push({ ts: t.ts, market: t.market, base: closed / UNITS, gross, fees });
  }
  return out;
}
