/**
 * Read-only Drift market data for the runner's paper-on-live-prices and live modes: oracle, best bid/ask of
 * the vAMM (Drift's mark = their midpoint, DESIGN.md §10) and the last funding rate, from a polling
 * DriftClient. No signing key: a throwaway wallet, never used to sign. Added by the runner (additive file; the
 * only SDK import stays inside src/venue/drift/). Needs a network; not exercised by the offline tests.
 */
import { BulkAccountLoader, calculateBidAskPrice, DriftClient, Wallet } from '@drift-labs/sdk';
import { Keypair } from '@solana/web3.js';
import { type RpcConnectionOptions, rpcConnection } from './rpc-connection.ts';
import { subscribeOrExplain } from './subscribe.ts';

export interface DriftQuote {
  marketIndex: number;
  /** Floats in USD (display and decision maths). */
  mark: number;
  bid: number;
  ask: number;
  oracle: number;
  /** Last hourly funding rate as a fraction of the oracle price (longs pay when positive). */
  fundingRate: number;
  slot: number;
}

export interface DriftMarketFeed {
  /** The latest quote of a market, undefined before its accounts loaded. */
  quote(marketIndex: number): DriftQuote | undefined;
  close(): Promise<void>;
}

export async function connectDriftMarketFeed(o: {
  rpcUrl: string;
  perpMarketIndexes: number[];
  env?: 'mainnet-beta' | 'devnet';
  pollMs?: number;
  rpc?: RpcConnectionOptions;
}): Promise<DriftMarketFeed> {
  const connection = rpcConnection(o.rpcUrl, o.rpc);
  const accountLoader = new BulkAccountLoader(connection, 'confirmed', o.pollMs ?? 1_000);
  const client = new DriftClient({
    connection,
    wallet: new Wallet(Keypair.generate()),
    env: o.env ?? 'mainnet-beta',
    perpMarketIndexes: o.perpMarketIndexes,
    spotMarketIndexes: [0],
    accountSubscription: { type: 'polling', accountLoader },
    skipLoadUsers: true,
  });
  await subscribeOrExplain(client, o.rpcUrl);
  return {
    quote(marketIndex) {
      const market = client.getPerpMarketAccount(marketIndex);
      if (!market) return undefined;
      const oracleData = client.getMMOracleDataForPerpMarket(marketIndex);
      const [bidBn, askBn] = calculateBidAskPrice(market.amm, oracleData);
      const oracle = oracleData.price.toNumber() / 1e6;
      const bid = bidBn.toNumber() / 1e6;
      const ask = askBn.toNumber() / 1e6;
      const rate = market.amm.lastFundingRate.toNumber() / 1e9;
      return {
        marketIndex,
        mark: (bid + ask) / 2,
        bid,
        ask,
        oracle,
        fundingRate: oracle > 0 ? rate / oracle : 0,
        slot: oracleData.slot.toNumber(),
      };
    },
    async close() {
      await client.unsubscribe();
    },
  };
}
