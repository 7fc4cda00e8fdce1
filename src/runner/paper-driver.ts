/**
 * Paper mode on replayed data: the bot trades on its own simulated venue (a DurableSimExchange with one
 * subaccount) against a recorded market stream paced `speed`× faster than real time. The venue's state and the
 * replay cursor are durable (paper_venues), written in the same transaction as the tick's journal and fills,
 * so a SIGKILLed runner resumes exactly where its last commit left off.
 *
 * First start: deposit the config's collateral, replay `warmupMs` of history into the venue and the bot's
 * market data without deciding (the range and the spread's z-score need history), then trade.
 * Restart: restore the venue and cursor, re-read the same warm-up history into the bot, reconcile, ramp in.
 */
import { eventTime } from '../data/merge.ts';
import type { MarketEvent } from '../data/types.ts';
import { SimVenue } from '../venue/sim/sim-venue.ts';
import type { BotDriver, OpenBotContext } from './bot-driver.ts';
import { type BotEngine, createEngine } from './bot-engine.ts';
import type { RunnerBotRecord } from './bot-records.ts';
import type { BotSession } from './bot-session.ts';
import { fundSubaccount, openSession, savedPaperVenue } from './driver-setup.ts';
import { DurableSimExchange, type DurableSimState } from './durable-sim.ts';
import type { PaperVenueRow } from './persist.ts';
import { reconcileSession } from './reconcile.ts';
import { type ReplayCursor, ReplayFeed } from './replay-feed.ts';

export interface PaperReplayOptions {
  record: RunnerBotRecord;
  ctx: OpenBotContext;
  /** The bot's markets' events, time-ordered (mergeMarketEvents). */
  events: MarketEvent[];
  /** Funding records are in `events`: the venue replays them instead of computing Drift's formula. */
  fundingReplay: boolean;
  /** Data ms per wall ms. */
  speed: number;
  /** Start over (time-shifted) when the data ends; otherwise the bot idles at the end. Default true. */
  loop?: boolean;
  /** History replayed before trading. Default: 1 day (grid); the spread's window of cycles (spread). */
  warmupMs?: number;
  /** Snapshot cadence on the bot's (data) clock. Default 15 min. */
  snapshotCadenceMs?: number;
  /** Events per tick at most; when behind, the pacing re-anchors instead of bursting. Default 2000. */
  maxEventsPerTick?: number;
  now?: () => number;
}

interface SavedPaper {
  venue: DurableSimState;
  cursor: ReplayCursor;
  subaccountId: number;
}

/**
 * A week of history before trading starts: the grid's blended range then has its full 1W window, and the
 * spread bot's rolling fit is warm (at least window + lag + 2 cycles when those are longer than a week).
 */
export function defaultWarmupMs(record: RunnerBotRecord): number {
  const c = record.config;
  const week = 7 * 86_400_000;
  if (c.strategy === 'grid') return week;
  return Math.max(week, (c.spread.window + c.spread.signalLagPeriods + 2) * c.spread.cycleIntervalSec * 1000);
}

export async function openPaperReplay(o: PaperReplayOptions): Promise<BotDriver> {
  const { record, ctx } = o;
  const start = await startReplay(o);
  const { exchange, subaccountId } = start;
  const firstClose = (symbol: string): number => {
    for (const e of o.events) if (e.type === 'bar' && e.market === symbol) return e.candle.close;
    throw new Error(`no price data for ${symbol}`);
  };
  const engine = createEngine(record.config, firstClose, exchange.now, 2, ctx.marketData);
  // A bot that fails to open gives its view of the shared range back (it would pin the timeline's history).
  try {
    for (const e of start.warm) {
      if (e.type === 'bar') engine.warm(e.market, e.candle, e.intervalMs);
      else engine.onFunding(e.market, e.record);
    }
    const venue = new SimVenue(exchange);
    const session = await openSession(ctx, record, {
      mode: 'paper',
      engine,
      venue,
      subaccountId,
      liquidationPrice: (_a, i) => exchange.liquidationPrice(subaccountId, i),
      deposited: start.deposited,
      snapshotCadenceMs: o.snapshotCadenceMs ?? 15 * 60_000,
    });
    const unsubscribe = venue.subscribe((e) => session.onVenueEvent(e));
    await reconcileSession(ctx.db, session, exchange.now);
    await session.afterTick(exchange.now);
    return replayDriver(o, { ...start, venue, engine, session, unsubscribe });
  } catch (err) {
    engine.release?.();
    throw err;
  }
}

/** The venue and the replay as the bot starts on them. */
interface ReplayStart {
  exchange: DurableSimExchange;
  feed: ReplayFeed;
  subaccountId: number;
  deposited: bigint;
  /** History to warm the bot's market data with (no decisions). */
  warm: MarketEvent[];
}

