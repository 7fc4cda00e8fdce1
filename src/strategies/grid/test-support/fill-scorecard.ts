/**
 * Scores a list of fills the way a grid trader reads them: how many buys and sells, how many round trips (a sell
 * matched against an earlier, lower buy, or a buy against an earlier, higher sell — newest first, by size), and
 * the grid profit those round trips locked in (matched size × price difference, before fees). Only fills and
 * arithmetic; used to put the bot's fills beside the reference grid's.
 */

export interface ScoredFill {
  side: 'buy' | 'sell';
  price: number;
  base: number;
}

export interface FillScore {
  fills: number;
  buys: number;
  sells: number;
  /** Matched base / size: one round trip is one size bought and sold back. */
  roundTrips: number;
  gridProfit: number;
  /** Matched round trips that lost (sold below the buy). */
  losingRoundTrips: number;
}

interface Lot {
  price: number;
  base: number;
}

export function scoreFills(fills: readonly ScoredFill[], size: number): FillScore {
  const longs: Lot[] = [];
  const shorts: Lot[] = [];
  let matched = 0;
  let gridProfit = 0;
  let losing = 0;
  let buys = 0;
  for (const f of fills) {
    if (f.side === 'buy') buys++;
    const against = f.side === 'buy' ? shorts : longs;
    const own = f.side === 'buy' ? longs : shorts;
    let left = f.base;
    while (left > 1e-12 && against.length > 0) {
      const lot = against[against.length - 1];
      const q = Math.min(left, lot.base);
      const profit = f.side === 'sell' ? q * (f.price - lot.price) : q * (lot.price - f.price);
      gridProfit += profit;
      if (profit < 0) losing += q / size;
      matched += q;
      left -= q;
      lot.base -= q;
      if (lot.base <= 1e-12) against.pop();
    }
    if (left > 1e-12) own.push({ price: f.price, base: left });
  }
  return {
    fills: fills.length,
    buys,
    sells: fills.length - buys,
    roundTrips: matched / size,
    gridProfit,
    losingRoundTrips: losing,
  };
}
