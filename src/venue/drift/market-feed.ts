/**
 * Read-only Drift market data for the runner's paper-on-live-prices and live modes, from a polling
 * DriftClient (no signing key: a throwaway wallet, never used to sign):
 * - bid / ask: the best levels of Drift's book, DLOB and vAMM together (order-book.ts); mark = their midpoint
 *   (DESIGN.md §10);
 * - oracle and its staleness: slots since the oracle was published (at 400 ms a slot) plus the time since
 *   this feed last heard from the RPC, stale beyond the exchange's own `slotsBeforeStaleForMargin` guard rail
 *   or when the feed itself is silent;
 * - the market as the chain has it (chain-markets.ts): spec, and status → reduce-only / paused;
 * - the last funding rate.
 * A quote is recomputed on request from what the client last polled; `refresh` pulls a new DLOB snapshot.
 */
import { BulkAccountLoader, DriftClient, Wallet } from '@drift-labs/sdk';
import { Keypair } from '@solana/web3.js';
import type { L2Book } from '../port.ts';
import { type ChainMarket, marketFromAccount } from './chain-markets.ts';
import { DlobBook } from './order-book.ts';
import { type RpcConnectionOptions, rpcConnection } from './rpc-connection.ts';
import { subscribeOrExplain } from './subscribe.ts';

/** Solana's target slot time. */

export interface DriftQuote {
  marketIndex: number;
  /** Floats in USD (display and decision maths). */
  mark: number;
  bid: number;
  ask: number;
  oracle: number;
  /** Last hourly funding rate as a fraction of the oracle price (longs pay when positive). */
  fundingRate: number;
  /** The newest slot the feed has seen, and the slot the oracle was published in. */
  slot: number;
  oracleSlot: number;
  /** Estimated age of the oracle (ms): its slot lag plus the time since the feed last heard from the RPC. */
  oracleAgeMs: number;
  oracleStale: boolean;
  /** The market as the chain has it (spec without fees, status flags). */
  market: ChainMarket;
  /** The merged book the bid/ask came from (best first). */
  book: L2Book | undefined;
}

export interface DriftMarketFeed {
  /** The latest quote of a market, undefined before its accounts loaded. */
  quote(marketIndex: number): DriftQuote | undefined;
  /** Reads the markets and oracles now, and a fresh DLOB snapshot when due. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface MarketFeedOptions {
  rpcUrl: string;
  perpMarketIndexes: number[];
  env?: 'mainnet-beta' | 'devnet';
  pollMs?: number;
  rpc?: RpcConnectionOptions;
  /** DLOB refresh interval (ms). Default 10 s. */
  dlobRefreshMs?: number;
  /** Wall ms per slot, for oracle age. Default 400 (Solana's target). */
  msPerSlot?: number;
  clock?: () => number;
}

export async function connectDriftMarketFeed(o: MarketFeedOptions): Promise<DriftMarketFeed> {
  const clock = o.clock ?? Date.now;
  const msPerSlot = o.msPerSlot ?? 400;
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
  const dlob = new DlobBook(client, { refreshMs: o.dlobRefreshMs, clock });
  // When the feed last saw the RPC's slot advance (a silent RPC must age the oracle too).
  let seenSlot = accountLoader.mostRecentSlot;
  let seenAt = clock();
  const slotNow = (): number => {
    const s = accountLoader.mostRecentSlot;
    if (s > seenSlot) {
      seenSlot = s;
      seenAt = clock();
    }
    return seenSlot;
  };
  await dlob.book(o.perpMarketIndexes[0] ?? 0).catch(() => undefined);
  return {
    quote(marketIndex) {
      const account = client.getPerpMarketAccount(marketIndex);
      if (!account) return undefined;
      const oracleData = client.getMMOracleDataForPerpMarket(marketIndex);
      const oracle = oracleData.price.toNumber() / 1e6;
      const book = dlob.bookNow(marketIndex, 10);
      const bestBid = book?.bids[0]?.price;
      const bestAsk = book?.asks[0]?.price;
      const bid = bestBid === undefined ? oracle : Number(bestBid) / 1e6;
      const ask = bestAsk === undefined ? oracle : Number(bestAsk) / 1e6;
      const slot = slotNow();
      const oracleSlot = oracleData.slot.toNumber();
      const lagSlots = Math.max(0, slot - oracleSlot);
      const limitSlots = client
        .getStateAccount()
        .oracleGuardRails.validity.slotsBeforeStaleForMargin.toNumber();
      const silentMs = clock() - seenAt;
      const rate = account.amm.lastFundingRate.toNumber() / 1e9;
      return {
        marketIndex,
        mark: (bid + ask) / 2,
        bid,
        ask,
        oracle,
        fundingRate: oracle > 0 ? rate / oracle : 0,
        slot,
        oracleSlot,
        oracleAgeMs: lagSlots * msPerSlot + silentMs,
        oracleStale: lagSlots > limitSlots || silentMs > limitSlots * msPerSlot,
        market: marketFromAccount(account),
        book,
      };
    },
    async refresh() {
      // One batched read of every market and oracle now, so a bar's quote is as fresh as the bar.
      await accountLoader.load();
      await dlob.book(o.perpMarketIndexes[0] ?? 0).catch(() => undefined);
    },
    async close() {
      await client.unsubscribe();
    },
  };
}
