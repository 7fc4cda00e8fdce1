/**
 * computeMargin and liquidationPrice (margin.ts) in doubles, with the same integers: every truncating step is
 * one of exact-doubles.ts, so a figure here is the BigInt path's figure or no figure at all (undefined / NaN,
 * and the simulator takes the BigInt path). The backtest asks for the margin on every bar, so the work is split:
 * planMargin does what depends on the account state only (once per state), marginAt and liquidationPriceAt
 * what depends on the oracles (once per bar).
 *
 * Exact where every input (collateral, base, open bids and asks, quote asset, unsettled funding, prices) and
 * every product's quotient is an integer below 2^48 in magnitude (about $281M in QUOTE), for at most 8
 * positions (Drift's limit per subaccount): then a figure is a sum of at most 26 such terms, below 2^53, where
 * doubles are exact. Anything beyond is NaN, which reaches the figures or the probe. margin-doubles.test.ts
 * compares both paths.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { bounded, exactNumber, floorDiv, floorMulDiv, truncMulDiv } from './exact-doubles.ts';
import { FiguresInDoubles } from './figures-in-doubles.ts';
import { type CumulativeFunding, type PerpPositionState, unrealizedFundingPnl } from './ledger.ts';
import type { MarginFigures } from './margin.ts';

/** Inputs and product quotients at or above this (in magnitude) take the BigInt path. */
const INPUT_LIMIT = 2 ** 48;
/** More positions than Drift allows per subaccount: the BigInt path (the sums' bound assumes at most 8). */
const MAX_POSITIONS = 8;

/** A term of a sum: itself when below INPUT_LIMIT, else NaN. */
export const term = (x: number): number => bounded(x, INPUT_LIMIT);
const BASE = 1e9;
const QUOTE = 1e6;
const MARGIN = 1e4;
const LEVERAGE = 1e4;
const OPEN_ORDER_MARGIN = QUOTE / 100;

/** margin.ts marginRatioFor in doubles: floor √(10·size + 1) exactly, then the same truncations. */
function ratioFor(ratio: number, imfFactor: number | undefined, sizeAbs: number): number {
  if (!imfFactor) return ratio;
  const n = sizeAbs * 10 + 1;
  if (!(n < 2 ** 52)) return Number.NaN;
  let root = Math.floor(Math.sqrt(n));
  // Math.sqrt is correctly rounded; the floor of it may still be one off near a square
  while (root * root > n) root--;
  while ((root + 1) * (root + 1) <= n) root++;
  const premium = ratio - floorDiv(ratio, 5) + term(floorMulDiv(root, imfFactor, 10_000_000));
  return premium > ratio || Number.isNaN(premium) ? premium : ratio;
}

/** |base| × price / 1e9, truncated (margin.ts liabilityValue). */
export const liability = (base: number, price: number): number =>
  term(floorMulDiv(Math.abs(base), price, BASE));

const isActive = (p: PerpPositionState): boolean =>
  p.base !== 0n || p.quoteAsset !== 0n || p.openOrders !== 0;

/** What these functions read of a market: the simulator's SimMarket has it all. */
export interface DoublesMarket {
  spec: MarketSpec;
  /** The oracle in USD, a float: its PRICE integer is priceInteger() of it (as the simulator's BigInt price). */
  oracleNum: number;
  cumulative: CumulativeFunding;
}

/** The PRICE integer of a float price (mark or oracle), as the simulator makes its exact prices (refreshPrices). */
export const priceInteger = (usd: number): number => Math.round(usd * 1e6);

/**
 * What the margin of one active position is made of, but its price: the integers as doubles and the margin
 * ratios each side's size asks for. A plan is made once per account state (collateral, ledger positions,
 * cumulative funding) and priced at each oracle: the oracle moves every bar, the state seldom, so the ratios'
 * square roots and the lookups of the position's integers happen once per state instead of once per bar.
 */
