/**
 * Cross-margin figures for one subaccount, computed the way Drift computes them: total and free collateral,
 * initial and maintenance requirement (including open orders), leverage, health and liquidation price.
 * Integer maths in QUOTE precision with truncation toward zero, as BN.js and Rust do; the parity suite in
 * src/venue/drift/offline/ checks every figure against @drift-labs/sdk's `User`.
 *
 * Sources: @drift-labs/sdk 2.156 lib/node/user.js (`getMarginCalculation`, `getHealth`, `getLeverageComponents`,
 * `calculateLeverageFromComponents`, `liquidationPrice`, `calculateFreeCollateralDeltaForPerp`),
 * lib/node/math/margin.js (`calculateWorstCasePerpLiabilityValue`, `calculatePerpLiabilityValue`),
 * lib/node/math/market.js (`calculateMarketMarginRatio`, `calculateUnrealizedAssetWeight`),
 * numericConstants.js (OPEN_ORDER_MARGIN_REQUIREMENT = QUOTE/100); protocol-v2
 * programs/drift/src/instructions/admin.rs `initialize_perp_market` for the default pnl asset weights.
 * Modelled exactly and simplified parts: docs/margin.md.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { BASE_PRECISION, MARGIN_PRECISION, QUOTE_PRECISION } from '../../domain/precision.ts';
import {
  type CumulativeFunding,
  type PerpPositionState,
  unrealizedFundingPnl,
  unrealizedPnl,
} from './ledger.ts';

/** Drift charges $0.01 of margin per open order (OPEN_ORDER_MARGIN_REQUIREMENT). */
export const OPEN_ORDER_MARGIN_REQUIREMENT = QUOTE_PRECISION / 100n;
/** Asset weights are in SPOT_MARKET_WEIGHT_PRECISION (1e4 = 100%). */
const WEIGHT_PRECISION = 10_000n;
/** Leverage is returned by the SDK in TEN_THOUSAND precision. */
const LEVERAGE_PRECISION = 10_000n;
/**
 * The program caps each position's weighted positive pnl counted for initial margin at $100 (protocol-v2
 * programs/drift/src/math/margin.rs `calculate_perp_position_value_and_pnl`, MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN
 * in math/constants.rs). SDK 2.156's getMarginCalculation omits it; the program decides.
 */
export const MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN = 100n * QUOTE_PRECISION;

/** Floor integer square root (the SDK's squareRootBN, Rust's `sqrt` on u128). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/**
 * Drift's size premium: the margin ratio of a position of |size| (BASE) is max(ratio, ratio × 4/5 +
 * √(10·|size| + 1) × imf / 1e7) — SDK math/margin.js `calculateSizePremiumLiabilityWeight` (bounded) as used by
 * math/market.js `calculateMarketMarginRatio`; protocol-v2 PerpMarket::get_margin_ratio. imf 0: the plain ratio.
 */
export function marginRatioFor(ratio: number, imfFactor: number | undefined, sizeAbs: bigint): number {
  if (!imfFactor) return ratio;
  const r = BigInt(ratio);
  const premium = r - r / 5n + (isqrt(sizeAbs * 10n + 1n) * BigInt(imfFactor)) / 10_000_000n;
  return Number(premium > r ? premium : r);
}

/**
 * How positive unrealized pnl counts as collateral. Drift's protocol default (initialize_perp_market):
 * 0% for initial margin, 100% for maintenance; negative pnl always counts in full.
 */
export interface PnlAssetWeights {
  /** SPOT_MARKET_WEIGHT_PRECISION (1e4 = 100%). */
  initial: number;
  maintenance: number;
}

export const DRIFT_DEFAULT_PNL_WEIGHTS: Readonly<PnlAssetWeights> = Object.freeze({
  initial: 0,
  maintenance: 10_000,
});

