/**
 * Pure mapping between zero-perps' venue-neutral types and the Drift SDK's order and position types.
 * No I/O; every function here is total over valid input and round-trips (see mapping.test.ts).
 *
 * Units: our bigints already carry Drift's precisions (BASE 1e9, PRICE 1e6, QUOTE 1e6), so amounts cross as
 * BN ↔ bigint without scaling. Times differ: our maxTs is epoch milliseconds, Drift's is unix seconds.
 */
import {
  BN,
  type Order as DriftOrder,
  type OrderParams as DriftOrderParams,
  OrderType as DriftOrderType,
  type PerpPosition as DriftPerpPosition,
  MarketType,
  OrderParamsBitFlag,
  OrderTriggerCondition,
  PositionDirection,
  PostOnlyParams,
} from '@drift-labs/sdk';
import type { Order, OrderParams, OrderType, Position, PostOnly, Side } from '../../domain/types.ts';

export const toBN = (v: bigint): BN => new BN(v.toString());
export const fromBN = (v: BN): bigint => BigInt(v.toString());

/** Anchor enums are objects with one key ({ long: {} }); this reads that key. */
export function variantOf(value: object): string {
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new Error(`not an Anchor enum variant: ${JSON.stringify(value)}`);
  return keys[0];
}

const POST_ONLY_TO_DRIFT: Record<PostOnly, DriftOrderParams['postOnly']> = {
  none: PostOnlyParams.NONE,
  must: PostOnlyParams.MUST_POST_ONLY,
  try: PostOnlyParams.TRY_POST_ONLY,
  slide: PostOnlyParams.SLIDE,
};
const POST_ONLY_FROM_DRIFT: Record<string, PostOnly> = {
  none: 'none',
  mustPostOnly: 'must',
  tryPostOnly: 'try',
  slide: 'slide',
};

export const sideToDirection = (side: Side): PositionDirection =>
  side === 'buy' ? PositionDirection.LONG : PositionDirection.SHORT;

export function directionToSide(direction: object): Side {
  const v = variantOf(direction);
  if (v === 'long') return 'buy';
  if (v === 'short') return 'sell';
  throw new Error(`unknown Drift direction ${v}`);
}

function orderTypeFromDrift(orderType: object): OrderType {
  const v = variantOf(orderType);
  if (v === 'limit') return 'limit';
  if (v === 'market') return 'market';
  // zero-perps never places trigger or oracle orders; seeing one means someone else uses the subaccount.
  throw new Error(`unsupported Drift order type ${v}: zero-perps only places market and limit orders`);
}

/** Epoch ms → Drift unix seconds, rounded down so the order never outlives the requested expiry. */
export const maxTsToDrift = (maxTsMs: number | undefined): BN | null =>
  maxTsMs === undefined ? null : new BN(Math.floor(maxTsMs / 1000));

/** Our OrderParams → the SDK's full OrderParams (a perp order; no triggers, default auction). A floating order
 * carries price 0 and its `oraclePriceOffset` (i32, PRICE precision), as Drift's oracle orders do. */
export function toDriftOrderParams(p: OrderParams): DriftOrderParams {
  return {
    orderType: p.orderType === 'market' ? DriftOrderType.MARKET : DriftOrderType.LIMIT,
    marketType: MarketType.PERP,
    userOrderId: p.userOrderId,
    direction: sideToDirection(p.side),
    baseAssetAmount: toBN(p.base),
    price: p.oracleOffset === undefined ? toBN(p.price) : new BN(0),
    marketIndex: p.marketIndex,
    reduceOnly: p.reduceOnly,
    postOnly: POST_ONLY_TO_DRIFT[p.postOnly],
    bitFlags: p.ioc ? OrderParamsBitFlag.ImmediateOrCancel : 0,
    triggerPrice: null,
    triggerCondition: OrderTriggerCondition.ABOVE,
    oraclePriceOffset: p.oracleOffset === undefined ? null : Number(p.oracleOffset),
    // Left to the program: it derives a market order's auction from the oracle and our price limit.
    auctionDuration: null,
    maxTs: maxTsToDrift(p.maxTs),
    auctionStartPrice: null,
    auctionEndPrice: null,
  };
}

