/**
 * The perp position ledger, booked exactly as Drift books a `PerpPosition`. All amounts are bigint in Drift's
 * precisions (BASE 1e9, PRICE 1e6, QUOTE 1e6, FUNDING_RATE 1e9); every division truncates toward zero, as
 * Rust's i128 `safe_div` and BN.js `div` both do (bigint `/` does the same).
 *
 * Sources (drift-labs/protocol-v2):
 * - programs/drift/src/controller/position.rs `update_position_and_market` (open/increase/reduce/close/flip,
 *   quote entry and break-even, realized pnl, last cumulative funding rate), `update_quote_asset_and_break_even_amount`,
 *   `increase_open_bids_and_asks` / `decrease_open_bids_and_asks`;
 * - programs/drift/src/math/position.rs `get_position_update_type`, `calculate_base_asset_value_and_pnl_with_oracle_price`;
 * - programs/drift/src/controller/orders.rs `fill_perp_order` (settles funding before the fill) and
 *   `fulfill_perp_order_with_match` (position update first, then −fee / +rebate into quote and break-even);
 * - programs/drift/src/math/funding.rs `calculate_funding_payment` and controller/funding.rs `settle_funding_payment`;
 * - programs/drift/src/controller/pnl.rs `settle_pnl` (moves pnl from quote_asset_amount into the USDC balance).
 * The SDK's mirror of the same maths: @drift-labs/sdk lib/node/math/position.js (`calculatePositionPNL`,
 * `calculateUnsettledFundingPnl`).
 */
import { BASE_PRECISION, FUNDING_BASE_TO_QUOTE } from '../../domain/precision.ts';
import type { Side } from '../../domain/types.ts';

/**
 * Drift's PerpPosition, field for field (baseAssetAmount → base, quoteAssetAmount → quoteAsset, ...).
 * Sign conventions are Drift's: base > 0 is long; quote amounts are negative for what was paid;
 * openBids ≥ 0 and openAsks ≤ 0 (the signed base that all open sells would add).
 */
export interface PerpPositionState {
  marketIndex: number;
  /** Signed, BASE. */
  base: bigint;
  /** Signed, QUOTE: entry + realized pnl + fees + settled funding − pnl already settled to collateral. */
  quoteAsset: bigint;
  /** Signed, QUOTE: what the open base cost (a long of 10 at 100 is −1000). Entry price = −quoteEntry/base. */
  quoteEntry: bigint;
  /** Signed, QUOTE: quoteEntry plus fees and funding booked while the position was open. */
  quoteBreakEven: bigint;
  /** FUNDING_RATE: the market's cumulative rate (for this side) when funding was last settled. */
  lastCumulativeFundingRate: bigint;
  /** Number of open orders in this market. */
  openOrders: number;
  /** Unfilled base of open buy orders, ≥ 0 (BASE). */
  openBids: bigint;
  /** Unfilled base of open sell orders, ≤ 0 as in Drift (BASE). */
  openAsks: bigint;
}

/** A market's cumulative funding rates per side (FUNDING_RATE, quote per base). Drift keeps both. */
export interface CumulativeFunding {
  long: bigint;
  short: bigint;
}

/** One fill as the ledger books it: unsigned base and quote (quote = base × price, already rounded). */
export interface FillBooking {
  side: Side;
  /** Unsigned, BASE, > 0. */
  base: bigint;
  /** Unsigned, QUOTE. */
  quote: bigint;
  /** QUOTE; positive is paid, negative is a rebate received. */
  fee: bigint;
}

export interface FillResult {
  pos: PerpPositionState;
  /** Pnl realized by the fill, fees excluded (Drift's return value of update_position_and_market). */
  realizedPnl: bigint;
  /** Funding settled just before the fill (Drift settles funding in fill_perp_order); QUOTE, + received. */
  fundingPayment: bigint;
}

export function emptyPosition(marketIndex: number, cumulativeFundingRate: bigint): PerpPositionState {
  return {
    marketIndex,
    base: 0n,
    quoteAsset: 0n,
    quoteEntry: 0n,
    quoteBreakEven: 0n,
    lastCumulativeFundingRate: cumulativeFundingRate,
    openOrders: 0,
    openBids: 0n,
    openAsks: 0n,
  };
}

const absBig = (v: bigint): bigint => (v < 0n ? -v : v);
const signOf = (v: bigint): number => (v > 0n ? 1 : v < 0n ? -1 : 0);

