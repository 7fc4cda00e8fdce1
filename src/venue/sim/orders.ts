/**
 * Drift's order-placement rules as one pure function: params + what the venue knows now → accept (with the
 * price the order rests at), skip (TRY_POST_ONLY that would cross) or reject with Drift's reason.
 * Margin (InsufficientCollateral) is checked by the exchange afterwards, because it needs the whole account.
 *
 * Order of checks follows protocol-v2 `controller/orders.rs::place_perp_order` and `validation/order.rs`:
 * order slots, userOrderId, size, price, post-only, then (ours) reduce-only.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import type { OrderParams, RejectReason } from '../../domain/types.ts';

/** Drift: `user.orders` has 32 slots. */
export const MAX_OPEN_ORDERS = 32;
/** Drift: `user.perp_positions` has 8 slots. */
export const MAX_PERP_POSITIONS = 8;

/** What the venue knows when an order arrives. Prices are PRICE precision. */
export interface PlacementContext {
  spec: MarketSpec;
  /** How many open orders this subaccount has, all markets. */
  openOrderCount: number;
  /** True when one of those open orders carries the new order's (non-zero) userOrderId. */
  userOrderIdInUse: boolean;
  /** Signed base of this subaccount's position in the order's market (0n when none). */
  positionBase: bigint;
  /** Markets where this subaccount has a position or open orders (Drift's perp position slots in use). */
  usedPositionSlots: number;
  /** True when this market already holds one of those slots. */
  hasPositionSlot: boolean;
  /** The venue's best bid and ask now (undefined when the market has no price yet). */
  bestBid: bigint | undefined;
  bestAsk: bigint | undefined;
  now: number;
  maxOpenOrders: number;
  /** 'reject' (default) refuses off-step sizes and off-tick prices; 'standardize' rounds them as Drift does. */
  alignment: 'reject' | 'standardize';
}

export type PlacementDecision =
  /** Place the order with this base and price (after SLIDE or standardisation). */
  | { kind: 'accept'; base: bigint; price: bigint; crosses: boolean }
  /** TRY_POST_ONLY that would cross: nothing is placed and nothing fails. */
  | { kind: 'skip'; detail: string }
  | { kind: 'reject'; reason: RejectReason; detail: string };

const reject = (reason: RejectReason, detail: string): PlacementDecision => ({
  kind: 'reject',
  reason,
  detail,
});

/** True when a limit at `price` on `side` would trade against the venue's current best price. */
export function crossesBook(
  side: 'buy' | 'sell',
  price: bigint,
  bestBid: bigint | undefined,
  bestAsk: bigint | undefined,
): boolean {
  return side === 'buy'
    ? bestAsk !== undefined && price >= bestAsk
    : bestBid !== undefined && price <= bestBid;
}

