/**
 * A bot on Drift's live prices: every `barMs` of wall time the latest quote of each market becomes one bar
 * (open = previous close, close = mark, high/low their extremes, oracle = Drift's oracle) for the bot's market
 * data — and, in paper mode, for its simulated venue, which fills resting orders the mark trades through.
 * In live mode the venue is DriftVenue and fills are real. There is no history to warm up from: the grid's
 * range fills in as bars arrive. Live mode through this driver runs against a compiled Drift program in
 * live-bankrun.test.ts (when DRIFT_PROGRAM_SO is set); paper on live prices needs an RPC.
 */
import type { Candle } from '../data/types.ts';
import type { MarketSpec } from '../domain/markets.ts';
import type { AccountState } from '../domain/types.ts';
import type { DriftMarketFeed, DriftQuote } from '../venue/drift/market-feed.ts';
import type { VenuePort } from '../venue/port.ts';
import { SimVenue } from '../venue/sim/sim-venue.ts';
import type { BotDriver, OpenBotContext } from './bot-driver.ts';
import { type BotEngine, createEngine } from './bot-engine.ts';
import type { RunnerBotRecord } from './bot-records.ts';
import type { BotSession } from './bot-session.ts';
import { fundSubaccount, openSession, savedPaperVenue } from './driver-setup.ts';
import { DurableSimExchange, type DurableSimState } from './durable-sim.ts';
import type { PaperVenueRow } from './persist.ts';
import { reconcileSession } from './reconcile.ts';

export type LiveVenueChoice =
  | { kind: 'paper' }
  | {
      kind: 'live';
      venue: VenuePort;
      subaccountId: number;
      /** Subscribes this bot to the shared venue's events of its subaccount. */
      route: (subaccountId: number, session: BotSession) => () => void;
      liquidationPrice: (account: AccountState, marketIndex: number) => bigint | undefined;
      /**
       * Why the venue cannot take commands now (its connection is degraded), or undefined when it can. Asked
       * at every tick of the bot (so at the bot's backoff pace when degraded): it may probe and recover first.
       */
      health?: () => Promise<string | undefined>;
      /** settle_pnl for these markets of the subaccount (live: DriftVenue.settlePnl). */
      settlePnl?: (
        subaccountId: number,
        marketIndexes: number[],
      ) => Promise<{ ok: boolean; detail?: string }>;
      /** The user's fees per market index (their tier on chain), merged into the chain's market spec. */
      fees?: (marketIndex: number) => { takerFeeBps: number; makerFeeBps: number } | undefined;
    };

/** The venue reported itself degraded: a transient condition, the bot backs off and recovers. */
export class VenueDegradedError extends Error {
  override name = 'VenueDegraded';
}

export interface LivePricedOptions {
  record: RunnerBotRecord;
  ctx: OpenBotContext;
  feed: DriftMarketFeed;
  venue: LiveVenueChoice;
  /** Wall ms per synthetic bar. Default 15 s. */
  barMs?: number;
  now?: () => number;
  /** Live: how often positive unsettled pnl is settled into the USDC balance, and from what size. */
  settle?: { everyMs: number; minQuote: bigint };
}

/** Hourly, from 1 USDC: enough to keep free collateral honest without a transaction per bar. */
const DEFAULT_SETTLE = { everyMs: 3_600_000, minQuote: 1_000_000n };

const pickFees = (m: MarketSpec) => ({ takerFeeBps: m.takerFeeBps, makerFeeBps: m.makerFeeBps });

