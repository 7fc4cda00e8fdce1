/**
 * Runs @drift-labs/sdk's own account maths offline on an in-memory state: a DriftClient whose account
 * subscriber serves our State / PerpMarkets / USDC SpotMarket / oracle prices, and a User with a custom
 * account subscriber serving our UserAccount (recipe in DESIGN.md §10). The Connection points at a closed
 * port and nothing ever subscribes, so no request is made. One client is reused for every state (building a
 * DriftClient costs milliseconds; swapping the served accounts costs nothing).
 */
import { EventEmitter } from 'node:events';
import {
  type DataAndSlot,
  DriftClient,
  type DriftClientAccountSubscriber,
  type OraclePriceData,
  type PerpMarketAccount,
  type SpotMarketAccount,
  type StateAccount,
  User,
  type UserAccount,
  type UserAccountSubscriber,
  UserStatus,
  Wallet,
} from '@drift-labs/sdk';
import { Connection, Keypair, type PublicKey } from '@solana/web3.js';
import { getMarket, type MarketSpec } from '../../../domain/markets.ts';
import { PRICE_PRECISION } from '../../../domain/precision.ts';
import type { CumulativeFunding, PerpPositionState } from '../../sim/ledger.ts';
import { DRIFT_DEFAULT_PNL_WEIGHTS, type PnlAssetWeights } from '../../sim/margin.ts';
import {
  big,
  keyFor,
  oraclePriceData,
  perpMarketAccount,
  stateAccount,
  usdcSpotMarketAccount,
  userAccount,
} from './sdk-accounts.ts';

/** One account state in our own terms: what both the simulator and the SDK are asked about. */
export interface OfflineState {
  /** USDC balance, QUOTE (negative = borrow). */
  collateral: bigint;
  positions: PerpPositionState[];
  /** Oracle price per market index, PRICE. */
  oraclePrices: Record<number, bigint>;
  /** Cumulative funding per market index; zero when absent. */
  cumulativeFunding?: Record<number, CumulativeFunding>;
  /** Market specs per index; the domain table when absent. */
  markets?: Record<number, MarketSpec>;
  /** Pnl asset weights per index; Drift's defaults when absent. */
  pnlWeights?: Record<number, PnlAssetWeights>;
  /** The user carries Drift's BEING_LIQUIDATED status (its liquidation checks then add the buffer). */
  beingLiquidated?: boolean;
}

/** The SDK's answers, as bigint (QUOTE / PRICE) or the SDK's own numbers. */
export interface SdkFigures {
  totalCollateralInitial: bigint;
  totalCollateralMaintenance: bigint;
  freeCollateral: bigint;
  initialMarginRequirement: bigint;
  maintenanceMarginRequirement: bigint;
  /** getUnrealizedPNL(false): price pnl only. */
  unrealizedPnl: bigint;
  /** getUnrealizedPNL(true): price pnl plus unsettled funding. */
  unrealizedPnlWithFunding: bigint;
  unrealizedFundingPnl: bigint;
  /** getLeverage(), TEN_THOUSAND precision. */
  leverageTenThousandths: bigint;
  health: number;
  canBeLiquidated: boolean;
  /** The buffered maintenance check a liquidated user must pass to leave liquidation (meetsMarginRequirementWithBuffer). */
  meetsMaintenanceWithBuffer: boolean;
  /** liquidationPrice(marketIndex) for every market with a position; undefined where the SDK says −1. */
  liquidationPrices: Record<number, bigint | undefined>;
}

const ZERO_FUNDING: CumulativeFunding = { long: 0n, short: 0n };
const SLOT = 1;

/** Served accounts, swapped per evaluation. */
interface Served {
  state: StateAccount;
  perp: Map<number, PerpMarketAccount>;
  spot: SpotMarketAccount;
  perpOracles: Map<number, OraclePriceData>;
  usdcOracle: OraclePriceData;
  user: UserAccount;
}

const at = <T>(data: T): DataAndSlot<T> => ({ data, slot: SLOT });

/** The exchange-wide accounts a DriftClient reads (everything but the user). */
export type ServedMarkets = Omit<Served, 'user'>;

/**
 * An in-memory DriftClient account subscriber serving `served` (read at call time, so it can be swapped).
 * Shared by the margin-parity harness and the venue's offline instruction tests.
 */