export function checkPlacement(params: OrderParams, ctx: PlacementContext): PlacementDecision {
  const { spec } = ctx;
  const slots = slotsRejection(params, ctx);
  if (slots) return slots;

  let base = params.base;
  if (base <= 0n) return reject('OrderAmountTooSmall', 'order size must be positive');
  if (base % spec.stepSize !== 0n) {
    if (ctx.alignment === 'reject') {
      return reject('InvalidOrderSizeStep', `size ${base} is not a multiple of the step ${spec.stepSize}`);
    }
    base = (base / spec.stepSize) * spec.stepSize;
  }
  // Drift: below one step is always too small; below min size only when not reduce-only.
  if (base < spec.stepSize || (!params.reduceOnly && base < spec.minOrderSize)) {
    return reject('OrderAmountTooSmall', `size ${base} is below the minimum ${spec.minOrderSize}`);
  }

  const market = params.orderType === 'market';
  if (params.orderType !== 'limit' && !market)
    return reject('InvalidOrder', 'orderType must be limit or market');
  let price = params.price;
  // A market order's price is its worst acceptable price; 0 means no cap.
  if (price < 0n || (!market && price === 0n))
    return reject('InvalidOrder', 'a limit order needs a price > 0');
  if (price % spec.tickSize !== 0n) {
    if (ctx.alignment === 'reject') {
      return reject('InvalidOrderPriceTick', `price ${price} is not a multiple of the tick ${spec.tickSize}`);
    }
    // Drift's standardize_price: bids down, asks up (never more aggressive than asked).
    const r = price % spec.tickSize;
    price = params.side === 'buy' ? price - r : price - r + spec.tickSize;
  }
  if (params.maxTs !== undefined && params.maxTs !== 0 && params.maxTs <= ctx.now) {
    return reject('InvalidOrder', `maxTs ${params.maxTs} is not after now (${ctx.now})`);
  }

  if (ctx.bestBid === undefined || ctx.bestAsk === undefined) {
    return reject('MarketPaused', `${spec.symbol} has no price yet`);
  }
  const crossPrice = market && price === 0n ? (params.side === 'buy' ? ctx.bestAsk : ctx.bestBid) : price;
  let crosses = crossesBook(params.side, crossPrice, ctx.bestBid, ctx.bestAsk);

  if (params.postOnly !== 'none') {
    if (market || params.ioc) return reject('InvalidOrder', 'post-only cannot be a market or IOC order');
    if (crosses) {
      if (params.postOnly === 'must') {
        return reject(
          'PostOnlyWouldCross',
          `post-only ${params.side} at ${price} crosses the book (Drift 6057)`,
        );
      }
      if (params.postOnly === 'try') return { kind: 'skip', detail: 'TRY_POST_ONLY would cross: not placed' };
      if (params.postOnly === 'slide') {
        // Drift's get_price_for_perp_order: one tick behind the opposite best price.
        price = params.side === 'buy' ? ctx.bestAsk - spec.tickSize : ctx.bestBid + spec.tickSize;
        if (price <= 0n) return reject('InvalidOrder', 'SLIDE left no positive price');
        crosses = false;
      }
    }
  }

  const reduceOnly = reduceOnlyRejection(params, ctx);
  if (reduceOnly) return reduceOnly;
  return { kind: 'accept', base, price, crosses };
}

/** The first checks, before size and price: order slots, the userOrderId, perp position slots, the side. */
function slotsRejection(params: OrderParams, ctx: PlacementContext): PlacementDecision | undefined {
  if (ctx.openOrderCount >= ctx.maxOpenOrders) {
    return reject('MaxNumberOfOrders', `the subaccount already has ${ctx.openOrderCount} open orders`);
  }
  if (!Number.isInteger(params.userOrderId) || params.userOrderId < 0 || params.userOrderId > 255) {
    return reject('InvalidOrder', `userOrderId ${params.userOrderId} is not an integer in 0..255`);
  }
  if (params.userOrderId > 0 && ctx.userOrderIdInUse) {
    return reject('UserOrderIdAlreadyInUse', `userOrderId ${params.userOrderId} belongs to an open order`);
  }
  if (!ctx.hasPositionSlot && ctx.usedPositionSlots >= MAX_PERP_POSITIONS) {
    return reject('InvalidOrder', `a subaccount may use at most ${MAX_PERP_POSITIONS} perp markets`);
  }
  if (params.side !== 'buy' && params.side !== 'sell')
    return reject('InvalidOrder', 'side must be buy or sell');
  return undefined;
}

/** The last check (ours): a reduce-only order must be against the position. */
function reduceOnlyRejection(params: OrderParams, ctx: PlacementContext): PlacementDecision | undefined {
  if (params.reduceOnly) {
    const reduces = params.side === 'buy' ? ctx.positionBase < 0n : ctx.positionBase > 0n;
    if (!reduces) {
      return reject(
        'ReduceOnlyWouldIncrease',
        `reduce-only ${params.side} with position ${ctx.positionBase}`,
      );
    }
  }
  return undefined;
}

/**
 * Drift's is_new_order_risk_increasing (protocol-v2 math/orders.rs): a reduce-only order never raises risk (the
 * program caps its fills at the position); any other order does when, counted with the open orders on its side,
 * it could take the position beyond its current size or to the other side.
 */
export function isRiskIncreasing(
  side: 'buy' | 'sell',
  base: bigint,
  positionBase: bigint,
  openBids: bigint,
  openAsks: bigint,
  reduceOnly: boolean,
): boolean {
  if (reduceOnly) return false;
  if (side === 'buy') return positionBase >= 0n || positionBase + openBids + base > 0n;
  return positionBase <= 0n || positionBase + openAsks - base < 0n;
}