export interface MarginInputs {
  /** USDC spot balance, QUOTE; negative means a USDC borrow. */
  collateral: bigint;
  positions: PerpPositionState[];
  /** Oracle price, PRICE precision. */
  oraclePrice(marketIndex: number): bigint;
  market(marketIndex: number): MarketSpec;
  cumulativeFunding(marketIndex: number): CumulativeFunding;
  /** Per-market pnl asset weights; DRIFT_DEFAULT_PNL_WEIGHTS when absent. */
  pnlWeights?(marketIndex: number): PnlAssetWeights;
}

export interface MarginFigures {
  /** Maintenance-weighted total collateral (what health and liquidation compare), QUOTE. */
  totalCollateral: bigint;
  /** Initial-weighted total collateral (the SDK's getTotalCollateral() default), QUOTE. */
  initialTotalCollateral: bigint;
  /** max(0, initialTotalCollateral − initialMarginRequirement) = SDK getFreeCollateral(), QUOTE. */
  freeCollateral: bigint;
  initialMarginRequirement: bigint;
  maintenanceMarginRequirement: bigint;
  /** Σ price pnl vs oracle, funding excluded (SDK getUnrealizedPNL(false)), QUOTE. */
  unrealizedPnl: bigint;
  /** Σ funding accrued and not yet settled (SDK getUnrealizedFundingPNL()), QUOTE. */
  unrealizedFundingPnl: bigint;
  /** Σ |base| × oracle of the positions (open orders not included), QUOTE. */
  totalNotional: bigint;
  /** SDK getLeverage() exactly, in TEN_THOUSAND precision (50_000 = 5x); worst case incl. open orders. */
  leverageTenThousandths: bigint;
  /** leverageTenThousandths / 1e4. */
  leverage: number;
  /** SDK getHealth(): 0..100 integer. */
  health: number;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** |base| × price / 1e9, truncated (calculatePerpLiabilityValue for a non-prediction market). */
export function liabilityValue(base: bigint, price: bigint): bigint {
  return (abs(base) * price) / BASE_PRECISION;
}

/** Worst case of (base + open bids, base + open asks); ties go to the asks, as in the SDK. */
export function worstCaseBase(pos: PerpPositionState, price: bigint): { base: bigint; liability: bigint } {
  const allBids = pos.base + pos.openBids;
  const allAsks = pos.base + pos.openAsks;
  const bidsValue = liabilityValue(allBids, price);
  const asksValue = liabilityValue(allAsks, price);
  return asksValue >= bidsValue
    ? { base: allAsks, liability: asksValue }
    : { base: allBids, liability: bidsValue };
}

/** Drift's active-position filter (getActivePerpPositions): base, quote or open orders. */
const isActive = (p: PerpPositionState): boolean =>
  p.base !== 0n || p.quoteAsset !== 0n || p.openOrders !== 0;

/** Price pnl plus unsettled funding (SDK calculatePositionPNL withFunding=true). */
function pnlWithFunding(inputs: MarginInputs, p: PerpPositionState): bigint {
  const f = inputs.cumulativeFunding(p.marketIndex);
  return unrealizedPnl(p, inputs.oraclePrice(p.marketIndex)) + unrealizedFundingPnl(p, f.long, f.short);
}

/** Positive pnl times its asset weight (truncated); negative pnl in full. */
const weighted = (pnl: bigint, weight: number): bigint =>
  pnl > 0n ? (pnl * BigInt(weight)) / WEIGHT_PRECISION : pnl;

/** Maintenance requirement of one position's base alone (open orders excluded), size premium included. */
function baseRequirement(p: PerpPositionState, price: bigint, spec: MarketSpec): bigint {
  const ratio = marginRatioFor(spec.marginRatioMaintenance, spec.imfFactor, abs(p.base));
  return (liabilityValue(p.base, price) * BigInt(ratio)) / MARGIN_PRECISION;
}

/** SDK getHealth: round(clamp((1 − req/tc) × 100, 0, 100)) in floats, with its two special cases. */
export function healthOf(totalCollateral: bigint, maintenanceRequirement: bigint): number {
  if (maintenanceRequirement === 0n && totalCollateral >= 0n) return 100;
  if (totalCollateral <= 0n) return 0;
  const h = (1 - Number(maintenanceRequirement) / Number(totalCollateral)) * 100;
  return Math.round(Math.min(100, Math.max(0, h)));
}

export function computeMargin(inputs: MarginInputs): MarginFigures {
  const deposit = inputs.collateral > 0n ? inputs.collateral : 0n;
  // A USDC borrow is a liability (weight 100%): it adds to the requirements instead of reducing collateral.
  const borrow = inputs.collateral < 0n ? -inputs.collateral : 0n;

  let initialTotalCollateral = deposit;
  let totalCollateral = deposit;
  let initialMarginRequirement = borrow;
  let maintenanceMarginRequirement = borrow;
  let pricePnl = 0n;
  let fundingPnl = 0n;
  let pnlUnweighted = 0n;
  let worstLiability = 0n;
  let totalNotional = 0n;

  for (const p of inputs.positions) {
    const f = inputs.cumulativeFunding(p.marketIndex);
    const funding = unrealizedFundingPnl(p, f.long, f.short);
    fundingPnl += funding;
    if (!isActive(p)) continue;
    const spec = inputs.market(p.marketIndex);
    const price = inputs.oraclePrice(p.marketIndex);
    const weights = inputs.pnlWeights?.(p.marketIndex) ?? DRIFT_DEFAULT_PNL_WEIGHTS;

    // The worst-case liability, price pnl and funding pnl are each computed once and shared by the figures
    // below (the same integers positionRequirement and pnlWithFunding give): this runs on every backtest bar,
    // and every bigint operation allocates.
    const worst = worstCaseBase(p, price);
    const liability = worst.liability;
    const size = abs(worst.base);
    const ordersMargin = BigInt(p.openOrders) * OPEN_ORDER_MARGIN_REQUIREMENT;
    initialMarginRequirement +=
      (liability * BigInt(marginRatioFor(spec.marginRatioInitial, spec.imfFactor, size))) / MARGIN_PRECISION +
      ordersMargin;
    maintenanceMarginRequirement +=
      (liability * BigInt(marginRatioFor(spec.marginRatioMaintenance, spec.imfFactor, size))) /
        MARGIN_PRECISION +
      ordersMargin;

    const positionPnl = unrealizedPnl(p, price);
    const pnl = positionPnl + funding;
    const initialPnl = weighted(pnl, weights.initial);
    initialTotalCollateral +=
      initialPnl > MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN ? MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN : initialPnl;
    totalCollateral += weighted(pnl, weights.maintenance);

    pricePnl += positionPnl;
    pnlUnweighted += pnl;
    worstLiability += liability;
    totalNotional += liabilityValue(p.base, price);
  }

  // SDK calculateLeverageFromComponents: (perp liability + spot liability) / (spot assets + perp pnl − spot liability)
  const netAssetValue = deposit + pnlUnweighted - borrow;
  const leverageTenThousandths =
    netAssetValue === 0n ? 0n : ((worstLiability + borrow) * LEVERAGE_PRECISION) / netAssetValue;
  const free = initialTotalCollateral - initialMarginRequirement;

  return {
    totalCollateral,
    initialTotalCollateral,
    freeCollateral: free > 0n ? free : 0n,
    initialMarginRequirement,
    maintenanceMarginRequirement,
    unrealizedPnl: pricePnl,
    unrealizedFundingPnl: fundingPnl,
    totalNotional,
    leverageTenThousandths,
    leverage: Number(leverageTenThousandths) / Number(LEVERAGE_PRECISION),
    health: healthOf(totalCollateral, maintenanceMarginRequirement),
  };
}

/**
 * The oracle price (PRICE) at which the account would reach its maintenance requirement if only this market's
 * price moved, as SDK User.liquidationPrice(marketIndex) with its defaults (maintenance, open orders excluded):
 * oracle − max(0, TC − MR) × 1e6 / Δ, where Δ is the free-collateral change per unit of price
 * ((1 − mmr) × base for a long, (−1 − mmr) × |base| for a short). Undefined where the SDK returns −1:
 * no position in the market, Δ = 0, or a price below zero.
 */
export function liquidationPrice(inputs: MarginInputs, marketIndex: number): bigint | undefined {
  const pos = inputs.positions.find((p) => p.marketIndex === marketIndex && isActive(p));
  if (!pos || pos.base === 0n) return undefined;

  let totalCollateral = inputs.collateral > 0n ? inputs.collateral : 0n;
  let requirement = inputs.collateral < 0n ? -inputs.collateral : 0n;
  for (const p of inputs.positions) {
    if (!isActive(p)) continue;
    const weights = inputs.pnlWeights?.(p.marketIndex) ?? DRIFT_DEFAULT_PNL_WEIGHTS;
    totalCollateral += weighted(pnlWithFunding(inputs, p), weights.maintenance);
    requirement += baseRequirement(p, inputs.oraclePrice(p.marketIndex), inputs.market(p.marketIndex));
  }
  const free = totalCollateral > requirement ? totalCollateral - requirement : 0n;

  const spec = inputs.market(marketIndex);
  const ratio = marginRatioFor(spec.marginRatioMaintenance, spec.imfFactor, abs(pos.base));
  const ratioQuote = (BigInt(ratio) * QUOTE_PRECISION) / MARGIN_PRECISION;
  const delta =
    pos.base > 0n
      ? ((QUOTE_PRECISION - ratioQuote) * pos.base) / BASE_PRECISION
      : ((-QUOTE_PRECISION - ratioQuote) * -pos.base) / BASE_PRECISION;
  if (delta === 0n) return undefined;
  const liq = inputs.oraclePrice(marketIndex) - (free * QUOTE_PRECISION) / delta;
  return liq < 0n ? undefined : liq;
}

/**
 * Whether an account being liquidated may leave that status: maintenance total collateral, with every
 * negative pnl counted (1 + buffer) times, at least the maintenance requirement plus buffer × each liability
 * (protocol-v2 MarginCalculation::can_exit_liquidation, the SDK's `meetsMarginRequirementWithBuffer` over
 * getMarginCalculation('Maintenance', {liquidationBufferMap})). `bufferRatio` is the exchange's
 * liquidation_margin_buffer_ratio (MARGIN precision: 200 = 2%).
 */
export function meetsMaintenanceWithBuffer(inputs: MarginInputs, bufferRatio: number): boolean {
  const buffer = BigInt(bufferRatio);
  const deposit = inputs.collateral > 0n ? inputs.collateral : 0n;
  const borrow = inputs.collateral < 0n ? -inputs.collateral : 0n;
  let collateral = deposit;
  let collateralBuffer = 0n;
  let requirement = borrow + (borrow * buffer) / MARGIN_PRECISION;
  for (const p of inputs.positions) {
    if (!isActive(p)) continue;
    const spec = inputs.market(p.marketIndex);
    const price = inputs.oraclePrice(p.marketIndex);
    const weights = inputs.pnlWeights?.(p.marketIndex) ?? DRIFT_DEFAULT_PNL_WEIGHTS;
    const worst = worstCaseBase(p, price);
    const ratio = marginRatioFor(spec.marginRatioMaintenance, spec.imfFactor, abs(worst.base));
    requirement +=
      (worst.liability * BigInt(ratio)) / MARGIN_PRECISION +
      BigInt(p.openOrders) * OPEN_ORDER_MARGIN_REQUIREMENT +
      (worst.liability * buffer) / MARGIN_PRECISION;
    const pnl = weighted(pnlWithFunding(inputs, p), weights.maintenance);
    collateral += pnl;
    if (pnl < 0n) collateralBuffer += (pnl * buffer) / MARGIN_PRECISION;
  }
  return collateral + collateralBuffer >= requirement;
}

/** Drift liquidates when maintenance total collateral is below the maintenance requirement (open orders included). */
export function isLiquidatable(f: MarginFigures): boolean {
  return f.totalCollateral < f.maintenanceMarginRequirement;
}