export async function openLivePriced(o: LivePricedOptions): Promise<BotDriver> {
  const { record, ctx, feed } = o;
  const now = o.now ?? Date.now;
  const priceOf = (symbol: string): number => {
    const m = record.config.markets.find((x) => x.symbol === symbol);
    const q = m && feed.quote(m.marketIndex);
    if (!q || !(q.mark > 0)) throw new Error(`no live price yet for ${symbol}`);
    return q.mark;
  };
  const engine = createEngine(record.config, priceOf, now());
  const v = await openVenue(o);
  const session = await openSession(ctx, record, {
    mode: o.venue.kind,
    engine,
    venue: v.venue,
    subaccountId: v.subaccountId,
    liquidationPrice: v.liquidationPrice,
    deposited: v.deposited,
    snapshotCadenceMs: 60_000,
  });
  const unsubscribe =
    o.venue.kind === 'paper'
      ? v.venue.subscribe((e) => session.onVenueEvent(e))
      : o.venue.route(v.subaccountId, session);
  await reconcileSession(ctx.db, session, now());
  return livePricedDriver(o, { ...v, engine, session, unsubscribe });
}

/** The bot's venue and subaccount: given (live), or its own simulated exchange (paper on live prices). */
interface OpenedVenue {
  venue: VenuePort;
  subaccountId: number;
  liquidationPrice: (account: AccountState, marketIndex: number) => bigint | undefined;
  deposited: bigint;
  /** Paper: the simulated exchange, whose state is durable (paper_venues). */
  exchange?: DurableSimExchange;
}

/** Paper: the simulated exchange as the last commit saved it, or a new one with the subaccount funded. */
async function openVenue(o: LivePricedOptions): Promise<OpenedVenue> {
  const { record, ctx } = o;
  if (o.venue.kind === 'live') {
    const { venue, subaccountId, liquidationPrice } = o.venue;
    return { venue, subaccountId, liquidationPrice, deposited: record.deposited };
  }
  const exchange = new DurableSimExchange({
    markets: record.config.markets,
    spreadBps: 2,
    fundingMode: 'formula',
  });
  const saved = await savedPaperVenue<{ venue: DurableSimState; subaccountId: number }>(ctx, record);
  let subaccountId: number;
  let deposited = record.deposited;
  if (saved) {
    exchange.importState(saved.venue);
    subaccountId = saved.subaccountId;
  } else {
    ({ subaccountId, deposited } = await fundSubaccount(ctx, record, exchange));
  }
  const sub = subaccountId;
  const liquidationPrice = (_a: AccountState, i: number) => exchange.liquidationPrice(sub, i);
  return { venue: new SimVenue(exchange), subaccountId, liquidationPrice, deposited, exchange };
}

/** An opened bot on live prices. */
interface LivePriced extends OpenedVenue {
  engine: BotEngine;
  session: BotSession;
  unsubscribe: () => void;
}

/**
 * The driver: every `barMs` of wall time a bar from the latest quotes; a forced decision at the next tick; the
 * account re-read every tick (the heartbeat); live, positive pnl settled at its period.
 */
function livePricedDriver(o: LivePricedOptions, r: LivePriced): BotDriver {
  const { engine, session, subaccountId, exchange } = r;
  const now = o.now ?? Date.now;
  const barMs = o.barMs ?? 15_000;
  const lastClose = new Map<number, number>();
  const settle = o.settle ?? DEFAULT_SETTLE;
  let nextSettle = now() + settle.everyMs;
  let nextBar = Math.ceil(now() / barMs) * barMs;
  let forced: string | undefined;
  return {
    session,
    clock: now,
    requestDecision(reason) {
      if (engine.strategy === 'grid') forced = reason;
    },
    async tick(wall) {
      const unhealthy = o.venue.kind === 'live' ? await o.venue.health?.() : undefined;
      if (unhealthy) throw new VenueDegradedError(unhealthy);
      if (session.status === 'degraded') await session.recover(wall);
      if (wall >= nextBar) {
        const ts = nextBar;
        nextBar = Math.floor(wall / barMs) * barMs + barMs;
        await o.feed.refresh();
        if (feedBars(o, r, lastClose, ts, barMs)) await session.cycle(ts);
      }
      if (forced) {
        const reason = forced;
        forced = undefined;
        await session.cycle(wall, reason);
      }
      // Heartbeat: re-read the venue account every tick (repairs happen at the engine's heartbeat decisions).
      await session.afterTick(wall);
      if (o.venue.kind === 'live' && o.venue.settlePnl && wall >= nextSettle) {
        nextSettle = wall + settle.everyMs;
        await settlePositivePnl(session, subaccountId, o.venue.settlePnl, settle.minQuote, wall);
      }
    },
    durable(): PaperVenueRow | undefined {
      if (!exchange) return undefined;
      return { botId: o.record.id, state: { venue: exchange.exportState(), subaccountId }, dataTs: now() };
    },
    async close() {
      r.unsubscribe();
    },
  };
}

