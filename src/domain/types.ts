/**
 * Core trading types shared by every layer. Integers (bigint) carry Drift's precisions:
 * base amounts BASE (1e9), prices PRICE (1e6), quote/USDC QUOTE (1e6), funding rates FUNDING_RATE (1e9).
 * Signed base: positive is long, negative is short.
 */

export type Side = 'buy' | 'sell';

/** Drift's PostOnlyParams: NONE, MUST_POST_ONLY (reject if crossing), TRY_POST_ONLY (skip if crossing), SLIDE. */
export type PostOnly = 'none' | 'must' | 'try' | 'slide';

export type OrderType = 'limit' | 'market';

/** What a strategy or planner asks the venue to place: the venue-neutral shape of Drift's OrderParams. */
export interface OrderParams {
  marketIndex: number;
  side: Side;
  orderType: OrderType;
  /** Unsigned, BASE precision. */
  base: bigint;
  /** PRICE precision. For limit orders the limit; for market orders the worst acceptable price (slippage cap). */
  price: bigint;
  reduceOnly: boolean;
  postOnly: PostOnly;
  /** Immediate-or-cancel: whatever does not fill at once is cancelled. */
  ioc: boolean;
  /** Drift's userOrderId: 1..255, unique among this subaccount's open orders; 0 means none. */
  userOrderId: number;
  /** Optional expiry (epoch ms); the venue cancels the order at or after it. */
  maxTs?: number;
  /**
   * A floating (oracle-offset) limit order: its limit is the market's oracle plus this signed offset (PRICE
   * precision), so it moves with the oracle without a new transaction (Drift's `oraclePriceOffset`). `price`
   * then is the limit at the oracle the order was planned or last read at.
   */
  oracleOffset?: bigint;
}

export type OrderStatus = 'open' | 'filled' | 'cancelled' | 'expired';

/** A resting order as the venue reports it. */
export interface Order extends OrderParams {
  /** Venue-assigned id, increasing per subaccount (Drift: `order.orderId`). */
  orderId: number;
  /** Unsigned, BASE precision. */
  filledBase: bigint;
  status: OrderStatus;
  /** Epoch ms the venue accepted the order. */
  placedTs: number;
}

export interface Fill {
  ts: number;
  marketIndex: number;
  orderId: number;
  userOrderId: number;
  side: Side;
  /** PRICE precision. */
  price: bigint;
  /** Unsigned, BASE precision. */
  base: bigint;
  /** base × price, QUOTE precision (rounded toward zero as Drift does). */
  quote: bigint;
  /** QUOTE precision; positive is paid by the trader, negative is a rebate received. */
  fee: bigint;
  maker: boolean;
  reduceOnly: boolean;
}

/** One perp position, booked the way Drift books it (PerpPosition). */
export interface Position {
  marketIndex: number;
  /** Signed, BASE precision. */
  base: bigint;
  /**
   * Signed quote entry amount (QUOTE): minus what was paid for the position (a long of 10 at 100 is −1000).
   * Entry price = −quoteEntry / base.
   */
  quoteEntry: bigint;
  /**
   * Signed quote asset amount (QUOTE): quoteEntry plus realized PnL, fees and funding already booked into the
   * position but not yet settled to collateral. Unrealized PnL = base × oracle + quoteAsset.
   */
  quoteAsset: bigint;
  /** Cumulative funding rate (FUNDING_RATE precision) at the last funding settlement of this position. */
  lastCumulativeFundingRate: bigint;
}

export interface FundingPayment {
  ts: number;
  marketIndex: number;
  /** Signed base at settlement (BASE). */
  base: bigint;
  /** Hourly rate, quote per base (FUNDING_RATE precision); longs pay when positive. */
  rate: bigint;
  /** QUOTE, signed from the trader's point of view: negative when the trader paid. */
  amount: bigint;
}

/** A snapshot of one subaccount, as the venue computes it. */
export interface AccountState {
  subaccountId: number;
  /** Deposited USDC plus settled PnL (QUOTE). */
  collateral: bigint;
  positions: Position[];
  openOrders: Order[];
  /** Total collateral as Drift counts it: collateral + unrealized PnL (incl. funding owed) (QUOTE). */
  totalCollateral: bigint;
  /** Total collateral − initial margin requirement, floored at 0 (QUOTE). */
  freeCollateral: bigint;
  initialMarginRequirement: bigint;
  maintenanceMarginRequirement: bigint;
  /** Drift's leverage: total position notional / total collateral, PERCENTAGE-free float for display. */
  leverage: number;
  /** 0..100, (1 − maintenance requirement / total collateral) × 100, floored at 0. */
  health: number;
}

