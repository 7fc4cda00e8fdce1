/**
 * Drift's order book as a trader sees it: the DLOB (every user's resting orders, from getProgramAccounts of
 * the user accounts that have open orders) merged with the vAMM's quotes (the SDK's vAMM L2 generator), with
 * the SDK's own `DLOB.getL2` — the book Drift's interface shows. Best bid/ask of this book give live mode's
 * bid, ask and mark (DESIGN.md §10).
 *
 * The DLOB is the expensive half (thousands of accounts on mainnet), so it is refreshed at most every
 * `refreshMs`; when a refresh fails the last snapshot serves until it is `maxAgeMs` old, after which the book
 * is the vAMM alone (and `dlobAgeMs` says so). Markets and oracles come from the client's polling.
 */
import {
  BN,
  DLOB,
  type DriftClient,
  getUserFilter,
  getUserWithOrderFilter,
  getVammL2Generator,
  isUserProtectedMaker,
  MarketType,
  type UserAccount,
} from '@drift-labs/sdk';
import type { BookLevel, L2Book } from '../port.ts';
import { fromBN } from './mapping.ts';

export interface DlobBookOptions {
  /** Minimum ms between DLOB refreshes. Default 10 s. */
  refreshMs?: number;
  /** A DLOB snapshot older than this is not used (vAMM only). Default 60 s. */
  maxAgeMs?: number;
  clock?: () => number;
}

const TOP_OF_BOOK = [100n, 1_000n, 10_000n].map((usd) => new BN((usd * 1_000_000n).toString()));

interface Snapshot {
  users: { key: string; account: UserAccount }[];
  slot: number;
  at: number;
}

export class DlobBook {
  readonly #client: DriftClient;
  readonly #refreshMs: number;
  readonly #maxAgeMs: number;
  readonly #clock: () => number;
  #snapshot: Snapshot | undefined;
  #refreshing: Promise<void> | undefined;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  /** The last refresh error (undefined after a success). */
  lastError: string | undefined;

  constructor(client: DriftClient, o: DlobBookOptions = {}) {
    this.#client = client;
    this.#refreshMs = o.refreshMs ?? 10_000;
    this.#maxAgeMs = o.maxAgeMs ?? 60_000;
    this.#clock = o.clock ?? Date.now;
  }

  /** Ms since the DLOB snapshot in use was taken (Infinity when none). */
  get dlobAgeMs(): number {
    return this.#snapshot ? this.#clock() - this.#snapshot.at : Number.POSITIVE_INFINITY;
  }

  /** The merged book (best first), undefined when the client has not loaded the market. */
  async book(marketIndex: number, depth = 10): Promise<L2Book | undefined> {
    await this.#maybeRefresh();
    return this.bookNow(marketIndex, depth);
  }

  /** The book from what is already loaded (no I/O). */
  bookNow(marketIndex: number, depth = 10): L2Book | undefined {
    const market = this.#client.getPerpMarketAccount(marketIndex);
    if (!market) return undefined;
    const oracle = this.#client.getMMOracleDataForPerpMarket(marketIndex);
    const snap = this.#snapshot && this.dlobAgeMs <= this.#maxAgeMs ? this.#snapshot : undefined;
    const dlob = new DLOB();
    const slot = Math.max(snap?.slot ?? 0, oracle.slot.toNumber());
    for (const { key, account } of snap?.users ?? []) {
      const protectedMaker = isUserProtectedMaker(account);
      for (const order of account.orders) {
        if (order.marketIndex !== marketIndex || !('perp' in order.marketType)) continue;
        if (!('open' in order.status)) continue;
        dlob.insertOrder(order, key, slot, protectedMaker, order.baseAssetAmount);
      }
    }
    const l2 = dlob.getL2({
      marketIndex,
      marketType: MarketType.PERP,
      slot,
      oraclePriceData: oracle,
      depth,
      fallbackL2Generators: [
        getVammL2Generator({
          marketAccount: market,
          mmOraclePriceData: oracle,
          numOrders: depth,
          now: new BN(Math.floor(this.#clock() / 1000)),
          // Small top levels ($100, $1,000, $10,000 of quote) so the best bid/ask are the vAMM's touch, not
          // the average price of a tenth of its liquidity (the generator's default first level).
          topOfBookQuoteAmounts: TOP_OF_BOOK,
        }),
      ],
    });
    const levels = (side: { price: BN; size: BN }[]): BookLevel[] =>
      side.map((l) => ({ price: fromBN(l.price), base: fromBN(l.size) }));
    return { marketIndex, ts: this.#clock(), bids: levels(l2.bids), asks: levels(l2.asks) };
  }

  async #maybeRefresh(): Promise<void> {
    if (this.#clock() - this.#lastAttempt < this.#refreshMs) return;
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    await this.#refreshing;
  }

  async #refresh(): Promise<void> {
    this.#lastAttempt = this.#clock();
    const client = this.#client;
    try {
      const res = (await (
        client.connection as unknown as { _rpcRequest(m: string, a: unknown[]): Promise<RpcProgramAccounts> }
      )._rpcRequest('getProgramAccounts', [
        client.program.programId.toBase58(),
        {
          commitment: 'confirmed',
          filters: [getUserFilter(), getUserWithOrderFilter()],
          encoding: 'base64',
          withContext: true,
        },
      ])) as RpcProgramAccounts;
      if (res.error) throw new Error(`getProgramAccounts: ${res.error.message}`);
      const users = res.result.value.map((a) => ({
        key: a.pubkey,
        account: client.program.coder.accounts.decodeUnchecked(
          'User',
          Buffer.from(a.account.data[0], 'base64'),
        ) as UserAccount,
      }));
      this.#snapshot = { users, slot: res.result.context.slot, at: this.#clock() };
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
    }
  }
}

interface RpcProgramAccounts {
  error?: { message: string };
  result: {
    context: { slot: number };
    value: { pubkey: string; account: { data: [string, string] } }[];
  };
}
