/**
 * Test fixtures for the Drift venue: fast-check arbitraries for our OrderParams and blank SDK records
 * (Order, PerpPosition) with only the fields a test cares about filled in.
 */
import {
  BN,
  type Order as DriftOrder,
  type PerpPosition as DriftPerpPosition,
  MarketType,
  OrderStatus,
  OrderTriggerCondition,
  OrderType,
  PositionDirection,
} from '@drift-labs/sdk';
import fc from 'fast-check';
import type { OrderParams } from '../../../domain/types.ts';

/** Markets zero-perps trades (SOL, BTC, KMNO, DRIFT) plus the full u16 range the instruction can carry. */
const arbMarketIndex = fc.oneof(fc.constantFrom(0, 1, 28, 30), fc.integer({ min: 0, max: 65_535 }));

/** Any OrderParams the instruction can encode (optionally only in `markets`); maxTs in whole seconds so it round-trips through Drift's unit. */
export const arbOrderParams = (markets?: readonly number[]): fc.Arbitrary<OrderParams> =>
  fc
    .record({
      marketIndex: markets ? fc.constantFrom(...markets) : arbMarketIndex,
      side: fc.constantFrom('buy' as const, 'sell' as const),
      orderType: fc.constantFrom('limit' as const, 'market' as const),
      // u64 on chain
      base: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
      price: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      reduceOnly: fc.boolean(),
      postOnly: fc.constantFrom('none' as const, 'must' as const, 'try' as const, 'slide' as const),
      ioc: fc.boolean(),
      userOrderId: fc.integer({ min: 0, max: 255 }),
      maxTsSec: fc.option(fc.integer({ min: 1, max: 4_000_000_000 }), { nil: undefined }),
    })
    .map(({ maxTsSec, ...p }) => (maxTsSec === undefined ? p : { ...p, maxTs: maxTsSec * 1000 }));

export interface SdkOrderFields {
  orderId?: number;
  userOrderId?: number;
  marketIndex?: number;
  side?: 'buy' | 'sell';
  base?: bigint;
  price?: bigint;
  filled?: bigint;
  postOnly?: boolean;
  reduceOnly?: boolean;
  ioc?: boolean;
  maxTs?: number;
}

/** An open perp limit order as it sits in UserAccount.orders. */
export function sdkOrder(f: SdkOrderFields): DriftOrder {
  return {
    status: OrderStatus.OPEN,
    orderType: OrderType.LIMIT,
    marketType: MarketType.PERP,
    slot: new BN(1),
    orderId: f.orderId ?? 1,
    userOrderId: f.userOrderId ?? 0,
    marketIndex: f.marketIndex ?? 0,
    price: new BN((f.price ?? 100_000_000n).toString()),
    baseAssetAmount: new BN((f.base ?? 1_000_000_000n).toString()),
    quoteAssetAmount: new BN(0),
    baseAssetAmountFilled: new BN((f.filled ?? 0n).toString()),
    quoteAssetAmountFilled: new BN(0),
    direction: f.side === 'sell' ? PositionDirection.SHORT : PositionDirection.LONG,
    reduceOnly: f.reduceOnly ?? false,
    triggerPrice: new BN(0),
    triggerCondition: OrderTriggerCondition.ABOVE,
    existingPositionDirection: PositionDirection.LONG,
    postOnly: f.postOnly ?? false,
    immediateOrCancel: f.ioc ?? false,
    oraclePriceOffset: 0,
    auctionDuration: 0,
    auctionStartPrice: new BN(0),
    auctionEndPrice: new BN(0),
    maxTs: new BN(f.maxTs ?? 0),
    bitFlags: 0,
    postedSlotTail: 0,
  };
}

export interface SdkPerpPositionFields {
  marketIndex: number;
  base?: bigint;
  quoteEntry?: bigint;
  quoteAsset?: bigint;
  cumulativeFunding?: bigint;
}

/** A PerpPosition slot; quoteAsset defaults to quoteEntry (no realised PnL or funding yet). */
export function sdkPerpPosition(f: SdkPerpPositionFields): DriftPerpPosition {
  const bn = (v: bigint | undefined): BN => new BN((v ?? 0n).toString());
  return {
    baseAssetAmount: bn(f.base),
    lastCumulativeFundingRate: bn(f.cumulativeFunding),
    marketIndex: f.marketIndex,
    quoteAssetAmount: bn(f.quoteAsset ?? f.quoteEntry),
    quoteEntryAmount: bn(f.quoteEntry),
    quoteBreakEvenAmount: bn(f.quoteEntry),
    openOrders: 0,
    openBids: new BN(0),
    openAsks: new BN(0),
    settledPnl: new BN(0),
    lpShares: new BN(0),
    remainderBaseAssetAmount: 0,
    maxMarginRatio: 0,
    lastQuoteAssetAmountPerLp: new BN(0),
    perLpBase: 0,
    positionFlag: 0,
    isolatedPositionScaledBalance: new BN(0),
  };
}
