/**
 * Reads a subaccount as zero-perps' AccountState, with the SDK's own account maths (User.getTotalCollateral,
 * getFreeCollateral, margin requirements, getLeverage, getHealth, liquidationPrice). `userToAccountState` is
 * pure over a User-shaped object, so it runs offline against the in-memory SDK harness.
 */
import { EventEmitter } from 'node:events';
import {
  type DataAndSlot,
  type DriftClient,
  fetchUserStatsAccount,
  getOracleClient,
  getUserAccountPublicKeySync,
  QUOTE_SPOT_MARKET_INDEX,
  TEN_THOUSAND,
  User,
  type UserAccount,
  type UserAccountSubscriber,
} from '@drift-labs/sdk';
import { roundPriceToTick } from '../../domain/rounding.ts';
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
  /** The slot the account was read at (live reads). */
  slot?: number;
  /** Per market with a position: its pnl not yet settled into the USDC balance, funding included (QUOTE). */
  unsettledPnl?: Record<number, bigint>;
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
  | 'getUnrealizedPNL'
>;

/** A market's oracle price and tick (PRICE): what a floating order's current limit is computed from. */
export type FloatingQuote = (marketIndex: number) => { oracle: bigint; tick: bigint } | undefined;

export function userToAccountState(
  user: UserLike,
  subaccountId: number,
  memory: OrderMemory,
  now: number,
  floating?: FloatingQuote,
): DriftAccountState {
  const account = user.getUserAccount();
  const positions = account.perpPositions.filter(isActiveDriftPerpPosition).map(fromDriftPerpPosition);
  const openOrders = account.orders.filter(isOpenDriftOrder).map((o) =>
    fromDriftOrder(o, {
      postOnly: memory.postOnly(subaccountId, o.userOrderId),
      placedTs: memory.placedTs(subaccountId, o.orderId) ?? now,
      floatingPrice: (offset, side) => {
        const q = floating?.(o.marketIndex);
        return q ? roundPriceToTick(q.oracle + offset, q.tick, side) : 0n;
      },
    }),
  );
  const liquidationPrices: Record<number, bigint | undefined> = {};
  const unsettledPnl: Record<number, bigint> = {};
  for (const p of positions) {
    unsettledPnl[p.marketIndex] = fromBN(user.getUnrealizedPNL(true, p.marketIndex));
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
    // Maintenance-weighted, as the simulator's (docs/margin.md): positive pnl counts in full here; the initial
    // weight (0 by default) only limits new risk, through freeCollateral.
    totalCollateral: fromBN(user.getTotalCollateral('Maintenance')),
    freeCollateral: fromBN(user.getFreeCollateral()),
    initialMarginRequirement: fromBN(user.getInitialMarginRequirement()),
    maintenanceMarginRequirement: fromBN(user.getMaintenanceMarginRequirement()),
    // getLeverage is in TEN_THOUSAND precision (50000 = 5x).
    leverage: Number(fromBN(user.getLeverage())) / TEN_THOUSAND.toNumber(),
    health: user.getHealth(),
    liquidationPrices,
    unsettledPnl,
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
  /**
   * Throws (broken I/O) when the account cannot be read; the venue then degrades. `minSlot`: the read must be
   * at least this recent (the slot our last transaction landed in); an RPC node behind it is an error too.
   */
  read(subaccountId: number, minSlot?: number): Promise<DriftAccountState>;
  authorityInfo(): Promise<AuthorityInfo>;
  /** A cheap round trip to the RPC, for the heartbeat. */
  ping(): Promise<void>;
}

/** The subaccount's user account does not exist (not an I/O failure). */
export class SubaccountMissingError extends Error {
  override name = 'SubaccountMissing';
}

export interface DriftAccountReaderOptions {
  clock?: () => number;
  /** Reads retried while the RPC node is behind `minSlot`, and the pause between them. Default 5 × 200 ms. */
  behindRetries?: number;
  behindWaitMs?: number;
}

/**
 * Live reader. Each read fetches the subaccount's user account itself (getAccountInfo with its context slot)
 * rather than through the SDK's polling user subscriber, whose fetch() swallows RPC errors and keeps serving
 * the last data: a failed read must fail, so the venue degrades instead of deciding on an old account. The
 * User registered in the DriftClient (for the SDK's margin maths and the instruction builders) serves what
 * this reader fetched last. Markets and oracles come from the client's polling subscription.
 */
export class DriftAccountReader implements AccountReader {
  readonly #client: DriftClient;
  readonly #memory: OrderMemory;
  readonly #clock: () => number;
  readonly #retries: number;
  readonly #waitMs: number;
  readonly #accounts = new Map<number, DataAndSlot<UserAccount>>();

  constructor(client: DriftClient, memory: OrderMemory, o: DriftAccountReaderOptions = {}) {
    this.#client = client;
    this.#memory = memory;
    this.#clock = o.clock ?? Date.now;
    this.#retries = o.behindRetries ?? 5;
    this.#waitMs = o.behindWaitMs ?? 200;
  }

  /** Oracle prices read together with the user account (same request, same slot), per market index. */
  #oracles = new Map<number, bigint>();

  /**
   * A floating order's current limit needs the oracle at the slot of the read: the one fetched with the user
   * account, else (market not in that read) the client's polled one.
   */
  readonly #floating: FloatingQuote = (marketIndex) => {
    const market = this.#client.getPerpMarketAccount(marketIndex);
    if (!market) return undefined;
    const oracle =
      this.#oracles.get(marketIndex) ?? fromBN(this.#client.getOracleDataForPerpMarket(marketIndex).price);
    return { oracle, tick: fromBN(market.amm.orderTickSize) };
  };

  /** Makes the subaccount's User known to the client (fetching it once); for the instruction builders. */
  async ensureUser(subaccountId: number): Promise<void> {
    if (!this.#accounts.has(subaccountId)) await this.#fetch(subaccountId, 0);
    this.#register(subaccountId);
  }

  async read(subaccountId: number, minSlot = 0): Promise<DriftAccountState> {
    const slot = await this.#fetch(subaccountId, minSlot);
    this.#register(subaccountId);
    const user = this.#client.getUser(subaccountId, this.#client.authority);
    return { ...userToAccountState(user, subaccountId, this.#memory, this.#clock(), this.#floating), slot };
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

  /** Fetches the user account at a slot ≥ minSlot; returns the slot it was read at. */
  async #fetch(subaccountId: number, minSlot: number): Promise<number> {
    const key = getUserAccountPublicKeySync(
      this.#client.program.programId,
      this.#client.authority,
      subaccountId,
    );
    const markets = this.#client.getPerpMarketAccounts();
    for (let attempt = 0; ; attempt++) {
      // The user account and every loaded market's oracle in one request: one slot for all of them.
      const all = await this.#client.connection.getMultipleAccountsInfoAndContext(
        [key, ...markets.map((m) => m.amm.oracle)],
        'confirmed',
      );
      const res = { context: all.context, value: all.value[0] };
      const slot = res.context.slot;
      if (slot < minSlot) {
        if (attempt < this.#retries) {
          await new Promise((r) => setTimeout(r, this.#waitMs));
          continue;
        }
        throw new Error(
          `the RPC node is behind: it answered for slot ${slot}, our last transaction landed in ${minSlot}`,
        );
      }
      if (!res.value) {
        throw new SubaccountMissingError(
          `subaccount ${subaccountId} of ${this.#client.authority.toBase58()} does not exist on Drift`,
        );
      }
      const data = this.#client.program.coder.accounts.decode('User', res.value.data) as UserAccount;
      const held = this.#accounts.get(subaccountId);
      if (!held || slot >= held.slot) {
        this.#accounts.set(subaccountId, { data, slot });
        markets.forEach((m, i) => {
          const info = all.value[i + 1];
          if (!info) return;
          const client = getOracleClient(m.amm.oracleSource, this.#client.connection, this.#client.program);
          this.#oracles.set(m.marketIndex, fromBN(client.getOraclePriceDataFromBuffer(info.data).price));
        });
      }
      return slot;
    }
  }

  /** A User in the client whose account subscriber serves this reader's last fetch. */
  #register(subaccountId: number): void {
    const authority = this.#client.authority;
    const mapKey = this.#client.getUserMapKey(subaccountId, authority);
    if (this.#client.users.has(mapKey)) return;
    const subscriber = {
      eventEmitter: new EventEmitter(),
      isSubscribed: true,
      subscribe: async () => true,
      fetch: async () => {
        await this.#fetch(subaccountId, 0);
      },
      unsubscribe: async () => {},
      updateData: (data: UserAccount, slot: number) => this.#accounts.set(subaccountId, { data, slot }),
      getUserAccountAndSlot: () => this.#accounts.get(subaccountId),
    } as unknown as UserAccountSubscriber;
    const user = new User({
      driftClient: this.#client,
      userAccountPublicKey: getUserAccountPublicKeySync(
        this.#client.program.programId,
        authority,
        subaccountId,
      ),
      accountSubscription: { type: 'custom', userAccountSubscriber: subscriber },
    });
    user.isSubscribed = true;
    this.#client.users.set(mapKey, user);
  }
}
