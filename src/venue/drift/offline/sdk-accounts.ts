/**
 * In-memory Drift accounts (State, PerpMarket, SpotMarket 0 USDC, User) built from our own types, for running
 * @drift-labs/sdk's account maths offline. Only the fields the SDK's margin/pnl/funding maths read carry
 * meaning (user.js getMarginCalculation, getLeverageComponents, liquidationPrice; math/margin.js, position.js,
 * market.js, spotBalance.js; driftClient.js getMMOracleDataForPerpMarket); every other field is a neutral zero.
 * The SDK's account types have dozens of fields that the maths never touches, so each builder fills the
 * relevant ones and casts once, here, at the SDK boundary.
 */
import {
  AssetTier,
  BN,
  ContractTier,
  ContractType,
  MarginMode,
  MarketStatus,
  type OraclePriceData,
  OracleSource,
  type PerpMarketAccount,
  type PerpPosition,
  PublicKey,
  SpotBalanceType,
  type SpotMarketAccount,
  type SpotPosition,
  type StateAccount,
  type UserAccount,
} from '@drift-labs/sdk';
import type { MarketSpec, ContractTier as OurTier } from '../../../domain/markets.ts';
import { PRICE_PRECISION } from '../../../domain/precision.ts';
import type { CumulativeFunding, PerpPositionState } from '../../sim/ledger.ts';
import type { PnlAssetWeights } from '../../sim/margin.ts';

export const bn = (v: bigint | number): BN => new BN(v.toString());
export const big = (v: BN): bigint => BigInt(v.toString());

/** Deterministic, distinct public keys (oracles must differ so no spot market shares a perp's oracle). */
export function keyFor(tag: number): PublicKey {
  const bytes = new Uint8Array(32);
  bytes[0] = 7;
  bytes[1] = tag & 0xff;
  bytes[2] = (tag >> 8) & 0xff;
  return new PublicKey(bytes);
}

export const USDC_ORACLE = keyFor(999);
/** The perp oracle key of a market index. */
export const perpOracleKey = (marketIndex: number): PublicKey => keyFor(1000 + marketIndex);

const tierOf: Record<OurTier, unknown> = {
  A: ContractTier.A,
  B: ContractTier.B,
  C: ContractTier.C,
  Speculative: ContractTier.SPECULATIVE,
  HighlySpeculative: ContractTier.HIGHLY_SPECULATIVE,
  Isolated: ContractTier.ISOLATED,
};

/** SPOT_MARKET_BALANCE_PRECISION (1e9) over the USDC token precision (1e6). */
const USDC_SCALED_PER_TOKEN = 1000n;
/** SPOT_MARKET_CUMULATIVE_INTEREST_PRECISION: interest index 1.0, so token = scaled / 1e3 exactly. */
const INTEREST_ONE = 10_000_000_000n;

function historicalOracle(price: bigint) {
  // The 5-minute TWAP equals the price: strict (TWAP-bounded) valuations then equal plain ones, and the
  // divergence guard in getMMOracleDataForPerpMarket sees no divergence.
  return {
    lastOraclePrice: bn(price),
    lastOracleDelay: bn(0),
    lastOracleConf: bn(0),
    lastOraclePriceTwap: bn(price),
    lastOraclePriceTwap5Min: bn(price),
    lastOraclePriceTwapTs: bn(0),
  };
}

/**
 * The State's oracle guard rails both the offline accounts and the served chain's carry: mark/oracle divergence,
 * TWAP divergence and the oracle validity limits, in Drift's units (BN).
 */
export function oracleGuardRails(): StateAccount['oracleGuardRails'] {
  return {
    priceDivergence: {
      markOraclePercentDivergence: bn(100_000),
      oracleTwap5MinPercentDivergence: bn(500_000),
    },
    validity: {
      slotsBeforeStaleForAmm: bn(10),
      slotsBeforeStaleForMargin: bn(120),
      confidenceIntervalMaxSize: bn(20_000),
      tooVolatileRatio: bn(5),
    },
  };
}

