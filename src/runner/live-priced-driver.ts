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
import { quoteToInt } from '../domain/precision.ts';
import type { AccountState } from '../domain/types.ts';
import { decodeJson } from '../store/index.ts';
import type { DriftMarketFeed } from '../venue/drift/market-feed.ts';
import type { VenuePort } from '../venue/port.ts';
import { SimVenue } from '../venue/sim/sim-venue.ts';
import { createEngine } from './bot-engine.ts';
import { fundingBaselines, pnlTotals, type RunnerBotRecord, saveDeposited } from './bot-records.ts';
import { BotSession } from './bot-session.ts';
import { DurableSimExchange, type DurableSimState } from './durable-sim.ts';
import type { PaperVenueRow } from './persist.ts';
import { reconcileSession } from './reconcile.ts';
import type { BotDriver, OpenBotContext } from './runner.ts';

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
  const { config } = record;
  const now = o.now ?? Date.now;
  const barMs = o.barMs ?? 15_000;
  const priceOf = (symbol: string): number => {
    const m = config.markets.find((x) => x.symbol === symbol);
    const q = m && feed.quote(m.marketIndex);
    if (!q || !(q.mark > 0)) throw new Error(`no live price yet for ${symbol}`);
    return q.mark;
  };
  const engine = createEngine(config, priceOf, now());
  let venue: VenuePort;
  let subaccountId: number;
  let liquidationPrice: (account: AccountState, marketIndex: number) => bigint | undefined;
  let exchange: DurableSimExchange | undefined;
  let deposited = record.deposited;
  if (o.venue.kind === 'paper') {
    exchange = new DurableSimExchange({ markets: config.markets, spreadBps: 2, fundingMode: 'formula' });
    const rows = await ctx.db.query<{ state: unknown }>('select state from paper_venues where bot_id = $1', [
      record.id,
    ]);
    const saved = rows[0]
      ? decodeJson<{ venue: DurableSimState; subaccountId: number }>(rows[0].state)
      : undefined;
    if (saved) {
      exchange.importState(saved.venue);
      subaccountId = saved.subaccountId;
    } else {
      subaccountId = exchange.createSubaccount(config.name);
      deposited = quoteToInt(config.collateral);
      exchange.deposit(subaccountId, deposited);
      await saveDeposited(ctx.db, record.id, deposited);
    }
    const ex = exchange;
    const sub = subaccountId;
    venue = new SimVenue(ex);
    liquidationPrice = (_a, i) => ex.liquidationPrice(sub, i);
  } else {
    venue = o.venue.venue;
    subaccountId = o.venue.subaccountId;
    liquidationPrice = o.venue.liquidationPrice;
  }
  const totals = await pnlTotals(ctx.db, record.id);
  const baselines = await fundingBaselines(ctx.db, record.id);
  const session = new BotSession({
    id: record.id,
    name: config.name,
    mode: o.venue.kind,
    config,
    objectiveVersion: record.objectiveVersion,
    engine,
    venue,
    subaccountId,
    liquidationPrice,
    leaseHeld: ctx.leaseHeld,
    metrics: ctx.metrics,
    log: ctx.log,
    deposited,
    fundingTotal: totals.funding,
    fundingBaselines: baselines,
    feesTotal: totals.fees,
    snapshotCadenceMs: 60_000,
  });
  const unsubscribe =
    o.venue.kind === 'paper'
      ? venue.subscribe((e) => session.onVenueEvent(e))
      : o.venue.route(subaccountId, session);
  await reconcileSession(ctx.db, session, now());

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
        let stepped = false;
        await feed.refresh();
        for (const m of config.markets) {
          const q = feed.quote(m.marketIndex);
          if (!q || !(q.mark > 0)) continue;
          // The market as the chain has it: status always (rules F/G); live also trades on its spec.
          const fees = o.venue.kind === 'live' ? o.venue.fees?.(m.marketIndex) : undefined;
          engine.onVenueMarket(m.symbol, {
            reduceOnly: q.market.reduceOnly,
            paused: q.market.paused,
            spec: o.venue.kind === 'live' ? { ...q.market.spec, ...(fees ?? pickFees(m)) } : undefined,
          });
          const open = lastClose.get(m.marketIndex) ?? q.mark;
          lastClose.set(m.marketIndex, q.mark);
          const candle: Candle = {
            ts: ts - barMs,
            open,
            high: Math.max(open, q.mark),
            low: Math.min(open, q.mark),
            close: q.mark,
            volume: 0,
            oracleClose: q.oracle,
            // A live oracle is stale when its slot lags (rule F: its age against maxOracleAgeSec), not when a
            // bar repeats it: the feed's age is the slot lag plus the time since it last heard from the RPC.
            oracleLagMs: q.oracleAgeMs,
            fundingRate: q.fundingRate,
            bid: q.bid,
            ask: q.ask,
          };
          if (venue instanceof SimVenue) venue.onBar(m.symbol, candle, barMs);
          engine.onBar(m.symbol, candle, barMs);
          stepped = true;
        }
        if (stepped) await session.cycle(ts);
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
      return { botId: record.id, state: { venue: exchange.exportState(), subaccountId }, dataTs: now() };
    },
    async close() {
      unsubscribe();
    },
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
