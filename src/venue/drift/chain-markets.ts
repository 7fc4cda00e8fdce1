/**
 * A perp market as the chain says it is: our MarketSpec (tick, step, min size, margin ratios, size premium,
 * contract tier, funding period) and the market's status, from Drift's PerpMarket account; the user's fees
 * from the exchange's fee tiers and the user's UserStats (the SDK's own tier rule). Live mode takes these
 * instead of the spec table at start and refreshes them from the polled account on every bar.
 */
import {
  BN,
  type DriftClient,
  decodeName,
  MarketType,
  type PerpMarketAccount,
  PerpOperation,
  type StateAccount,
  User,
  type UserStatsAccount,
} from '@drift-labs/sdk';
import type { ContractTier, MarketSpec } from '../../domain/markets.ts';
import { fromBN, variantOf } from './mapping.ts';

export interface MarketStatusFlags {
  /** Drift's MarketStatus variant (active, reduceOnly, fillPaused, …). */
  status: string;
  /** New exposure is refused: risk rule G (REDUCE_ONLY). */
  reduceOnly: boolean;
  /** Nothing can trade (fills paused, not yet active, settling, delisted): risk rule F (PAUSE). */
  paused: boolean;
}

export interface ChainMarket extends MarketStatusFlags {
  /** Fees are the caller's (the user's tier); the spec's fee fields are left at 0 here. */
  spec: MarketSpec;
}

const TIER: Record<string, ContractTier> = {
  a: 'A',
  b: 'B',
  c: 'C',
  speculative: 'Speculative',
  highlySpeculative: 'HighlySpeculative',
  isolated: 'Isolated',
};

/** Status → what it means for a bot. Fill pauses also come as a bit of `pausedOperations`. */
export function statusFlags(
  account: Pick<PerpMarketAccount, 'status' | 'pausedOperations'>,
): MarketStatusFlags {
  const status = variantOf(account.status);
  const fillPaused = ((account.pausedOperations ?? 0) & PerpOperation.FILL) !== 0;
  return {
    status: fillPaused && status === 'active' ? 'fillPaused' : status,
    reduceOnly: status === 'reduceOnly' || status === 'settlement' || status === 'delisted',
    paused:
      fillPaused ||
      status === 'fillPaused' ||
      status === 'initialized' ||
      status === 'settlement' ||
      status === 'delisted',
  };
}

export function marketFromAccount(a: PerpMarketAccount): ChainMarket {
  return {
    spec: {
      symbol: decodeName(a.name),
      marketIndex: a.marketIndex,
      tickSize: fromBN(a.amm.orderTickSize),
      stepSize: fromBN(a.amm.orderStepSize),
      minOrderSize: fromBN(a.amm.minOrderSize),
      marginRatioInitial: a.marginRatioInitial,
      marginRatioMaintenance: a.marginRatioMaintenance,
      imfFactor: a.imfFactor,
      takerFeeBps: 0,
      makerFeeBps: 0,
      contractTier: TIER[variantOf(a.contractTier)] ?? 'Speculative',
      fundingPeriodSec: Number(fromBN(a.amm.fundingPeriod)) || 3600,
    },
    ...statusFlags(a),
  };
}

/**
 * The user's perp fees in a market (bps; a negative maker fee is a rebate): the fee tier the SDK's own
 * `User.getUserFeeTier` picks from the user's 30-day volume and staked DRIFT, adjusted by the market's
 * `feeAdjustment` as `DriftClient.getMarketFees` does. Without UserStats (a new wallet) tier 0 applies.
 */
export function userFeeBps(
  state: StateAccount,
  market: Pick<PerpMarketAccount, 'feeAdjustment'>,
  stats: UserStatsAccount | undefined,
  now = Math.floor(Date.now() / 1000),
): { takerFeeBps: number; makerFeeBps: number } {
  const tier = stats
    ? User.prototype.getUserFeeTier.call(
        {
          driftClient: { getStateAccount: () => state, getUserStats: () => ({ getAccount: () => stats }) },
          isHighLeverageMode: () => false,
        } as unknown as User,
        MarketType.PERP,
        new BN(now),
      )
    : state.perpFeeStructure.feeTiers[0];
  let taker = tier.feeNumerator / tier.feeDenominator;
  let maker = tier.makerRebateNumerator / tier.makerRebateDenominator;
  taker += (taker * market.feeAdjustment) / 100;
  maker += (maker * market.feeAdjustment) / 100;
  return { takerFeeBps: round(taker * 10_000), makerFeeBps: round(-maker * 10_000) };
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Every loaded perp market of a subscribed client, by index. */
export function chainMarkets(client: DriftClient): Map<number, ChainMarket> {
  const out = new Map<number, ChainMarket>();
  for (const a of client.getPerpMarketAccounts()) out.set(a.marketIndex, marketFromAccount(a));
  return out;
}
