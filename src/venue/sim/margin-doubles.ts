/**
 * computeMargin and liquidationPrice (margin.ts) in doubles, with the same integers: every truncating step is
 * one of exact-doubles.ts, so a figure here is the BigInt path's figure or no figure at all (undefined / NaN,
 * and the simulator takes the BigInt path). The backtest asks for the margin on every bar.
 *
 * Exact where every input (collateral, base, open bids and asks, quote asset, unsettled funding, prices) and
 * every product's quotient is an integer below 2^48 in magnitude (about $281M in QUOTE), for at most 8
 * positions (Drift's limit per subaccount): then a figure is a sum of at most 26 such terms, below 2^53, where
 * doubles are exact. Anything beyond is NaN, which reaches the figures or the probe. margin-doubles.test.ts
 * compares both paths.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { bounded, exactNumber, floorDiv, floorMulDiv, truncMulDiv } from './exact-doubles.ts';
import { type CumulativeFunding, type PerpPositionState, unrealizedFundingPnl } from './ledger.ts';
import type { MarginFigures } from './margin.ts';

/** Inputs and product quotients at or above this (in magnitude) take the BigInt path. */
const INPUT_LIMIT = 2 ** 48;
/** More positions than Drift allows per subaccount: the BigInt path (the sums' bound assumes at most 8). */
const MAX_POSITIONS = 8;

/** A term of a sum: itself when below INPUT_LIMIT, else NaN. */
const term = (x: number): number => bounded(x, INPUT_LIMIT);
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
const liability = (base: number, price: number): number => term(floorMulDiv(Math.abs(base), price, BASE));

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

/** One position's integers as doubles, NaN where one is out of range. */
interface PositionNumbers {
  base: number;
  quoteAsset: number;
  openBids: number;
  openAsks: number;
  /** Unsettled funding at `fundingAt` (the market's cumulative funding record, replaced when it moves). */
  funding: number;
  fundingAt: CumulativeFunding | undefined;
}

/**
 * Each ledger state's integers as doubles, made once: the ledger replaces a position on every change and never
 * mutates one, and a BigInt → double conversion costs about as much as the margin arithmetic it feeds.
 */
const numbersByState = new WeakMap<PerpPositionState, PositionNumbers>();

function numbersOf(p: PerpPositionState, cumulative: CumulativeFunding): PositionNumbers {
  let n = numbersByState.get(p);
  if (n === undefined) {
    n = {
      base: exactNumber(p.base, INPUT_LIMIT),
      quoteAsset: exactNumber(p.quoteAsset, INPUT_LIMIT),
      openBids: exactNumber(p.openBids, INPUT_LIMIT),
      openAsks: exactNumber(p.openAsks, INPUT_LIMIT),
      funding: 0,
      fundingAt: undefined,
    };
    numbersByState.set(p, n);
  }
  if (n.fundingAt !== cumulative) {
    n.funding = exactNumber(unrealizedFundingPnl(p, cumulative.long, cumulative.short), INPUT_LIMIT);
    n.fundingAt = cumulative;
  }
  return n;
}

/** Price pnl (truncated toward zero) plus the quote asset: ledger.ts unrealizedPnl. */
const pricePnlOf = (x: PositionNumbers, price: number): number =>
  x.base === 0 ? x.quoteAsset : term(truncMulDiv(x.base, price, BASE)) + x.quoteAsset;

/** An input's contribution to the NaN probe (see below). */
const probeOf = (x: PositionNumbers, price: number): number =>
  x.base + x.quoteAsset + x.openBids + x.openAsks + x.funding + price;

/** A subaccount's ledger positions by market index. */
type Positions = ReadonlyMap<number, PerpPositionState>;
/** Its markets by index. */
type MarketOf = (marketIndex: number) => DoublesMarket;

/**
 * computeMargin in doubles; undefined where it cannot promise the BigInt path's integers. The simulator's
 * markets carry Drift's default pnl weights (0% initial, 100% maintenance), which this assumes.
 */