export interface PlannedPosition {
  marketIndex: number;
  /** Read for its oracle at each pricing (the simulator's market record, kept for the run). */
  market: DoublesMarket;
  base: number;
  quoteAsset: number;
  funding: number;
  /** The position with all its bids filled, and with all its asks filled. */
  allBids: number;
  allAsks: number;
  ordersMargin: number;
  /** Margin ratios (MARGIN) at the size of the bids' side and of the asks' side (margin.ts marginRatioFor). */
  initialBids: number;
  maintenanceBids: number;
  initialAsks: number;
  maintenanceAsks: number;
  /** Maintenance ratio at the position's own size (the liquidation price's). */
  maintenanceBase: number;
  /** How far the account's free collateral moves per PRICE unit of this market (liquidationPriceAt). */
  liquidationDelta: number;
  /** The oracle (float) marginAt last priced this position at, and its notional there: liquidationPriceAt's. */
  pricedOracle: number;
  pricedNotional: number;
}

/** An account's margin without its prices (planMargin); marginAt and liquidationPriceAt price it. */
export interface MarginPlan {
  deposit: number;
  borrow: number;
  /** Every position's unsettled funding, inactive ones too (the figures' unrealizedFundingPnl). */
  fundingPnl: number;
  /** NaN when an input is out of range: the part of the NaN probe that does not depend on the prices. */
  probe: number;
  active: PlannedPosition[];
  /** marginAt's total collateral and probe at the oracles its positions' `pricedOracle` say. */
  pricedCollateral: number;
  pricedProbe: number;
}

/** A subaccount's ledger positions by market index. */
type Positions = ReadonlyMap<number, PerpPositionState>;
/** Its markets by index. */
type MarketOf = (marketIndex: number) => DoublesMarket;

/** The plan of an account; undefined with more positions than the sums' bound allows (the BigInt path). */
export function planMargin(
  collateralQuote: bigint,
  positions: Positions,
  marketOf: MarketOf,
): MarginPlan | undefined {
  if (positions.size > MAX_POSITIONS) return undefined;
  const collateral = exactNumber(collateralQuote, INPUT_LIMIT);
  let fundingPnl = 0;
  // An input out of range is NaN and lands here; a product out of range lands in the pricing's probe.
  let probe = collateral;
  const active: PlannedPosition[] = [];
  for (const p of positions.values()) {
    const m = marketOf(p.marketIndex);
    // each integer as a double, NaN where out of range (made once per plan: the plan is the per-state cache)
    const funding = exactNumber(unrealizedFundingPnl(p, m.cumulative.long, m.cumulative.short), INPUT_LIMIT);
    fundingPnl += funding;
    probe += funding;
    if (!isActive(p)) continue;
    const base = exactNumber(p.base, INPUT_LIMIT);
    const quoteAsset = exactNumber(p.quoteAsset, INPUT_LIMIT);
    const openBids = exactNumber(p.openBids, INPUT_LIMIT);
    const openAsks = exactNumber(p.openAsks, INPUT_LIMIT);
    probe += base + quoteAsset + openBids + openAsks;
    const { marginRatioInitial, marginRatioMaintenance, imfFactor } = m.spec;
    const allBids = base + openBids;
    const allAsks = base + openAsks;
    const maintenanceBase = ratioFor(marginRatioMaintenance, imfFactor, Math.abs(base));
    active.push({
      marketIndex: p.marketIndex,
      market: m,
      base,
      quoteAsset,
      funding,
      allBids,
      allAsks,
      ordersMargin: p.openOrders * OPEN_ORDER_MARGIN,
      initialBids: ratioFor(marginRatioInitial, imfFactor, Math.abs(allBids)),
      maintenanceBids: ratioFor(marginRatioMaintenance, imfFactor, Math.abs(allBids)),
      initialAsks: ratioFor(marginRatioInitial, imfFactor, Math.abs(allAsks)),
      maintenanceAsks: ratioFor(marginRatioMaintenance, imfFactor, Math.abs(allAsks)),
      maintenanceBase,
      liquidationDelta: liquidationDeltaOf(base, maintenanceBase),
      pricedOracle: Number.NaN,
      pricedNotional: Number.NaN,
    });
  }
  return {
    deposit: collateral > 0 ? collateral : 0,
    borrow: collateral < 0 ? -collateral : 0,
    fundingPnl,
    probe,
    active,
    pricedCollateral: Number.NaN,
    pricedProbe: Number.NaN,
  };
}