/** Drift's PositionUpdateType (math/position.rs get_position_update_type). */
export type PositionUpdateType = 'open' | 'increase' | 'reduce' | 'close' | 'flip';

export function positionUpdateType(base: bigint, deltaBase: bigint): PositionUpdateType {
  if (base === 0n) return 'open';
  if (signOf(base) === signOf(deltaBase)) return 'increase';
  const a = absBig(base);
  const d = absBig(deltaBase);
  if (a > d) return 'reduce';
  if (a === d) return 'close';
  return 'flip';
}

/**
 * Books a fill the way Drift does: settle funding, update base/quote/entry/break-even (realizing pnl pro rata
 * on a reduce, resetting the entry on a flip), then book the fee into quote and break-even.
 * `funding` is the market's current cumulative rates: Drift stamps them on the position when it opens,
 * increases or flips, and zeroes the stamp when it closes.
 */
export function applyFill(pos: PerpPositionState, fill: FillBooking, funding: CumulativeFunding): FillResult {
  if (fill.base <= 0n) throw new RangeError(`fill base must be positive, got ${fill.base}`);
  if (fill.quote < 0n) throw new RangeError(`fill quote must be unsigned, got ${fill.quote}`);
  const settled = settleFunding(pos, funding.long, funding.short);
  const p = settled.pos;

  // get_position_delta_for_fill: a buy adds base and pays quote; a sell removes base and receives quote
  const dBase = fill.side === 'buy' ? fill.base : -fill.base;
  const dQuote = fill.side === 'buy' ? -fill.quote : fill.quote;
  const type = positionUpdateType(p.base, dBase);
  const newBase = p.base + dBase;
  const newQuoteAsset = p.quoteAsset + dQuote;

  let quoteEntry: bigint;
  let quoteBreakEven: bigint;
  let realizedPnl: bigint;
  if (type === 'open' || type === 'increase') {
    quoteEntry = p.quoteEntry + dQuote;
    quoteBreakEven = p.quoteBreakEven + dQuote;
    realizedPnl = 0n;
  } else if (type === 'reduce' || type === 'close') {
    const cur = absBig(p.base);
    const d = absBig(dBase);
    quoteEntry = p.quoteEntry - (p.quoteEntry * d) / cur;
    quoteBreakEven = p.quoteBreakEven - (p.quoteBreakEven * d) / cur;
    realizedPnl = p.quoteEntry - quoteEntry + dQuote;
  } else {
    // flip: the part of the fill beyond the old size opens the new position at the fill's price
    const cur = absBig(p.base);
    const d = absBig(dBase);
    quoteEntry = dQuote - (dQuote * cur) / d;
    quoteBreakEven = quoteEntry;
    realizedPnl = p.quoteEntry + (dQuote - quoteEntry);
  }

  let last = p.lastCumulativeFundingRate;
  if (type === 'close') last = 0n;
  else if (type !== 'reduce') last = newBase > 0n ? funding.long : funding.short;

  const next: PerpPositionState = {
    ...p,
    base: newBase,
    quoteAsset: newQuoteAsset - fill.fee,
    quoteEntry,
    // update_quote_break_even_amount skips the fee when the fill left no base
    quoteBreakEven: newBase === 0n ? quoteBreakEven : quoteBreakEven - fill.fee,
    lastCumulativeFundingRate: last,
  };
  return { pos: next, realizedPnl, fundingPayment: settled.payment };
}

/**
 * Funding owed to (+) or by (−) the position between its last settlement and `cumulativeRate`:
 * −(cumulative − last) × base / (FUNDING_RATE × BASE / QUOTE), truncated toward zero. Longs pay when the
 * cumulative rate rose (positive funding). Drift's calculate_funding_payment rounds the magnitude down and then
 * applies the sign, which is the same as truncation toward zero.
 */
export function fundingOwed(base: bigint, lastCumulative: bigint, cumulativeRate: bigint): bigint {
  if (base === 0n || cumulativeRate === lastCumulative) return 0n;
  return (-(cumulativeRate - lastCumulative) * base) / FUNDING_BASE_TO_QUOTE;
}

/** The cumulative rate that applies to the position's side (long for base > 0, short otherwise). */
const rateForSide = (base: bigint, long: bigint, short: bigint): bigint => (base > 0n ? long : short);

