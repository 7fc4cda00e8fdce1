/**
 * The oracle prices at which an account holding one position cannot be liquidatable, computed once per account
 * state, so the simulator's per-bar liquidation check (exchange.ts) compares a price instead of estimating the
 * margin at each of the bar's oracle points (issue 17).
 *
 * Drift's check is total collateral < maintenance requirement (margin.ts isLiquidatable). With the collateral,
 * the position and the market's cumulative funding fixed, both are functions of the oracle's PRICE integer P
 * (margin.ts computeMargin, Drift's default pnl weights: the maintenance weight is 100%):
 *
 *   TC(P)  = deposit + trunc(base·P / 1e9) + quoteAsset + funding
 *   MMR(P) = borrow + floor(floor(|side|·P / 1e9) · r_side / 1e4) + openOrders · 0.01 USDC
 *
 * where side is the worst case (all bids or all asks filled) and r_side its margin ratio, fixed by the side's
 * size. Since trunc(x) > x − 1 and floor(floor(|side|·P/1e9)·r/1e4) ≤ |side|·r·P/1e13 ≤ K·P/1e13, with K the
 * larger of |allBids|·r_bids and |allAsks|·r_asks (P ≥ 0):
 *
 *   TC(P) − MMR(P) > D − 1 + S·P / 1e13,   D = deposit − borrow + quoteAsset + funding − ordersMargin,
 *                                          S = 1e4·base − K.
 *
 * Wherever D·1e13 + S·P ≥ 0 the right side is ≥ −1, so the integer TC − MMR is ≥ 0: not liquidatable. That set
 * is a half-line of P (or all or none of it), found here in BigInt. An inactive position (margin.ts isActive:
 * no base, quote or orders) adds no requirement and no pnl, and this bound only subtracts more: still a bound.
 * liquidation-bound.test.ts checks it against computeMargin on random accounts and prices.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { type CumulativeFunding, type PerpPositionState, unrealizedFundingPnl } from './ledger.ts';
import { marginRatioFor, OPEN_ORDER_MARGIN_REQUIREMENT } from './margin.ts';
import { priceInteger } from './margin-doubles.ts';
import type { SimMarket, SimSubaccount } from './state.ts';

/** The PRICE integers [lo, hi] at which the state it was made for is not liquidatable (lo > hi: none). */
export interface LiquidationBound {
  /** The state it holds for: the collateral, the ledger position (replaced on every change) and the funding. */
  collateral: bigint;
  position: PerpPositionState;
  cumulative: CumulativeFunding;
  lo: number;
  hi: number;
}

/** 1e4 (ratio precision) × 1e9 (base precision): the bound's scale. */
const SCALE = 10_000_000_000_000n;
/** A PRICE integer beyond every price the simulator makes exactly (priceInteger of a double). */
const PRICE_CAP = 2 ** 53;

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** The bound of an account whose only position is `pos`, in a market of `spec` with cumulative funding `cumulative`. */
export function liquidationBoundOf(
  collateral: bigint,
  pos: PerpPositionState,
  spec: MarketSpec,
  cumulative: CumulativeFunding,
): LiquidationBound {
  const { marginRatioMaintenance: ratio, imfFactor } = spec;
  const allBids = abs(pos.base + pos.openBids);
  const allAsks = abs(pos.base + pos.openAsks);
  const bidsK = allBids * BigInt(marginRatioFor(ratio, imfFactor, allBids));
  const asksK = allAsks * BigInt(marginRatioFor(ratio, imfFactor, allAsks));
  const k = bidsK > asksK ? bidsK : asksK;
  const funding = unrealizedFundingPnl(pos, cumulative.long, cumulative.short);
  const d = collateral + pos.quoteAsset + funding - BigInt(pos.openOrders) * OPEN_ORDER_MARGIN_REQUIREMENT;
  const s = 10_000n * pos.base - k;
  const bound = { collateral, position: pos, cumulative, lo: 0, hi: PRICE_CAP };
  const n = d * SCALE; // D·1e13 + S·P ≥ 0
  if (s > 0n) {
    // P ≥ ceil(−n / s); BigInt division truncates toward zero, which is the ceiling for a negative quotient
    const lo = n >= 0n ? 0n : (-n + s - 1n) / s;
    bound.lo = lo > BigInt(PRICE_CAP) ? Number.POSITIVE_INFINITY : Number(lo);
  } else if (n < 0n) {
    bound.lo = Number.POSITIVE_INFINITY;
    bound.hi = Number.NEGATIVE_INFINITY;
  } else if (s < 0n) {
    // P ≤ floor(n / −s), n ≥ 0
    const hi = n / -s;
    if (hi < BigInt(PRICE_CAP)) bound.hi = Number(hi);
  }
  return bound;
}

/**
 * Whether no holder of market `m` can be liquidatable at any of the oracle points `path[0 … n−1]` (USD), the
 * other markets' oracles as they are: each holds one position and the PRICE integers of the points (as the exact
 * check makes them, priceInteger) all lie in its bound. False when it cannot tell, and the full check must run.
 */
export function holdersSafeAlong(m: SimMarket, path: readonly number[], n: number): boolean {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const p = priceInteger(path[k]);
    if (Number.isNaN(p)) return false;
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  const holders = m.holders;
  for (let i = 0; i < holders.length; i++) if (!safeFromLiquidation(holders[i], m, lo, hi)) return false;
  return true;
}

/**
 * Whether `sub` is certainly not liquidatable with market `m`'s oracle anywhere in the PRICE integers
 * [lo, hi]: false when it cannot tell (more than one position, or prices outside the bound). The bound is kept
 * on the subaccount and made again when its state changed.
 */
export function safeFromLiquidation(sub: SimSubaccount, m: SimMarket, lo: number, hi: number): boolean {
  if (sub.positions.size !== 1) return false;
  const pos = sub.positions.get(m.spec.marketIndex);
  if (pos === undefined) return false;
  let b = sub.liquidationBound;
  if (
    b === undefined ||
    b.position !== pos ||
    b.cumulative !== m.cumulative ||
    b.collateral !== sub.collateral
  ) {
    b = liquidationBoundOf(sub.collateral, pos, m.spec, m.cumulative);
    sub.liquidationBound = b;
  }
  return lo >= b.lo && hi <= b.hi;
}