/**
 * The change of free collateral per PRICE unit of a position's market (QUOTE): the pnl's base/1e9 less the
 * maintenance requirement's share, truncated as liquidationPrice (margin.ts) does.
 */
function liquidationDeltaOf(base: number, maintenanceRatio: number): number {
  // ratio × QUOTE / MARGIN is ratio × 100: exact
  const ratioQuote = maintenanceRatio * (QUOTE / MARGIN);
  return base > 0
    ? floorMulDiv(QUOTE - ratioQuote, base, BASE)
    : 0 - floorMulDiv(QUOTE + ratioQuote, -base, BASE);
}

/** Price pnl (truncated toward zero) plus the quote asset: ledger.ts unrealizedPnl. */
export const pricePnlOf = (x: PlannedPosition, price: number): number =>
  x.base === 0 ? x.quoteAsset : term(truncMulDiv(x.base, price, BASE)) + x.quoteAsset;

/**
 * pricePnlOf at a price ≥ 0 from the position's notional there (liability(base, price)): truncMulDiv(base, price)
 * is floorMulDiv(|base|, price) signed as the base, and `term` bounds both alike (NaN stays NaN).
 */
const pnlOfNotional = (x: PlannedPosition, notional: number): number =>
  x.base === 0 ? x.quoteAsset : (x.base < 0 ? 0 - notional : notional) + x.quoteAsset;

/**
 * computeMargin in doubles; undefined where it cannot promise the BigInt path's integers. The simulator's
 * markets carry Drift's default pnl weights (0% initial, 100% maintenance), which this assumes.
 */
export function marginInDoubles(
  collateralQuote: bigint,
  positions: Positions,
  marketOf: MarketOf,
): MarginFigures | undefined {
  const plan = planMargin(collateralQuote, positions, marketOf);
  return plan === undefined ? undefined : marginAt(plan);
}

/** marginInDoubles of a planned account, at its markets' oracles now. */
export function marginAt(plan: MarginPlan): MarginFigures | undefined {
  let initialTotalCollateral = plan.deposit;
  let totalCollateral = plan.deposit;
  let initialMarginRequirement = plan.borrow;
  let maintenanceMarginRequirement = plan.borrow;
  let pricePnl = 0;
  let pnlUnweighted = 0;
  let worstLiability = 0;
  let totalNotional = 0;
  // a product out of range is NaN, and a comparison would hide it: the probe keeps it
  let probe = plan.probe;
  const active = plan.active;
  for (let i = 0; i < active.length; i++) {
    const x = active[i];
    const price = priceInteger(x.market.oracleNum);
    const bidsValue = liability(x.allBids, price);
    const asksValue = liability(x.allAsks, price);
    probe += price + bidsValue + asksValue;
    // ties go to the asks, as in the SDK (margin.ts worstCaseBase)
    const asksWorse = asksValue >= bidsValue;
    const worstValue = asksWorse ? asksValue : bidsValue;
    initialMarginRequirement +=
      term(floorMulDiv(worstValue, asksWorse ? x.initialAsks : x.initialBids, MARGIN)) + x.ordersMargin;
    maintenanceMarginRequirement +=
      term(floorMulDiv(worstValue, asksWorse ? x.maintenanceAsks : x.maintenanceBids, MARGIN)) +
      x.ordersMargin;

    // |base| × price / 1e9 once: the notional, and signed the price pnl (truncMulDiv's quotient at a price ≥ 0)
    const notional = liability(x.base, price);
    const positionPnl = price >= 0 ? pnlOfNotional(x, notional) : pricePnlOf(x, price);
    const pnl = positionPnl + x.funding;
    // initial weight 0: positive pnl counts nothing, negative in full (DRIFT_DEFAULT_PNL_WEIGHTS)
    initialTotalCollateral += pnl > 0 ? 0 : pnl;
    totalCollateral += pnl;
    pricePnl += positionPnl;
    pnlUnweighted += pnl;
    worstLiability += worstValue;
    totalNotional += notional;
    // kept for liquidationPriceAt at these oracles (the backtest asks both every bar)
    x.pricedOracle = x.market.oracleNum;
    x.pricedNotional = notional;
  }
  plan.pricedCollateral = totalCollateral;
  plan.pricedProbe = probe;

  const fundingPnl = plan.fundingPnl;
  const netAssetValue = plan.deposit + pnlUnweighted - plan.borrow;
  const leverage = netAssetValue === 0 ? 0 : leverageOf(worstLiability + plan.borrow, netAssetValue);
  if (
    Number.isNaN(probe + totalCollateral + initialTotalCollateral + initialMarginRequirement) ||
    Number.isNaN(maintenanceMarginRequirement + pricePnl + fundingPnl + totalNotional + leverage)
  ) {
    return undefined;
  }
  return new FiguresInDoubles(
    totalCollateral,
    initialTotalCollateral,
    initialMarginRequirement,
    maintenanceMarginRequirement,
    pricePnl,
    fundingPnl,
    totalNotional,
    leverage,
  );
}

