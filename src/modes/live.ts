/**
 * Composition roots on Drift's network (need RPC_URL; not exercised by the offline tests):
 * - paper on live prices: a read-only market feed, simulated fills (openPaperLiveMode);
 * - live: DriftVenue with the runner's key, one subaccount per bot provisioned on first start and recorded in
 *   perps_accounts, the same market feed for decisions (openLiveMode).
 */
import type { BotConfig } from '../config/bot-config.ts';
import { parseBotConfig } from '../config/bot-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { getMarket, specProblems } from '../domain/markets.ts';
import type { OpenBot } from '../runner/bot-driver.ts';
import type { RunnerBotRecord } from '../runner/bot-records.ts';
import type { BotSession } from '../runner/bot-session.ts';
import type { SigningKeypair } from '../runner/keys.ts';
import { openLivePriced } from '../runner/live-priced-driver.ts';
import { type Db, getPerpsAccount, linkPerpsAccount, listBots } from '../store/index.ts';
import type { DriftAccountState } from '../venue/drift/account-reader.ts';
import type { ChainMarket } from '../venue/drift/chain-markets.ts';
import { connectLiveDrift, type LiveDriftOptions } from '../venue/drift/live.ts';
import { connectDriftMarketFeed, type MarketFeedOptions } from '../venue/drift/market-feed.ts';

export interface LiveModeOptions {
  db: Db;
  rpcUrl: string;
  keypair: SigningKeypair;
  configs: { raw: Record<string, unknown>; source: string }[];
  /** Tuning of the Drift connection (polling, heartbeat, RPC timeouts, send retries); defaults are live's. */
  drift?: Pick<LiveDriftOptions, 'pollMs' | 'heartbeatMs' | 'rpc' | 'retry'>;
  /** Market feed tuning (DLOB refresh, slot duration for oracle age). */
  feed?: Pick<MarketFeedOptions, 'dlobRefreshMs' | 'msPerSlot'>;
  /** Wall ms per synthetic bar. Default 15 s. */
  barMs?: number;
  /** The bots' clock. Default Date.now. */
  now?: () => number;
}

export interface ModeHandle {
  openBot: OpenBot;
  close: () => Promise<void>;
}

/** Market indexes of every bot this runner may drive (config files and bots already in the database). */
async function marketIndexes(db: Db, configs: LiveModeOptions['configs']): Promise<number[]> {
  const out = new Set<number>();
  for (const c of configs) for (const m of parseBotConfig(c.raw, c.source).markets) out.add(m.marketIndex);
  for (const b of await listBots(db)) for (const s of b.markets) out.add(getMarket(s).marketIndex);
  return [...out].sort((a, b) => a - b);
}

export async function openPaperLiveMode(o: Omit<LiveModeOptions, 'keypair'>): Promise<ModeHandle> {
  const feed = await connectDriftMarketFeed({
    rpcUrl: o.rpcUrl,
    perpMarketIndexes: await marketIndexes(o.db, o.configs),
  });
  return {
    openBot: (record, ctx) => {
      const unknownSpecs = specProblems(record.config.markets);
      if (unknownSpecs.length > 0) throw new ConfigError(`bot ${record.id}`, unknownSpecs);
      return openLivePriced({ record, ctx, feed, venue: { kind: 'paper' } });
    },
    close: () => feed.close(),
  };
}

export async function openLiveMode(o: LiveModeOptions): Promise<ModeHandle> {
  const perpMarketIndexes = await marketIndexes(o.db, o.configs);
  const drift = await connectLiveDrift({
    rpcUrl: o.rpcUrl,
    keypair: o.keypair,
    perpMarketIndexes,
    ...o.drift,
  });
  const feed = await connectDriftMarketFeed({
    rpcUrl: o.rpcUrl,
    perpMarketIndexes,
    pollMs: o.drift?.pollMs,
    rpc: o.drift?.rpc,
    ...o.feed,
  });
  // One venue for every bot: its events go to the bot that owns the subaccount.
  const routes = new Map<number, BotSession>();
  const stop = drift.venue.subscribe((e) => routes.get(e.subaccountId)?.onVenueEvent(e));
  // The wallet's fees per market (its fee tier on chain), refreshed every 6 hours.
  const fees = new Map<number, { takerFeeBps: number; makerFeeBps: number }>();
  const loadFees = async () => {
    for (const i of perpMarketIndexes) fees.set(i, await drift.feeBps(i));
  };
  await loadFees();
  const feeTimer = setInterval(() => void loadFees().catch(() => undefined), 6 * 3_600_000);
  feeTimer.unref?.();
  const openBot: OpenBot = async (record, ctx) => {
    const subaccountId = await provision(o.db, record.id, record.config, drift.venue, o.keypair.publicKey);
    return openLivePriced({
      record: withChainMarkets(record, drift.markets(), fees),
      ctx,
      feed,
      venue: {
        kind: 'live',
        venue: drift.venue,
        subaccountId,
        route: (sub, session) => {
          routes.set(sub, session);
          return () => routes.delete(sub);
        },
        liquidationPrice: (account, i) => (account as Partial<DriftAccountState>).liquidationPrices?.[i],
        health: async () => {
          // A degraded venue is probed (and recovered) now, at the bot's pace, besides its own heartbeat.
          if (drift.venue.status.status === 'degraded') await drift.venue.heartbeat();
          const h = drift.venue.status;
          return h.status === 'degraded' ? h.reason : undefined;
        },
        fees: (i) => fees.get(i),
        settlePnl: (sub, markets) => drift.venue.settlePnl(sub, markets),
      },
      barMs: o.barMs ?? 15_000,
      now: o.now,
    });
  };
  return {
    openBot,
    close: async () => {
      stop();
      clearInterval(feeTimer);
      await feed.close();
      await drift.close();
    },
  };
}

/**
 * Live trades on the chain's specs: each market of the bot takes the on-chain spec (tick, step, min size,
 * margin ratios, size premium, tier) and the wallet's fees instead of the table and the config's fees.
 */
function withChainMarkets(
  record: RunnerBotRecord,
  chain: Map<number, ChainMarket>,
  fees: Map<number, { takerFeeBps: number; makerFeeBps: number }>,
): RunnerBotRecord {
  const markets = record.config.markets.map((m) => {
    const c = chain.get(m.marketIndex);
    if (!c) throw new Error(`perp market ${m.symbol} (${m.marketIndex}) is not on chain`);
    const f = fees.get(m.marketIndex) ?? { takerFeeBps: m.takerFeeBps, makerFeeBps: m.makerFeeBps };
    return { ...c.spec, ...f };
  });
  return { ...record, config: { ...record.config, markets } as BotConfig };
}

/** The bot's subaccount: recorded in perps_accounts, or created (next free id) on first start. */
async function provision(
  db: Db,
  botId: string,
  config: BotConfig,
  venue: { createSubaccount(name: string): Promise<number> },
  authority: string,
): Promise<number> {
  const known = await getPerpsAccount(db, botId);
  if (known) {
    if (known.authority !== authority) {
      throw new Error(
        `bot ${botId} trades subaccount ${known.subaccountId} of another wallet (${known.authority})`,
      );
    }
    return known.subaccountId;
  }
  const id = await venue.createSubaccount(config.name.slice(0, 32));
  await linkPerpsAccount(db, botId, { authority, subaccountId: id });
  return id;
}
