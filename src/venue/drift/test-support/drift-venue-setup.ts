/**
 * DriftVenue over the in-memory Drift layer for its tests (drift-venue*.test.ts): real SDK instruction building
 * and decoding, the simulator as the chain, one SOL market with a flat bar per minute from T0.
 */
import type { Candle } from '../../../data/types.ts';
import { getMarket } from '../../../domain/markets.ts';
import type { OrderParams } from '../../../domain/types.ts';
import { DriftVenue } from '../drift-venue.ts';
import { DriftIxBuilder } from '../ix-builder.ts';
import type { TxSender } from '../tx-sender.ts';
import { createOfflineClient } from './offline-client.ts';
import { SimDriftLayer } from './sim-layer.ts';

export const SOL = getMarket('SOL-PERP', { takerFeeBps: 10, makerFeeBps: -2 });
export const MINUTE = 60_000;
export const T0 = 1_704_067_200_000;
export const flat = (ts: number, p: number): Candle => ({
  ts,
  open: p,
  high: p,
  low: p,
  close: p,
  volume: 1000,
  oracleClose: p,
});

/** DriftVenue over the in-memory layer: real SDK instruction building and decoding, the simulator as the chain. */
export function setupDriftVenue(wrapSender: (s: TxSender) => TxSender = (s) => s, polling = false) {
  const offline = createOfflineClient();
  let ts = T0;
  const builder = new DriftIxBuilder({
    client: offline.client,
    ensureUser: async (id) => {
      if (!offline.hasUser(id)) offline.setUser(id);
    },
    usdcTokenAccount: async () => offline.usdcTokenAccount,
  });
  const layer = new SimDriftLayer({
    markets: [SOL],
    spreadBps: 2,
    builder,
    program: offline.client.program,
    clock: () => ts,
  });
  layer.onBar(0, flat(ts, 100), MINUTE);
  const venue = new DriftVenue({
    builder,
    sender: wrapSender(layer.sender),
    reader: layer.reader,
    eventSource: polling ? undefined : layer.eventSource,
    clock: () => ts,
    computeUnitPrice: () => 5_000,
  });
  const advance = async (to?: number) => {
    ts = to ?? ts + MINUTE;
    layer.onBar(0, flat(ts, 100), MINUTE);
  };
  return { venue, layer, builder, offline, advance };
}

/** A SOL limit order of 1 SOL, post-only (must), with no userOrderId (the venue assigns one). */
export const limit = (
  side: 'buy' | 'sell',
  price: bigint,
  extra: Partial<OrderParams> = {},
): OrderParams => ({
  marketIndex: 0,
  side,
  orderType: 'limit',
  base: 1_000_000_000n,
  price,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: 0,
  ...extra,
});