export function marginInDoubles(
  collateralQuote: bigint,
  positions: Positions,
  marketOf: MarketOf,
): MarginFigures | undefined {
  if (positions.size > MAX_POSITIONS) return undefined;
  const collateral = exactNumber(collateralQuote, INPUT_LIMIT);
  const deposit = collateral > 0 ? collateral : 0;
  const borrow = collateral < 0 ? -collateral : 0;
  let initialTotalCollateral = deposit;
  let totalCollateral = deposit;
  let initialMarginRequirement = borrow;
  let maintenanceMarginRequirement = borrow;
  let pricePnl = 0;
  let fundingPnl = 0;
  let pnlUnweighted = 0;
  let worstLiability = 0;
  let totalNotional = 0;
  // Any input out of range is NaN and lands here; a comparison would otherwise hide it (a product out of range
  // is NaN too, and reaches one of the figures checked below).
  let probe = collateral;

  for (const p of positions.values()) {
    const m = marketOf(p.marketIndex);
    const x = numbersOf(p, m.cumulative);
    fundingPnl += x.funding;
    probe += x.funding;
    if (!isActive(p)) continue;
    const price = priceInteger(m.oracleNum);
    probe += probeOf(x, price);
    const spec = m.spec;
    const allBids = x.base + x.openBids;
    const allAsks = x.base + x.openAsks;
    const bidsValue = liability(allBids, price);
    const asksValue = liability(allAsks, price);
    // the comparison would hide a NaN: the probe keeps it
    probe += bidsValue + asksValue;
    // ties go to the asks, as in the SDK (margin.ts worstCaseBase)
    const asksWorse = asksValue >= bidsValue;
    const worstValue = asksWorse ? asksValue : bidsValue;
    const size = Math.abs(asksWorse ? allAsks : allBids);
    const ordersMargin = p.openOrders * OPEN_ORDER_MARGIN;
    initialMarginRequirement +=
      term(floorMulDiv(worstValue, ratioFor(spec.marginRatioInitial, spec.imfFactor, size), MARGIN)) +
      ordersMargin;
    maintenanceMarginRequirement +=
      term(floorMulDiv(worstValue, ratioFor(spec.marginRatioMaintenance, spec.imfFactor, size), MARGIN)) +
      ordersMargin;

    const positionPnl = pricePnlOf(x, price);
    const pnl = positionPnl + x.funding;
    // initial weight 0: positive pnl counts nothing, negative in full (DRIFT_DEFAULT_PNL_WEIGHTS)
    initialTotalCollateral += pnl > 0 ? 0 : pnl;
    totalCollateral += pnl;
    pricePnl += positionPnl;
    pnlUnweighted += pnl;
    worstLiability += worstValue;
    totalNotional += liability(x.base, price);
  }

  const netAssetValue = deposit + pnlUnweighted - borrow;
  const leverage = netAssetValue === 0 ? 0 : leverageOf(worstLiability + borrow, netAssetValue);
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
 * MarginFigures whose integers are made into BigInts when first read: a reader of the account on every bar
 * mostly wants the leverage and health (numbers) and a few of the integers.
 */
class FiguresInDoubles implements MarginFigures {
  readonly leverage: number;
  readonly health: number;
  readonly #tc: number;
  readonly #itc: number;
  readonly #imr: number;
  readonly #mmr: number;
  readonly #pnl: number;
  readonly #funding: number;
  readonly #notional: number;
  readonly #lev: number;
  #totalCollateral: bigint | undefined;
  #initialTotalCollateral: bigint | undefined;
  #freeCollateral: bigint | undefined;
  #initialMarginRequirement: bigint | undefined;
  #maintenanceMarginRequirement: bigint | undefined;

  constructor(
    tc: number,
    itc: number,
    imr: number,
    mmr: number,
    pnl: number,
    funding: number,
    notional: number,
    lev: number,
  ) {
    this.#tc = tc;
    this.#itc = itc;
    this.#imr = imr;
    this.#mmr = mmr;
    this.#pnl = pnl;
    this.#funding = funding;
    this.#notional = notional;
    this.#lev = lev;
    this.leverage = lev / LEVERAGE;
    this.health = healthInDoubles(tc, mmr);
  }

  get totalCollateral(): bigint {
    this.#totalCollateral ??= BigInt(this.#tc);
    return this.#totalCollateral;
  }
  get initialTotalCollateral(): bigint {
    this.#initialTotalCollateral ??= BigInt(this.#itc);
    return this.#initialTotalCollateral;
  }
  get freeCollateral(): bigint {
    const free = this.#itc - this.#imr;
    this.#freeCollateral ??= BigInt(free > 0 ? free : 0);
    return this.#freeCollateral;
  }
  get initialMarginRequirement(): bigint {
    this.#initialMarginRequirement ??= BigInt(this.#imr);
    return this.#initialMarginRequirement;
  }
  get maintenanceMarginRequirement(): bigint {
    this.#maintenanceMarginRequirement ??= BigInt(this.#mmr);
    return this.#maintenanceMarginRequirement;
  }
  // rarely read: made at each read
  get unrealizedPnl(): bigint {
    return BigInt(this.#pnl);
  }
  get unrealizedFundingPnl(): bigint {
    return BigInt(this.#funding);
  }
  get totalNotional(): bigint {
    return BigInt(this.#notional);
  }
  get leverageTenThousandths(): bigint {
    return BigInt(this.#lev);
  }

  /** Every figure as a plain object (what computeMargin returns), for comparisons and logs. */
  toJSON(): MarginFigures {
    return {
      totalCollateral: this.totalCollateral,
      initialTotalCollateral: this.initialTotalCollateral,
      freeCollateral: this.freeCollateral,
      initialMarginRequirement: this.initialMarginRequirement,
      maintenanceMarginRequirement: this.maintenanceMarginRequirement,
      unrealizedPnl: this.unrealizedPnl,
      unrealizedFundingPnl: this.unrealizedFundingPnl,
      totalNotional: this.totalNotional,
      leverageTenThousandths: this.leverageTenThousandths,
      leverage: this.leverage,
      health: this.health,
    };
  }
}

/** margin.ts healthOf on the same integers (Number of an exact BigInt is the double itself). */
function healthInDoubles(totalCollateral: number, maintenanceRequirement: number): number {
  if (maintenanceRequirement === 0 && totalCollateral >= 0) return 100;
  if (totalCollateral <= 0) return 0;
  const h = (1 - maintenanceRequirement / totalCollateral) * 100;
  return Math.round(Math.min(100, Math.max(0, h)));
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
  let pos: PerpPositionState | undefined;
  for (const p of positions.values()) {
    if (p.marketIndex === marketIndex && isActive(p)) {
      pos = p;
      break;
    }
  }
  if (!pos || pos.base === 0n) return -1;
  if (positions.size > MAX_POSITIONS) return Number.NaN;
  const collateral = exactNumber(collateralQuote, INPUT_LIMIT);
  let totalCollateral = collateral > 0 ? collateral : 0;
  let requirement = collateral < 0 ? -collateral : 0;
  let probe = collateral;
  let price = Number.NaN;
  let base = Number.NaN;
  for (const p of positions.values()) {
    if (!isActive(p)) continue;
    const m = marketOf(p.marketIndex);
    const x = numbersOf(p, m.cumulative);
    const px = priceInteger(m.oracleNum);
    probe += probeOf(x, px);
    // maintenance weight 100%: the pnl with funding in full
    totalCollateral += pricePnlOf(x, px) + x.funding;
    const ratio = ratioFor(m.spec.marginRatioMaintenance, m.spec.imfFactor, Math.abs(x.base));
    requirement += term(floorMulDiv(liability(x.base, px), ratio, MARGIN));
    if (p === pos) {
      price = px;
      base = x.base;
    }
  }
  const free = totalCollateral > requirement ? totalCollateral - requirement : 0;
  const spec = marketOf(marketIndex).spec;
  const ratio = ratioFor(spec.marginRatioMaintenance, spec.imfFactor, Math.abs(base));
  // ratio × QUOTE / MARGIN is ratio × 100: exact
  const ratioQuote = ratio * (QUOTE / MARGIN);
  const delta =
    base > 0 ? floorMulDiv(QUOTE - ratioQuote, base, BASE) : 0 - floorMulDiv(QUOTE + ratioQuote, -base, BASE);
  if (Number.isNaN(probe + totalCollateral + requirement + delta + price)) return Number.NaN;
  if (delta === 0) return -1;
  const move = floorMulDiv(free, QUOTE, Math.abs(delta));
  const liq = price - (delta < 0 ? 0 - move : move);
  if (Number.isNaN(liq)) return Number.NaN;
  return liq < 0 ? -1 : liq;
}
