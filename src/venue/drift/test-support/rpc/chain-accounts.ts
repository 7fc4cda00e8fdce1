/**
 * The sim chain's Drift accounts (State, USDC spot market 0, PerpMarkets, Users) as objects built from the
 * simulator's state, ready for the SDK's coder (account-codec.ts): each starts from a blank account and sets only
 * the fields the SDK reads.
 */
import {
  ContractTier,
  ContractType,
  encodeName,
  getPerpMarketPublicKeySync,
  getSpotMarketPublicKeySync,
  MarketStatus,
  MarketType,
  OracleSource,
  OrderStatus,
  OrderTriggerCondition,
  OrderType,
  PositionDirection,
  SpotBalanceType,
} from '@drift-labs/sdk';
import { PublicKey } from '@solana/web3.js';
import type { MarketSpec } from '../../../../domain/markets.ts';
import type { Order } from '../../../../domain/types.ts';
import { DRIFT_DEFAULT_PNL_WEIGHTS } from '../../../sim/margin.ts';
import { bn, keyFor, oracleGuardRails, perpOracleKey } from '../../offline/sdk-accounts.ts';
import type { SimDriftLayer } from '../sim-layer.ts';
import type { AccountCodec } from './account-codec.ts';

/** Reserves of the served vAMM (AMM_RESERVE_PRECISION 1e9): deep enough that one order barely moves it. */
const AMM_RESERVE = 10n ** 18n;

/** Drift's State: market counts, oracle guard rails and fee tier 0 from the first market's fees. */
export function chainStateAccount(codec: AccountCodec, markets: MarketSpec[]): Record<string, unknown> {
  const s = codec.blank<Record<string, unknown>>('State');
  s.numberOfMarkets = Math.max(0, ...markets.map((m) => m.marketIndex + 1));
  s.numberOfSpotMarkets = 1;
  s.oracleGuardRails = oracleGuardRails();
  const fees = s.perpFeeStructure as { feeTiers: Record<string, unknown>[] };
  const taker = markets[0]?.takerFeeBps ?? 3.5;
  const maker = markets[0]?.makerFeeBps ?? -0.25;
  // Fee tier 0 in Drift's units: numerator / denominator of the notional (bps × 10 / 100_000).
  fees.feeTiers[0] = {
    ...fees.feeTiers[0],
    feeNumerator: Math.round(taker * 10),
    feeDenominator: 100_000,
    makerRebateNumerator: Math.round(-maker * 100),
    makerRebateDenominator: 1_000_000,
  };
  return s;
}

/** USDC, spot market 0: the quote asset, priced at exactly 1. */
export function chainUsdcSpotMarket(codec: AccountCodec, programId: PublicKey): Record<string, unknown> {
  const s = codec.blank<Record<string, unknown>>('SpotMarket');
  const one = bn(10_000_000_000n); // SPOT_MARKET_CUMULATIVE_INTEREST_PRECISION
  Object.assign(s, {
    pubkey: getSpotMarketPublicKeySync(programId, 0),
    mint: keyFor(501),
    vault: keyFor(502),
    // USDC is the quote asset: no oracle account (the SDK prices it at exactly 1).
    oracle: PublicKey.default,
    oracleSource: OracleSource.QUOTE_ASSET,
    status: MarketStatus.ACTIVE,
    marketIndex: 0,
    decimals: 6,
    name: encodeName('USDC'),
    cumulativeDepositInterest: one,
    cumulativeBorrowInterest: one,
    initialAssetWeight: 10_000,
    maintenanceAssetWeight: 10_000,
    initialLiabilityWeight: 10_000,
    maintenanceLiabilityWeight: 10_000,
    orderStepSize: bn(1),
    orderTickSize: bn(1),
    historicalOracleData: oracleHistory(1_000_000n),
  });
  return s;
}

/**
 * A PerpMarket at the simulator's mark, funding and the published `oracle` price (0 before one was published):
 * a vAMM with the simulator's spread, the spec's sizes and margin ratios, `status` when overridden.
 */