export function driftAccountSubscriber(served: ServedMarkets): DriftClientAccountSubscriber {
  const none = async (): Promise<void> => {};
  const yes = async (): Promise<boolean> => true;
  return {
    eventEmitter: new EventEmitter(),
    isSubscribed: true,
    subscribe: yes,
    fetch: none,
    unsubscribe: none,
    addPerpMarket: yes,
    addSpotMarket: yes,
    addOracle: yes,
    setPerpOracleMap: none,
    setSpotOracleMap: none,
    getStateAccountAndSlot: () => at(served.state),
    getMarketAccountAndSlot: (i: number) => {
      const m = served.perp.get(i);
      return m ? at(m) : undefined;
    },
    getMarketAccountsAndSlots: () => [...served.perp.values()].map(at),
    getSpotMarketAccountAndSlot: (i: number) => (i === 0 ? at(served.spot) : undefined),
    getSpotMarketAccountsAndSlots: () => [at(served.spot)],
    getOraclePriceDataAndSlot: () => undefined,
    getOraclePriceDataAndSlotForPerpMarket: (i: number) => {
      const o = served.perpOracles.get(i);
      return o ? at(o) : undefined;
    },
    getOraclePriceDataAndSlotForSpotMarket: (i: number) => (i === 0 ? at(served.usdcOracle) : undefined),
  } as unknown as DriftClientAccountSubscriber;
}

function userAccountSubscriber(served: Served): UserAccountSubscriber {
  return {
    eventEmitter: new EventEmitter(),
    isSubscribed: true,
    subscribe: async () => true,
    fetch: async () => {},
    unsubscribe: async () => {},
    updateData: (account: UserAccount) => {
      served.user = account;
    },
    getUserAccountAndSlot: () => at(served.user),
  } as unknown as UserAccountSubscriber;
}

export interface OfflineDrift {
  /** Loads `state` into the in-memory accounts and asks the SDK's User for every figure. */
  evaluate(state: OfflineState): SdkFigures;
  /** The SDK User over the last loaded state (for ad-hoc questions in tests). */
  readonly user: User;
}

export function createOfflineDrift(): OfflineDrift {
  const authority = Keypair.fromSeed(new Uint8Array(32).fill(42));
  const driftClient = new DriftClient({
    connection: new Connection('http://127.0.0.1:1'),
    wallet: new Wallet(authority),
    env: 'mainnet-beta',
    skipLoadUsers: true,
  });
  const served: Served = {
    state: stateAccount(),
    perp: new Map(),
    spot: usdcSpotMarketAccount(),
    perpOracles: new Map(),
    usdcOracle: oraclePriceData(PRICE_PRECISION),
    user: userAccount(authority.publicKey, 0n, []),
  };
  driftClient.accountSubscriber = driftAccountSubscriber(served);
  const user = new User({
    driftClient,
    userAccountPublicKey: keyFor(77),
    accountSubscription: { type: 'custom', userAccountSubscriber: userAccountSubscriber(served) },
  });
  user.isSubscribed = true;

  return {
    user,
    evaluate(state) {
      serveState(served, authority.publicKey, state);
      const liquidationPrices: Record<number, bigint | undefined> = {};
      for (const p of state.positions) {
        const liq = big(user.liquidationPrice(p.marketIndex));
        liquidationPrices[p.marketIndex] = liq === -1n ? undefined : liq;
      }
      return {
        totalCollateralInitial: big(user.getTotalCollateral()),
        totalCollateralMaintenance: big(user.getTotalCollateral('Maintenance')),
        freeCollateral: big(user.getFreeCollateral()),
        initialMarginRequirement: big(user.getInitialMarginRequirement()),
        maintenanceMarginRequirement: big(user.getMaintenanceMarginRequirement()),
        unrealizedPnl: big(user.getUnrealizedPNL(false)),
        unrealizedPnlWithFunding: big(user.getUnrealizedPNL(true)),
        unrealizedFundingPnl: big(user.getUnrealizedFundingPNL()),
        leverageTenThousandths: big(user.getLeverage()),
        health: user.getHealth(),
        canBeLiquidated: user.canBeLiquidated().canBeLiquidated,
        meetsMaintenanceWithBuffer: user
          .getMarginCalculation('Maintenance', { liquidationBufferMap: user.getLiquidationBuffer() })
          .meetsMarginRequirementWithBuffer(),
        liquidationPrices,
      };
    },
  };
}

/** Loads `state` into the served accounts: a PerpMarket and oracle per market it names, and its UserAccount. */
function serveState(served: Served, authority: PublicKey, state: OfflineState): void {
  served.perp.clear();
  served.perpOracles.clear();
  const indexes = new Set([
    ...state.positions.map((p) => p.marketIndex),
    ...Object.keys(state.oraclePrices).map(Number),
  ]);
  for (const i of indexes) {
    const price = state.oraclePrices[i];
    if (price === undefined)
      throw new Error(`offline state has a position in market ${i} but no oracle price`);
    const spec = state.markets?.[i] ?? getMarket(i);
    served.perp.set(
      i,
      perpMarketAccount({
        spec,
        oraclePrice: price,
        funding: state.cumulativeFunding?.[i] ?? ZERO_FUNDING,
        weights: state.pnlWeights?.[i] ?? DRIFT_DEFAULT_PNL_WEIGHTS,
      }),
    );
    served.perpOracles.set(i, oraclePriceData(price));
  }
  served.user = {
    ...userAccount(authority, state.collateral, state.positions),
    status: state.beingLiquidated ? UserStatus.BEING_LIQUIDATED : 0,
  };
}
