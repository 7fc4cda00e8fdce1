/**
 * A DriftClient that builds and decodes instructions with no network (DESIGN.md §10 recipe): the Connection
 * points at a closed port, `accountSubscriber` serves in-memory State / PerpMarkets / USDC SpotMarket / oracles
 * (the account builders of ../offline/sdk-accounts.ts), and each subaccount's User is registered in
 * `driftClient.users` with a custom account subscriber serving a UserAccount we control.
 */
import { EventEmitter } from 'node:events';
import {
  type DataAndSlot,
  DriftClient,
  type Order as DriftOrder,
  getUserAccountPublicKeySync,
  type OraclePriceData,
  type PerpMarketAccount,
  User,
  type UserAccount,
  type UserAccountSubscriber,
  Wallet,
} from '@drift-labs/sdk';
import { Connection, Keypair, type PublicKey } from '@solana/web3.js';
import { MARKETS } from '../../../domain/markets.ts';
import { PRICE_PRECISION } from '../../../domain/precision.ts';
import { DRIFT_DEFAULT_PNL_WEIGHTS } from '../../sim/margin.ts';
import { driftAccountSubscriber } from '../offline/harness.ts';
import {
  keyFor,
  oraclePriceData,
  perpMarketAccount,
  stateAccount,
  usdcSpotMarketAccount,
  userAccount,
} from '../offline/sdk-accounts.ts';

export interface OfflineClient {
  client: DriftClient;
  authority: Keypair;
  /** Installs (or replaces) the UserAccount the SDK sees for a subaccount. */
  setUser(subaccountId: number, orders?: DriftOrder[]): void;
  hasUser(subaccountId: number): boolean;
  /** The authority's USDC token account stand-in. */
  usdcTokenAccount: PublicKey;
}

const at = <T>(data: T): DataAndSlot<T> => ({ data, slot: 1 });

/** Oracle prices (PRICE precision) for the markets of the domain table; only used for remaining accounts. */
const DEFAULT_PRICES: Record<number, bigint> = {
  0: 150_000_000n,
  1: 60_000_000_000n,
  28: 50_000n,
  30: 600_000n,
};

export function createOfflineClient(seed = 9): OfflineClient {
  const authority = Keypair.fromSeed(new Uint8Array(32).fill(seed));
  const client = new DriftClient({
    connection: new Connection('http://127.0.0.1:1'),
    wallet: new Wallet(authority),
    env: 'mainnet-beta',
    skipLoadUsers: true,
  });
  const perp = new Map<number, PerpMarketAccount>();
  const oracles = new Map<number, OraclePriceData>();
  for (const spec of Object.values(MARKETS)) {
    const price = DEFAULT_PRICES[spec.marketIndex] ?? PRICE_PRECISION;
    perp.set(
      spec.marketIndex,
      perpMarketAccount({
        spec,
        oraclePrice: price,
        funding: { long: 0n, short: 0n },
        weights: DRIFT_DEFAULT_PNL_WEIGHTS,
      }),
    );
    oracles.set(spec.marketIndex, oraclePriceData(price));
  }
  const state = stateAccount();
  // The vault is not needed for margin maths (so the shared builder leaves it out) but deposit/withdraw name it.
  const spot = { ...usdcSpotMarketAccount(), vault: keyFor(502) };
  const usdcOracle = oraclePriceData(PRICE_PRECISION);
  const none = async (): Promise<void> => {};
  const yes = async (): Promise<boolean> => true;
  client.accountSubscriber = driftAccountSubscriber({ state, perp, spot, perpOracles: oracles, usdcOracle });

  const accounts = new Map<number, UserAccount>();
  function setUser(subaccountId: number, orders: DriftOrder[] = []): void {
    accounts.set(subaccountId, {
      ...userAccount(authority.publicKey, 0n, []),
      subAccountId: subaccountId,
      orders,
    });
    const key = client.getUserMapKey(subaccountId, authority.publicKey);
    if (client.users.has(key)) return;
    const subscriber = {
      eventEmitter: new EventEmitter(),
      isSubscribed: true,
      subscribe: yes,
      fetch: none,
      unsubscribe: none,
      updateData: (account: UserAccount) => accounts.set(subaccountId, account),
      getUserAccountAndSlot: () => at(accounts.get(subaccountId)),
    } as unknown as UserAccountSubscriber;
    const user = new User({
      driftClient: client,
      userAccountPublicKey: getUserAccountPublicKeySync(
        client.program.programId,
        authority.publicKey,
        subaccountId,
      ),
      accountSubscription: { type: 'custom', userAccountSubscriber: subscriber },
    });
    user.isSubscribed = true;
    client.users.set(key, user);
  }

  return {
    client,
    authority,
    setUser,
    hasUser: (id) => accounts.has(id),
    usdcTokenAccount: keyFor(777),
  };
}