export function stateAccount(): StateAccount {
  return {
    admin: PublicKey.default,
    whitelistMint: PublicKey.default,
    discountMint: PublicKey.default,
    exchangeStatus: 0,
    oracleGuardRails: oracleGuardRails(),
    liquidationMarginBufferRatio: 200,
    perpFeeStructure: {
      feeTiers: [{ feeNumerator: 35, feeDenominator: 100_000 }],
    },
  } as unknown as StateAccount;
}

export interface PerpMarketInputs {
  spec: MarketSpec;
  oraclePrice: bigint;
  funding: CumulativeFunding;
  weights: PnlAssetWeights;
}

export function perpMarketAccount({
  spec,
  oraclePrice,
  funding,
  weights,
}: PerpMarketInputs): PerpMarketAccount {
  return {
    status: MarketStatus.ACTIVE,
    contractType: ContractType.PERPETUAL,
    contractTier: tierOf[spec.contractTier],
    expiryTs: bn(0),
    expiryPrice: bn(0),
    marketIndex: spec.marketIndex,
    pubkey: keyFor(spec.marketIndex),
    marginRatioInitial: spec.marginRatioInitial,
    marginRatioMaintenance: spec.marginRatioMaintenance,
    highLeverageMarginRatioInitial: 0,
    highLeverageMarginRatioMaintenance: 0,
    imfFactor: spec.imfFactor ?? 0,
    unrealizedPnlImfFactor: 0,
    unrealizedPnlMaxImbalance: bn(0),
    unrealizedPnlInitialAssetWeight: weights.initial,
    unrealizedPnlMaintenanceAssetWeight: weights.maintenance,
    quoteSpotMarketIndex: 0,
    pnlPool: { scaledBalance: bn(0), marketIndex: 0 },
    amm: {
      oracle: perpOracleKey(spec.marketIndex),
      oracleSource: OracleSource.PYTH_PULL,
      historicalOracleData: historicalOracle(oraclePrice),
      cumulativeFundingRateLong: bn(funding.long),
      cumulativeFundingRateShort: bn(funding.short),
      // no market-maker oracle: getMMOracleDataForPerpMarket falls back to the plain oracle
      mmOraclePrice: bn(0),
      mmOracleSlot: bn(0),
      mmOracleSequenceId: bn(0),
      orderStepSize: bn(spec.stepSize),
      orderTickSize: bn(spec.tickSize),
      minOrderSize: bn(spec.minOrderSize),
      baseSpread: 0,
      maxSpread: 0,
      fundingPeriod: bn(spec.fundingPeriodSec),
      baseAssetAmountWithAmm: bn(0),
      baseAssetAmountWithUnsettledLp: bn(0),
      quoteAssetAmount: bn(0),
    },
  } as unknown as PerpMarketAccount;
}

export function usdcSpotMarketAccount(): SpotMarketAccount {
  return {
    status: MarketStatus.ACTIVE,
    assetTier: AssetTier.COLLATERAL,
    marketIndex: 0,
    pubkey: keyFor(500),
    mint: keyFor(501),
    oracle: USDC_ORACLE,
    oracleSource: OracleSource.QUOTE_ASSET,
    historicalOracleData: historicalOracle(PRICE_PRECISION),
    decimals: 6,
    cumulativeDepositInterest: bn(INTEREST_ONE),
    cumulativeBorrowInterest: bn(INTEREST_ONE),
    initialAssetWeight: 10_000,
    maintenanceAssetWeight: 10_000,
    initialLiabilityWeight: 10_000,
    maintenanceLiabilityWeight: 10_000,
    imfFactor: 0,
    scaleInitialAssetWeightStart: bn(0),
    depositBalance: bn(0),
    borrowBalance: bn(0),
  } as unknown as SpotMarketAccount;
}