export function chainPerpMarket(
  codec: AccountCodec,
  programId: PublicKey,
  layer: SimDriftLayer,
  spec: MarketSpec,
  oracle: bigint,
  status: unknown,
  spreadBps: number,
): Record<string, unknown> {
  const m = codec.blank<Record<string, unknown>>('PerpMarket');
  const i = spec.marketIndex;
  const q = layer.exchange.quote(i);
  const funding = layer.exchange.funding(i);
  const amm = m.amm as Record<string, unknown>;
  const spread = Math.round(spreadBps * 100); // BID_ASK_SPREAD_PRECISION 1e6: 1 bp = 100
  Object.assign(amm, {
    oracle: perpOracleKey(i),
    oracleSource: OracleSource.PYTH,
    historicalOracleData: oracleHistory(oracle),
    lastOracleNormalisedPrice: bn(oracle),
    cumulativeFundingRateLong: bn(funding.long),
    cumulativeFundingRateShort: bn(funding.short),
    lastFundingRate: bn(funding.lastRate),
    lastFundingRateLong: bn(funding.lastRate),
    lastFundingRateShort: bn(funding.lastRate),
    fundingPeriod: bn(spec.fundingPeriodSec),
    orderStepSize: bn(spec.stepSize),
    orderTickSize: bn(spec.tickSize),
    minOrderSize: bn(spec.minOrderSize),
    // A vAMM priced at the simulator's mark with its spread: base = quote reserves, peg = mark.
    baseAssetReserve: bn(AMM_RESERVE),
    quoteAssetReserve: bn(AMM_RESERVE),
    sqrtK: bn(AMM_RESERVE),
    terminalQuoteAssetReserve: bn(AMM_RESERVE),
    minBaseAssetReserve: bn(AMM_RESERVE / 2n),
    maxBaseAssetReserve: bn(AMM_RESERVE * 2n),
    pegMultiplier: bn(q?.mark ?? oracle),
    concentrationCoef: bn(1_414_200),
    baseSpread: spread,
    maxSpread: spread * 10,
    longSpread: spread / 2,
    shortSpread: spread / 2,
    maxFillReserveFraction: 100,
    maxSlippageRatio: 50,
    curveUpdateIntensity: 0,
    lastMarkPriceTwap: bn(q?.mark ?? oracle),
    lastMarkPriceTwap5Min: bn(q?.mark ?? oracle),
  });
  Object.assign(m, {
    pubkey: getPerpMarketPublicKeySync(programId, i),
    marketIndex: i,
    name: encodeName(spec.symbol),
    status: status ?? MarketStatus.ACTIVE,
    contractType: ContractType.PERPETUAL,
    contractTier: TIERS[spec.contractTier],
    marginRatioInitial: spec.marginRatioInitial,
    marginRatioMaintenance: spec.marginRatioMaintenance,
    imfFactor: spec.imfFactor ?? 0,
    unrealizedPnlImfFactor: 0,
    unrealizedPnlInitialAssetWeight: DRIFT_DEFAULT_PNL_WEIGHTS.initial,
    unrealizedPnlMaintenanceAssetWeight: DRIFT_DEFAULT_PNL_WEIGHTS.maintenance,
    quoteSpotMarketIndex: 0,
  });
  return m;
}

