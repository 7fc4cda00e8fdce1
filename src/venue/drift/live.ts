/**
 * Wires DriftVenue to mainnet (or devnet): Connection, the runner's key, a subscribed DriftClient, the RPC
 * sender with recent-fee priority, the SDK-backed reader and a polling loop for events. The only I/O-heavy
 * file of the venue; everything it composes is tested offline.
 */
import { BulkAccountLoader, DriftClient, fetchUserStatsAccount, Wallet } from '@drift-labs/sdk';
import { Keypair } from '@solana/web3.js';
import type { SigningKeypair } from '../../runner/keys.ts';
import { DriftAccountReader } from './account-reader.ts';
import { type ChainMarket, chainMarkets, userFeeBps } from './chain-markets.ts';
import { DriftVenue } from './drift-venue.ts';
import { DriftIxBuilder } from './ix-builder.ts';
import { DlobBook } from './order-book.ts';
import { DEFAULT_PRIORITY_FEE, type PriorityFeePolicy, pickPriorityFee } from './priority-fee.ts';
import { type RpcConnectionOptions, rpcConnection } from './rpc-connection.ts';
import { subscribeOrExplain } from './subscribe.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, RpcTxSender } from './tx-sender.ts';
import { UserOrderIdBook } from './user-order-ids.ts';

export interface LiveDriftOptions {
  rpcUrl: string;
  /** Timeouts and rate-limit handling of RPC requests. */
  rpc?: RpcConnectionOptions;
  /** Send retries and confirmation polling (DEFAULT_RETRY_POLICY). */
  retry?: Partial<RetryPolicy>;
  keypair: SigningKeypair;
  env?: 'mainnet-beta' | 'devnet';
  /** Perp markets the bots trade (the client loads their accounts and oracles). */
  perpMarketIndexes: number[];
  priorityFee?: PriorityFeePolicy;
  computeUnitLimit?: number;
  /** Account polling and event polling interval (ms). Default 1000. */
  pollMs?: number;
  /** Heartbeat interval (ms). Default 5000 (DESIGN.md §2). */
  heartbeatMs?: number;
}

export interface LiveDrift {
  venue: DriftVenue;
  /** Every loaded perp market as the chain has it now (spec without fees, status), by index. */
  markets(): Map<number, ChainMarket>;
  /** The wallet's perp fees in a market (its fee tier, the market's adjustment), read from chain. */
  feeBps(marketIndex: number): Promise<{ takerFeeBps: number; makerFeeBps: number }>;
  /** Stops timers and subscriptions. */
  close(): Promise<void>;
}

export async function connectLiveDrift(o: LiveDriftOptions): Promise<LiveDrift> {
  const connection = rpcConnection(o.rpcUrl, o.rpc);
  const payer = Keypair.fromSecretKey(o.keypair.secretKeyBytes());
  const pollMs = o.pollMs ?? 1_000;
  // Polling subscriptions: one batched getMultipleAccounts per interval, which survives websocket drops.
  const accountLoader = new BulkAccountLoader(connection, 'confirmed', pollMs);
  const client = new DriftClient({
    connection,
    wallet: new Wallet(payer),
    env: o.env ?? 'mainnet-beta',
    perpMarketIndexes: o.perpMarketIndexes,
    spotMarketIndexes: [0],
    accountSubscription: { type: 'polling', accountLoader },
    skipLoadUsers: true,
  });
  await subscribeOrExplain(client, o.rpcUrl);

  const book = new UserOrderIdBook();
  const dlob = new DlobBook(client);
  const reader = new DriftAccountReader(client, book);
  const builder = new DriftIxBuilder({
    client,
    ensureUser: (id) => reader.ensureUser(id),
    usdcTokenAccount: () => client.getAssociatedTokenAccount(0, false),
  });
  const policy = o.priorityFee ?? DEFAULT_PRIORITY_FEE;
  const venue = new DriftVenue({
    builder,
    book,
    sender: new RpcTxSender({
      rpc: connection,
      payer,
      policy: { ...DEFAULT_RETRY_POLICY, ...o.retry },
      lookupTables: () => client.fetchAllLookupTableAccounts(),
    }),
    reader,
    computeUnitPrice: async () => {
      const recent = await connection.getRecentPrioritizationFees().catch(() => []);
      return pickPriorityFee(
        recent.map((r) => r.prioritizationFee),
        policy,
      );
    },
    computeUnitLimit: o.computeUnitLimit,
    orderBook: (i) => dlob.book(i),
  });
  const onError = (err: unknown) => venue.markDegraded(`Drift subscription error: ${String(err)}`);
  client.eventEmitter.on('error', onError);
  const stopHeartbeat = venue.startHeartbeat(o.heartbeatMs ?? 5_000);
  const poller = setInterval(() => void venue.poll(), pollMs);
  poller.unref?.();
  return {
    venue,
    markets: () => chainMarkets(client),
    feeBps: async (marketIndex) => {
      const market = client.getPerpMarketAccount(marketIndex);
      if (!market) throw new Error(`perp market ${marketIndex} is not loaded`);
      const stats = await fetchUserStatsAccount(connection, client.program, client.authority);
      return userFeeBps(client.getStateAccount(), market, stats);
    },
    close: async () => {
      clearInterval(poller);
      stopHeartbeat();
      client.eventEmitter.off('error', onError);
      venue.close();
      await client.unsubscribe();
    },
  };
}