/**
 * An account's holdings and the figures a risk check reads, as USD doubles: AccountState's figures converted
 * (quoteToNumber, priceToNumber), with one market's liquidation price. A venue that keeps its figures as doubles
 * (the simulator) hands this out without building an AccountState and its BigInts; the backtest's grid reads it
 * on every bar.
 */
export interface AccountNumbers {
  /** The same lists AccountState would hold (values: never changed once handed out). */
  positions: Position[];
  openOrders: Order[];
  collateral: number;
  totalCollateral: number;
  maintenanceMarginRequirement: number;
  leverage: number;
  health: number;
  /** Liquidation price of the market asked for (USD), null when there is none. */
  liquidationPrice: number | null;
}

/** Why the venue refused an order: Drift's error names where one exists. */
export type RejectReason =
  | 'InvalidOrderSizeStep'
  | 'InvalidOrderPriceTick'
  | 'OrderAmountTooSmall'
  | 'MaxNumberOfOrders'
  | 'UserOrderIdAlreadyInUse'
  | 'PostOnlyWouldCross'
  | 'ReduceOnlyWouldIncrease'
  | 'InsufficientCollateral'
  | 'MarketPaused'
  | 'MarketReduceOnly'
  | 'OrderNotFound'
  /** The account is being liquidated: no new orders until it is back above maintenance (Drift 6117). */
  | 'BeingLiquidated'
  /** The price is too far from the oracle for the market's price bands (Drift 6023). */
  | 'PriceBandsBreached'
  /** The order would take the market's open interest above its cap (Drift 6154). */
  | 'MaxOpenInterest'
  /** The account itself is in reduce-only mode, set by its owner (Drift 6254). */
  | 'AccountReduceOnly'
  | 'InvalidOrder'
  /** A placeAndTake with requireFullFill did not fill every order in full: nothing applied (Drift 6289). */
  | 'PlaceAndTakeOrderSuccessConditionFailed'
  | 'Disconnected';

/** What a planner emits; one command maps to one Drift instruction. */
export type OrderCommand =
  | { kind: 'place'; order: OrderParams }
  | { kind: 'cancel'; orderId: number }
  | { kind: 'cancelByUserOrderId'; userOrderId: number }
  | { kind: 'cancelAll'; marketIndex?: number }
  /** Atomic: Drift's cancelAndPlaceOrders. Either everything applies or nothing does. */
  | { kind: 'cancelAndPlace'; cancelOrderIds: number[]; place: OrderParams[] }
  /** Drift's modifyOrder re-places the order (it gets a new orderId). */
  | { kind: 'modify'; orderId: number; price?: bigint; base?: bigint }
  /**
   * Taker orders on one or more markets in ONE transaction (Drift: one placeAndTakePerpOrder instruction per
   * order). With requireFullFill every instruction demands a full fill (Drift's FullFill success condition), so
   * either every order fills in full or the transaction fails and nothing applies. Without it each order takes
   * what the book gives within its price and the rest is cancelled (a place-and-take can succeed with no fill).
   */
  | { kind: 'placeAndTake'; orders: OrderParams[]; requireFullFill: boolean };

/** The orders a command places (none for cancels and modify). */
export const placesOf = (c: OrderCommand): OrderParams[] =>
  c.kind === 'place'
    ? [c.order]
    : c.kind === 'cancelAndPlace'
      ? c.place
      : c.kind === 'placeAndTake'
        ? c.orders
        : [];

export type VenueEvent =
  | { type: 'accepted'; ts: number; subaccountId: number; order: Order }
  | {
      type: 'rejected';
      ts: number;
      subaccountId: number;
      order: OrderParams;
      reason: RejectReason;
      detail: string;
    }
  | {
      type: 'cancelled';
      ts: number;
      subaccountId: number;
      orderId: number;
      userOrderId: number;
      reason: string;
    }
  | { type: 'filled'; ts: number; subaccountId: number; fill: Fill; remainingBase: bigint }
  | { type: 'funding'; ts: number; subaccountId: number; payment: FundingPayment }
  | {
      type: 'liquidated';
      ts: number;
      subaccountId: number;
      marketIndex: number;
      base: bigint;
      price: bigint;
      fee: bigint;
    };

export const oppositeSide = (s: Side): Side => (s === 'buy' ? 'sell' : 'buy');
/** +1 for buy, −1 for sell. */
export const sideSign = (s: Side): 1n | -1n => (s === 'buy' ? 1n : -1n);