/** The User account of Drift subaccount `driftSub` (the simulator's `simSub`): positions, USDC, open orders. */
export function chainUserAccount(
  codec: AccountCodec,
  layer: SimDriftLayer,
  authority: PublicKey,
  driftSub: number,
  simSub: number,
  slot: number,
): Record<string, unknown> {
  const u = codec.blank<Record<string, unknown>>('User');
  const ex = layer.exchange;
  const account = ex.account(simSub);
  const totals = layer.userTotals(driftSub);
  const positions = ex.ledgerPositions(simSub);
  const perp = u.perpPositions as Record<string, unknown>[];
  positions.forEach((p, k) => {
    Object.assign(perp[k], {
      marketIndex: p.marketIndex,
      baseAssetAmount: bn(p.base),
      quoteAssetAmount: bn(p.quoteAsset),
      quoteEntryAmount: bn(p.quoteEntry),
      quoteBreakEvenAmount: bn(p.quoteBreakEven),
      lastCumulativeFundingRate: bn(p.lastCumulativeFundingRate),
      openOrders: p.openOrders,
      openBids: bn(p.openBids),
      openAsks: bn(p.openAsks),
    });
  });
  const spot = u.spotPositions as Record<string, unknown>[];
  const c = account.collateral;
  Object.assign(spot[0], {
    marketIndex: 0,
    balanceType: c < 0n ? SpotBalanceType.BORROW : SpotBalanceType.DEPOSIT,
    // SPOT_MARKET_BALANCE_PRECISION 1e9 over USDC's 1e6, at interest index 1.0
    scaledBalance: bn((c < 0n ? -c : c) * 1000n),
    cumulativeDeposits: bn(totals.netDeposits),
  });
  const orders = u.orders as Record<string, unknown>[];
  account.openOrders.forEach((o, k) => {
    Object.assign(orders[k], driftOrder(o, slot));
  });
  const open = account.openOrders.length;
  Object.assign(u, {
    authority,
    subAccountId: driftSub,
    name: encodeName(`sub ${driftSub}`),
    nextOrderId: Math.max(1, ...account.openOrders.map((o) => o.orderId + 1)),
    settledPerpPnl: bn(totals.settledPerpPnl),
    cumulativePerpFunding: bn(totals.cumulativePerpFunding),
    totalDeposits: bn(totals.netDeposits > 0n ? totals.netDeposits : 0n),
    openOrders: open,
    hasOpenOrder: open > 0,
    isMarginTradingEnabled: true,
    lastActiveSlot: bn(slot),
  });
  return u;
}

const TIERS: Record<MarketSpec['contractTier'], unknown> = {
  A: ContractTier.A,
  B: ContractTier.B,
  C: ContractTier.C,
  Speculative: ContractTier.SPECULATIVE,
  HighlySpeculative: ContractTier.HIGHLY_SPECULATIVE,
  Isolated: ContractTier.ISOLATED,
};

function oracleHistory(price: bigint): Record<string, unknown> {
  return {
    lastOraclePrice: bn(price),
    lastOracleConf: bn(0),
    lastOracleDelay: bn(0),
    lastOraclePriceTwap: bn(price),
    lastOraclePriceTwap5Min: bn(price),
    lastOraclePriceTwapTs: bn(0),
  };
}

/** Our open order as Drift's Order struct (maxTs in unix seconds; oracle offset orders float). */
function driftOrder(o: Order, slot: number): Record<string, unknown> {
  return {
    status: OrderStatus.OPEN,
    orderType: o.orderType === 'market' ? OrderType.MARKET : OrderType.LIMIT,
    marketType: MarketType.PERP,
    slot: bn(slot),
    orderId: o.orderId,
    userOrderId: o.userOrderId,
    marketIndex: o.marketIndex,
    price: o.oracleOffset === undefined ? bn(o.price) : bn(0),
    baseAssetAmount: bn(o.base),
    baseAssetAmountFilled: bn(o.filledBase),
    quoteAssetAmountFilled: bn((o.filledBase * o.price) / 1_000_000_000n),
    direction: o.side === 'buy' ? PositionDirection.LONG : PositionDirection.SHORT,
    existingPositionDirection: PositionDirection.LONG,
    triggerCondition: OrderTriggerCondition.ABOVE,
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly !== 'none',
    immediateOrCancel: o.ioc,
    maxTs: bn(o.maxTs === undefined ? 0 : Math.floor(o.maxTs / 1000)),
    oraclePriceOffset: o.oracleOffset === undefined ? 0 : Number(o.oracleOffset),
  };
}
