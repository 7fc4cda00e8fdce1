/**
 * Reads a subaccount as zero-perps' AccountState, with the SDK's own account maths (User.getTotalCollateral,
 * getFreeCollateral, margin requirements, getLeverage, getHealth, liquidationPrice). `userToAccountState` is
 * pure over a User-shaped object, so it runs offline against the in-memory SDK harness.
 */
import {
  type DriftClient,
  fetchUserStatsAccount,
  QUOTE_SPOT_MARKET_INDEX,
  TEN_THOUSAND,
  type User,
} from '@drift-labs/sdk';
import type { AccountState, PostOnly } from '../../domain/types.ts';
import {
  fromBN,
  fromDriftOrder,
  fromDriftPerpPosition,
  isActiveDriftPerpPosition,
  isOpenDriftOrder,
} from './mapping.ts';
import type { DriftUserTotals } from './polled-ledger.ts';

/**
 * AccountState plus what Drift's User also knows: the liquidation price of each open position, and the user's
 * running funding and settled-pnl totals (what lets a poll book fees and funding exactly; polled-ledger.ts).
 */
export interface DriftAccountState extends AccountState {
  /** PRICE precision per market index; undefined when the SDK reports none (−1: no liquidation possible). */
  liquidationPrices: Record<number, bigint | undefined>;
  totals: DriftUserTotals;
}

/** What the venue remembers about its own orders (the chain keeps neither the post-only flavour nor a time). */
export interface OrderMemory {
  postOnly(subaccountId: number, userOrderId: number): PostOnly | undefined;
  placedTs(subaccountId: number, orderId: number): number | undefined;
}

/** The User methods this module reads (a structural subset, so tests can hand in the offline harness's User). */
export type UserLike = Pick<
  User,
  | 'getUserAccount'
  | 'getTokenAmount'
  | 'getTotalCollateral'
  | 'getFreeCollateral'
  | 'getInitialMarginRequirement'
  | 'getMaintenanceMarginRequirement'
  | 'getLeverage'
  | 'getHealth'
  | 'liquidationPrice'
>;

export function userToAccountState(
  user: UserLike,
  subaccountId: number,
  memory: OrderMemory,
  now: number,
): DriftAccountState {
  const account = user.getUserAccount();
  const positions = account.perpPositions.filter(isActiveDriftPerpPosition).map(fromDriftPerpPosition);
  const openOrders = account.orders.filter(isOpenDriftOrder).map((o) =>
    fromDriftOrder(o, {
      postOnly: memory.postOnly(subaccountId, o.userOrderId),
      placedTs: memory.placedTs(subaccountId, o.orderId) ?? now,
    }),
  );
  const liquidationPrices: Record<number, bigint | undefined> = {};
  for (const p of positions) {
    if (p.base === 0n) continue;
    const liq = fromBN(user.liquidationPrice(p.marketIndex));
    liquidationPrices[p.marketIndex] = liq < 0n ? undefined : liq;
  }
  return {
    subaccountId,
    // Signed USDC token amount of spot market 0 (deposits minus borrows), settled PnL included.
    collateral: fromBN(user.getTokenAmount(QUOTE_SPOT_MARKET_INDEX)),
    positions,
    openOrders,
    totalCollateral: fromBN(user.getTotalCollateral()),
    freeCollateral: fromBN(user.getFreeCollateral()),
    initialMarginRequirement: fromBN(user.getInitialMarginRequirement()),
    maintenanceMarginRequirement: fromBN(user.getMaintenanceMarginRequirement()),
    // getLeverage is in TEN_THOUSAND precision (50000 = 5x).
    leverage: Number(fromBN(user.getLeverage())) / TEN_THOUSAND.toNumber(),
    health: user.getHealth(),
    liquidationPrices,
    totals: {
      cumulativePerpFunding: fromBN(account.cumulativePerpFunding),
      settledPerpPnl: fromBN(account.settledPerpPnl),
    },
  };
}

/** What provisioning needs to know about the authority. */
export interface AuthorityInfo {
  /** Drift's UserStats exists once the authority created its first subaccount. */
  userStatsExists: boolean;
  /** UserStats.numberOfSubAccountsCreated (0 when there are no stats yet). */
  subaccountsCreated: number;
  /** Subaccount ids with a live user account. */
  existing: number[];
}

/** The venue's read seam: the SDK in live mode, the simulator in the in-memory layer. */
export interface AccountReader {
  /** Throws (broken I/O) when the account cannot be read; the venue then degrades. */
  read(subaccountId: number): Promise<DriftAccountState>;
  authorityInfo(): Promise<AuthorityInfo>;
  /** A cheap round trip to the RPC, for the heartbeat. */
  ping(): Promise<void>;
}

/** Live reader over a subscribed DriftClient (User subscriptions keep the accounts fresh). */
export class DriftAccountReader implements AccountReader {
  readonly #client: DriftClient;
  readonly #memory: OrderMemory;
  readonly #clock: () => number;

  constructor(client: DriftClient, memory: OrderMemory, clock: () => number = Date.now) {
    this.#client = client;
    this.#memory = memory;
    this.#clock = clock;
  }

  async read(subaccountId: number): Promise<DriftAccountState> {
    if (!this.#client.hasUser(subaccountId)) await this.#client.addUser(subaccountId);
    const user = this.#client.getUser(subaccountId);
    // Re-fetch rather than trust a websocket cache that may have gone quiet: the venue is the truth.
    await user.fetchAccounts();
    return userToAccountState(user, subaccountId, this.#memory, this.#clock());
  }

  async authorityInfo(): Promise<AuthorityInfo> {
    const authority = this.#client.authority;
    const stats = await fetchUserStatsAccount(this.#client.connection, this.#client.program, authority);
    const users = await this.#client.getUserAccountsForAuthority(authority);
    return {
      userStatsExists: stats !== undefined,
      subaccountsCreated: stats?.numberOfSubAccountsCreated ?? 0,
      existing: users.map((u) => u.subAccountId).sort((a, b) => a - b),
    };
  }

  async ping(): Promise<void> {
    await this.#client.connection.getSlot('confirmed');
  }
}