/**
 * One bar at `ts` of each market that has a price (open = its previous close, `lastClose`), fed to the simulated
 * venue (paper) and the engine with the market as the chain has it. False when no market had a price.
 */
function feedBars(
  o: LivePricedOptions,
  r: LivePriced,
  lastClose: Map<number, number>,
  ts: number,
  barMs: number,
): boolean {
  let stepped = false;
  for (const m of o.record.config.markets) {
    const q = o.feed.quote(m.marketIndex);
    if (!q || !(q.mark > 0)) continue;
    // The market as the chain has it: status always (rules F/G); live also trades on its spec.
    const fees = o.venue.kind === 'live' ? o.venue.fees?.(m.marketIndex) : undefined;
    r.engine.onVenueMarket(m.symbol, {
      reduceOnly: q.market.reduceOnly,
      paused: q.market.paused,
      spec: o.venue.kind === 'live' ? { ...q.market.spec, ...(fees ?? pickFees(m)) } : undefined,
    });
    const open = lastClose.get(m.marketIndex) ?? q.mark;
    lastClose.set(m.marketIndex, q.mark);
    const candle = quoteBar(q, open, ts, barMs);
    if (r.venue instanceof SimVenue) r.venue.onBar(m.symbol, candle, barMs);
    r.engine.onBar(m.symbol, candle, barMs);
    stepped = true;
  }
  return stepped;
}

/** The bar ending at `ts` from a quote: open given, close = mark, high/low their extremes, Drift's oracle. */
function quoteBar(q: DriftQuote, open: number, ts: number, barMs: number): Candle {
  return {
    ts: ts - barMs,
    open,
    high: Math.max(open, q.mark),
    low: Math.min(open, q.mark),
    close: q.mark,
    volume: 0,
    oracleClose: q.oracle,
    // A live oracle is stale when its slot lags (rule F: its age against maxOracleAgeSec), not when a bar repeats
    // it: the feed's age is the slot lag plus the time since it last heard from the RPC.
    oracleLagMs: q.oracleAgeMs,
    fundingRate: q.fundingRate,
    bid: q.bid,
    ask: q.ask,
  };
}

/**
 * Settles every market whose unsettled pnl (the venue's figure, funding included) is positive and at least
 * `minQuote`: on Drift positive pnl adds to free collateral only once settled. A refusal is logged, not
 * thrown: settling is housekeeping, the next period tries again.
 */
async function settlePositivePnl(
  session: BotSession,
  subaccountId: number,
  settle: (subaccountId: number, marketIndexes: number[]) => Promise<{ ok: boolean; detail?: string }>,
  minQuote: bigint,
  ts: number,
): Promise<void> {
  const pnl = (session.account as { unsettledPnl?: Record<number, bigint> } | undefined)?.unsettledPnl ?? {};
  const markets = Object.entries(pnl)
    .filter(([, v]) => v >= minQuote)
    .map(([k]) => Number(k));
  if (markets.length === 0) return;
  const r = await settle(subaccountId, markets);
  const amounts = Object.fromEntries(markets.map((m) => [m, String(pnl[m])]));
  session.journal(ts, 'note', { settlePnl: amounts, ok: r.ok });
  if (r.ok)
    session.event('info', 'settle_pnl', `settled pnl into USDC for market(s) ${markets.join(', ')}`, amounts);
  else session.event('warn', 'settle_pnl', `settling pnl was refused: ${r.detail ?? ''}`, amounts);
}