/**
 * The venue and the replay cursor as the last commit left them (restart), or as a first start makes them: the
 * subaccount funded, then `warmupMs` of history replayed into the venue.
 */
async function startReplay(o: PaperReplayOptions): Promise<ReplayStart> {
  const { record, ctx } = o;
  const exchange = new DurableSimExchange({
    markets: record.config.markets,
    spreadBps: 2,
    fundingMode: o.fundingReplay ? 'replay' : 'formula',
  });
  const saved = await savedPaperVenue<SavedPaper>(ctx, record);
  const feed = new ReplayFeed(o.events, saved?.cursor, o.loop ?? true);
  const warmupMs = o.warmupMs ?? defaultWarmupMs(record);
  if (saved) {
    exchange.importState(saved.venue);
    const warm = feed.history(exchange.now - warmupMs);
    return { exchange, feed, subaccountId: saved.subaccountId, deposited: record.deposited, warm };
  }
  const { subaccountId, deposited } = await fundSubaccount(ctx, record, exchange);
  const warm: MarketEvent[] = [];
  const until = feed.peekTime() + warmupMs;
  while (feed.peekTime() < until) {
    const e = feed.next();
    if (!e) break;
    apply(exchange, e);
    warm.push(e);
  }
  exchange.drainEvents();
  return { exchange, feed, subaccountId, deposited, warm };
}

/** An opened bot on its replay. */
interface Replay extends ReplayStart {
  venue: SimVenue;
  engine: BotEngine;
  session: BotSession;
  unsubscribe: () => void;
}

/** The driver: each tick replays the data due by wall time (`speed`× real time) into the venue and the bot. */
function replayDriver(o: PaperReplayOptions, r: Replay): BotDriver {
  const { exchange, feed, engine, session, subaccountId } = r;
  const now = o.now ?? Date.now;
  let dataAnchor = exchange.now;
  let wallAnchor = now();
  let forced: string | undefined;
  let ended = false;
  const maxEvents = o.maxEventsPerTick ?? 2000;
  return {
    session,
    clock: () => exchange.now,
    requestDecision(reason) {
      // The spread bot decides on its cycle schedule only (market orders, nothing resting to pull).
      if (engine.strategy === 'grid') forced = reason;
    },
    async tick(wall) {
      if (session.status === 'degraded') await session.recover(exchange.now);
      const n = await replayUntil(r, dataAnchor + (wall - wallAnchor) * o.speed, maxEvents);
      if (n === maxEvents) {
        // Behind schedule (slow machine, long pause): continue from here rather than burst to catch up.
        dataAnchor = feed.peekTime();
        wallAnchor = wall;
      }
      if (forced) {
        const reason = forced;
        forced = undefined;
        await session.cycle(exchange.now, reason);
      }
      if (feed.done && !ended) {
        ended = true;
        session.event(
          'info',
          'replay_end',
          'the replay data ended; the bot idles (use --loop to start over)',
        );
      }
      // a forced cycle above that sent anything has writes: it is checked after the tick like any replayed bar
      if (n > 0 || session.hasWrites()) await session.afterTick(exchange.now);
    },
    durable(): PaperVenueRow {
      const state: SavedPaper = { venue: exchange.exportState(), cursor: feed.cursor, subaccountId };
      return { botId: o.record.id, state, dataTs: exchange.now || eventTime(o.events[0] as MarketEvent) };
    },
    async close() {
      r.unsubscribe();
      engine.release?.();
    },
  };
}

/**
 * Replays the events up to data time `target` (at most `maxEvents`) into the venue and the bot, running the
 * cycles that come due; returns how many it replayed.
 */
async function replayUntil(r: Replay, target: number, maxEvents: number): Promise<number> {
  const { feed, venue, engine, session } = r;
  let n = 0;
  while (n < maxEvents && feed.peekTime() <= target) {
    const e = feed.next();
    if (!e) break;
    n++;
    // A long catch-up tick yields now and then so timers run: the lease keeper's renewals above all (a tick
    // that starves them for a few seconds loses the bot's lease).
    if (n % 200 === 0) await new Promise<void>((res) => setImmediate(res));
    if (e.type === 'funding') {
      venue.applyFundingRecord(e.market, e.record);
      engine.onFunding(e.market, e.record);
      continue;
    }
    venue.onBar(e.market, e.candle, e.intervalMs);
    engine.onBar(e.market, e.candle, e.intervalMs);
    await session.cycle(e.candle.ts + e.intervalMs);
  }
  return n;
}

function apply(exchange: DurableSimExchange, e: MarketEvent): void {
  if (e.type === 'funding') exchange.applyFundingRecord(e.market, e.record);
  else exchange.onBar(e.market, e.candle, e.intervalMs);
}
