/** Shared fixtures for the simulator's tests: a market with round numbers and bar/order builders. */
import type { Candle } from '../../../data/types.ts';
import { getMarket, type MarketSpec } from '../../../domain/markets.ts';
import type { OrderParams } from '../../../domain/types.ts';

/** SOL-PERP with fees that make hand computation easy: taker 10 bps, maker rebate 2 bps. */
export const SOL: MarketSpec = getMarket('SOL-PERP', { takerFeeBps: 10, makerFeeBps: -2 });
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** 2024-01-01T00:00:00Z, on an hour boundary. */
export const T0 = 1_704_067_200_000;

export const usd = (v: number): bigint => BigInt(Math.round(v * 1e6));
export const sol = (v: number): bigint => BigInt(Math.round(v * 1e9));

export function bar(
  ts: number,
  o: number,
  h: number,
  l: number,
  c: number,
  extra: Partial<Candle> = {},
): Candle {
  return { ts, open: o, high: h, low: l, close: c, volume: 1000, oracleClose: c, ...extra };
}

export const flat = (ts: number, p: number, extra: Partial<Candle> = {}): Candle =>
  bar(ts, p, p, p, p, extra);

export function limit(
  side: 'buy' | 'sell',
  base: number,
  price: number,
  extra: Partial<OrderParams> = {},
): OrderParams {
  return {
    marketIndex: SOL.marketIndex,
    side,
    orderType: 'limit',
    base: sol(base),
    price: usd(price),
    reduceOnly: false,
    postOnly: 'none',
    ioc: false,
    userOrderId: 0,
    ...extra,
  };
}