export function oraclePriceData(price: bigint): OraclePriceData {
  return {
    price: bn(price),
    slot: bn(1),
    confidence: bn(0),
    hasSufficientNumberOfDataPoints: true,
    twap: bn(price),
  };
}

function sdkPerpPosition(p: PerpPositionState): PerpPosition {
  return {
    marketIndex: p.marketIndex,
    baseAssetAmount: bn(p.base),
    quoteAssetAmount: bn(p.quoteAsset),
    quoteEntryAmount: bn(p.quoteEntry),
    quoteBreakEvenAmount: bn(p.quoteBreakEven),
    lastCumulativeFundingRate: bn(p.lastCumulativeFundingRate),
    openOrders: p.openOrders,
    openBids: bn(p.openBids),
    openAsks: bn(p.openAsks),
    settledPnl: bn(0),
    lpShares: bn(0),
    remainderBaseAssetAmount: 0,
    maxMarginRatio: 0,
    lastQuoteAssetAmountPerLp: bn(0),
    perLpBase: 0,
    positionFlag: 0,
    isolatedPositionScaledBalance: bn(0),
  };
}

const freePerpSlot = (): PerpPosition =>
  sdkPerpPosition({
    marketIndex: 0,
    base: 0n,
    quoteAsset: 0n,
    quoteEntry: 0n,
    quoteBreakEven: 0n,
    lastCumulativeFundingRate: 0n,
    openOrders: 0,
    openBids: 0n,
    openAsks: 0n,
  });

function usdcSpotPosition(collateral: bigint): SpotPosition {
  const borrow = collateral < 0n;
  return {
    marketIndex: 0,
    balanceType: borrow ? SpotBalanceType.BORROW : SpotBalanceType.DEPOSIT,
    scaledBalance: bn((borrow ? -collateral : collateral) * USDC_SCALED_PER_TOKEN),
    openOrders: 0,
    openBids: bn(0),
    openAsks: bn(0),
    cumulativeDeposits: bn(collateral > 0n ? collateral : 0n),
  };
}

const freeSpotSlot = (): SpotPosition => ({ ...usdcSpotPosition(0n) });

/** Drift's user account has 8 perp and 8 spot position slots. */
const SLOTS = 8;

export function userAccount(
  authority: PublicKey,
  collateral: bigint,
  positions: PerpPositionState[],
): UserAccount {
  if (positions.length > SLOTS) throw new RangeError(`a Drift user holds at most ${SLOTS} perp positions`);
  const perpPositions = [...positions.map(sdkPerpPosition)];
  while (perpPositions.length < SLOTS) perpPositions.push(freePerpSlot());
  const spotPositions = [usdcSpotPosition(collateral)];
  while (spotPositions.length < SLOTS) spotPositions.push(freeSpotSlot());
  return {
    authority,
    delegate: PublicKey.default,
    name: [],
    subAccountId: 0,
    spotPositions,
    perpPositions,
    orders: [],
    status: 0,
    nextLiquidationId: 1,
    nextOrderId: 1,
    maxMarginRatio: 0,
    lastAddPerpLpSharesTs: bn(0),
    settledPerpPnl: bn(0),
    totalDeposits: bn(collateral > 0n ? collateral : 0n),
    totalWithdraws: bn(0),
    totalSocialLoss: bn(0),
    cumulativePerpFunding: bn(0),
    cumulativeSpotFees: bn(0),
    liquidationMarginFreed: bn(0),
    lastActiveSlot: bn(0),
    isMarginTradingEnabled: true,
    idle: false,
    openOrders: positions.reduce((n, p) => n + p.openOrders, 0),
    hasOpenOrder: positions.some((p) => p.openOrders > 0),
    openAuctions: 0,
    hasOpenAuction: false,
    lastFuelBonusUpdateTs: 0,
    marginMode: MarginMode.DEFAULT,
    poolId: 0,
  } as UserAccount;
}