/** Drift's settle_funding_payment: the payment goes into quoteAsset and quoteBreakEven; the stamp moves on. */
export function settleFunding(
  pos: PerpPositionState,
  cumulativeFundingRateLong: bigint,
  cumulativeFundingRateShort: bigint,
): { pos: PerpPositionState; payment: bigint } {
  if (pos.base === 0n) return { pos, payment: 0n };
  const rate = rateForSide(pos.base, cumulativeFundingRateLong, cumulativeFundingRateShort);
  if (rate === pos.lastCumulativeFundingRate) return { pos, payment: 0n };
  const payment = fundingOwed(pos.base, pos.lastCumulativeFundingRate, rate);
  return {
    pos: {
      ...pos,
      quoteAsset: pos.quoteAsset + payment,
      quoteBreakEven: pos.quoteBreakEven + payment,
      lastCumulativeFundingRate: rate,
    },
    payment,
  };
}

/**
 * Price pnl against the oracle, funding not included (SDK calculatePositionPNL withFunding=false):
 * base × oracle / 1e9 truncated toward zero, plus quoteAsset. A flat position's pnl is its quoteAsset.
 */
export function unrealizedPnl(pos: PerpPositionState, oraclePrice: bigint): bigint {
  if (pos.base === 0n) return pos.quoteAsset;
  return (pos.base * oraclePrice) / BASE_PRECISION + pos.quoteAsset;
}

/** Funding accrued since the last settlement and not yet booked (SDK calculateUnsettledFundingPnl). */
export function unrealizedFundingPnl(pos: PerpPositionState, cumLong: bigint, cumShort: bigint): bigint {
  if (pos.base === 0n) return 0n;
  return fundingOwed(pos.base, pos.lastCumulativeFundingRate, rateForSide(pos.base, cumLong, cumShort));
}

/**
 * Drift's settle_pnl: moves the position's unrealized pnl into the USDC balance (quoteAsset −= pnl,
 * collateral += pnl). Settle funding first, as Drift does. Simplification: Drift caps positive pnl by what the
 * market's pnl pool can pay; the simulator's pool is unlimited.
 */
export function settlePnl(
  collateral: bigint,
  pos: PerpPositionState,
  oraclePrice: bigint,
): { collateral: bigint; pos: PerpPositionState; settled: bigint } {
  const pnl = unrealizedPnl(pos, oraclePrice);
  if (pnl === 0n) return { collateral, pos, settled: 0n };
  return { collateral: collateral + pnl, pos: { ...pos, quoteAsset: pos.quoteAsset - pnl }, settled: pnl };
}

/** An order was placed with `base` unfilled: Drift's increase_open_bids_and_asks plus the open-order count. */
export function trackOrderPlaced(pos: PerpPositionState, side: Side, base: bigint): PerpPositionState {
  return side === 'buy'
    ? { ...pos, openOrders: pos.openOrders + 1, openBids: pos.openBids + base }
    : { ...pos, openOrders: pos.openOrders + 1, openAsks: pos.openAsks - base };
}

/**
 * Some of an open order's unfilled `base` stopped being open (filled, or the rest cancelled):
 * Drift's decrease_open_bids_and_asks, clamped at zero as there. `closed` also drops the order from the count.
 */
export function trackOrderReduced(
  pos: PerpPositionState,
  side: Side,
  base: bigint,
  closed: boolean,
): PerpPositionState {
  const openOrders = closed ? Math.max(0, pos.openOrders - 1) : pos.openOrders;
  if (side === 'buy') {
    const b = pos.openBids - base;
    return { ...pos, openOrders, openBids: b > 0n ? b : 0n };
  }
  const a = pos.openAsks + base;
  return { ...pos, openOrders, openAsks: a < 0n ? a : 0n };
}

/** Entry price (PRICE) as the SDK's calculateEntryPrice: |quoteEntry × 1e9 / base|, 0 when flat. */
export function entryPrice(pos: PerpPositionState): bigint {
  if (pos.base === 0n) return 0n;
  return absBig((pos.quoteEntry * BASE_PRECISION) / pos.base);
}

/** True when Drift would consider the position slot free (no base, no quote, no open orders). */
export const isPositionEmpty = (pos: PerpPositionState): boolean =>
  pos.base === 0n && pos.quoteAsset === 0n && pos.openOrders === 0;