/** (liability + borrow) × 1e4 / net asset value, truncated toward zero (the SDK's leverage). */
function leverageOf(numerator: number, netAssetValue: number): number {
  const q = floorMulDiv(numerator, LEVERAGE, Math.abs(netAssetValue));
  // 0 − q, not −q: a zero stays +0, as Number(0n) is
  return netAssetValue < 0 ? 0 - q : q;
}

/**
 * liquidationPrice in doubles: the price (PRICE) as a double, −1 where the BigInt path says undefined, NaN where
 * it cannot promise the BigInt path's integer.
 */
export function liquidationPriceInDoubles(
  collateralQuote: bigint,
  positions: Positions,
  marketOf: MarketOf,
  marketIndex: number,
): number {
  const plan = planMargin(collateralQuote, positions, marketOf);
  if (plan !== undefined) return liquidationPriceAt(plan, marketIndex);
  // more positions than the sums' bound: no position in the market is still an answer
  for (const p of positions.values()) {
    if (p.marketIndex === marketIndex && isActive(p)) return p.base === 0n ? -1 : Number.NaN;
  }
  return -1;
}

/**
 * liquidationPriceInDoubles of a planned account, at its markets' oracles now. Where marginAt last priced the
 * plan at these oracles, its total collateral and notionals are taken instead of computed again: the same
 * integers (its probe also holds the requirement's values, so it is NaN at least as often).
 */
export function liquidationPriceAt(plan: MarginPlan, marketIndex: number): number {
  let pos: PlannedPosition | undefined;
  let priced = true;
  for (const x of plan.active) {
    if (x.marketIndex === marketIndex) pos = x;
    if (x.pricedOracle !== x.market.oracleNum) priced = false;
  }
  if (pos === undefined || pos.base === 0) return -1;
  let totalCollateral: number;
  let requirement = plan.borrow;
  let probe: number;
  if (priced) {
    totalCollateral = plan.pricedCollateral;
    probe = plan.pricedProbe;
    for (const x of plan.active) {
      requirement += term(floorMulDiv(x.pricedNotional, x.maintenanceBase, MARGIN));
    }
  } else {
    totalCollateral = plan.deposit;
    probe = plan.probe;
    for (const x of plan.active) {
      const px = priceInteger(x.market.oracleNum);
      probe += px;
      // maintenance weight 100%: the pnl with funding in full
      totalCollateral += pricePnlOf(x, px) + x.funding;
      requirement += term(floorMulDiv(liability(x.base, px), x.maintenanceBase, MARGIN));
    }
  }
  const price = priceInteger(pos.market.oracleNum);
  const free = totalCollateral > requirement ? totalCollateral - requirement : 0;
  const delta = pos.liquidationDelta;
  if (Number.isNaN(probe + totalCollateral + requirement + delta + price)) return Number.NaN;
  if (delta === 0) return -1;
  const move = floorMulDiv(free, QUOTE, Math.abs(delta));
  const liq = price - (delta < 0 ? 0 - move : move);
  if (Number.isNaN(liq)) return Number.NaN;
  return liq < 0 ? -1 : liq;
}