/**
 * The SDK's OrderParams (or the same fields decoded from an instruction) → our OrderParams.
 * maxTs comes back in whole seconds × 1000.
 */
export function fromDriftOrderParams(p: {
  orderType: object;
  marketType: object;
  userOrderId: number;
  direction: object;
  baseAssetAmount: BN;
  price: BN;
  marketIndex: number;
  reduceOnly: boolean;
  postOnly: object;
  bitFlags: number;
  maxTs: BN | null;
  oraclePriceOffset?: number | null;
}): OrderParams {
  if (variantOf(p.marketType) !== 'perp') throw new Error('zero-perps only trades perp markets');
  const postOnly = POST_ONLY_FROM_DRIFT[variantOf(p.postOnly)];
  if (!postOnly) throw new Error(`unknown Drift postOnly ${variantOf(p.postOnly)}`);
  const out: OrderParams = {
    marketIndex: p.marketIndex,
    side: directionToSide(p.direction),
    orderType: orderTypeFromDrift(p.orderType),
    base: fromBN(p.baseAssetAmount),
    price: fromBN(p.price),
    reduceOnly: p.reduceOnly,
    postOnly,
    ioc: (p.bitFlags & OrderParamsBitFlag.ImmediateOrCancel) !== 0,
    userOrderId: p.userOrderId,
  };
  if (p.maxTs !== null && !p.maxTs.isZero()) out.maxTs = p.maxTs.toNumber() * 1000;
  if (p.oraclePriceOffset) out.oracleOffset = BigInt(p.oraclePriceOffset);
  return out;
}

/** What the chain does not keep about an order and the venue remembers from placing it. */
export interface OrderHints {
  /** On chain an order only says postOnly true/false; the flavour (must/try/slide) is remembered from placing. */
  postOnly?: PostOnly;
  /** Epoch ms the venue saw the order first (the chain keeps only a slot). */
  placedTs: number;
  /** A floating order's limit now: the oracle plus its offset, on the tick (PRICE). */
  floatingPrice?: (offset: bigint, side: 'buy' | 'sell') => bigint;
}

/** An open order from the UserAccount → our Order. */
export function fromDriftOrder(o: DriftOrder, hints: OrderHints): Order {
  const status = variantOf(o.status);
  const order: Order = {
    marketIndex: o.marketIndex,
    side: directionToSide(o.direction),
    orderType: orderTypeFromDrift(o.orderType),
    base: fromBN(o.baseAssetAmount),
    price: fromBN(o.price),
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly ? (hints.postOnly ?? 'must') : 'none',
    ioc: o.immediateOrCancel,
    userOrderId: o.userOrderId,
    orderId: o.orderId,
    filledBase: fromBN(o.baseAssetAmountFilled),
    status: status === 'open' ? 'open' : status === 'filled' ? 'filled' : 'cancelled',
    placedTs: hints.placedTs,
  };
  if (!o.maxTs.isZero()) order.maxTs = o.maxTs.toNumber() * 1000;
  if (o.oraclePriceOffset !== 0) {
    order.oracleOffset = BigInt(o.oraclePriceOffset);
    if (hints.floatingPrice) order.price = hints.floatingPrice(order.oracleOffset, order.side);
  }
  return order;
}

export const isOpenDriftOrder = (o: DriftOrder): boolean => variantOf(o.status) === 'open';

/** A PerpPosition → our Position (same precisions, same sign conventions). */
export function fromDriftPerpPosition(p: DriftPerpPosition): Position {
  return {
    marketIndex: p.marketIndex,
    base: fromBN(p.baseAssetAmount),
    quoteEntry: fromBN(p.quoteEntryAmount),
    quoteAsset: fromBN(p.quoteAssetAmount),
    lastCumulativeFundingRate: fromBN(p.lastCumulativeFundingRate),
  };
}

/** A position slot is in use when it holds base, quote, or open orders (Drift's `positionIsAvailable` negated). */
export const isActiveDriftPerpPosition = (p: DriftPerpPosition): boolean =>
  !p.baseAssetAmount.isZero() || !p.quoteAssetAmount.isZero() || p.openOrders !== 0;
