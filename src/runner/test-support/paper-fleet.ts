/**
 * A fleet of paper grid bots driven bar by bar the way the runner drives them (venue bar → engine bar → cycle →
 * afterTick), without a database: each bar's buffered writes are taken (as persist.ts takes them, from the
 * sessions that have any) and dropped. Used by the runner bench and by the test that shared market data changes
 * no decision.
 */
import type { BotConfig } from '../../config/bot-config.ts';
import type { Candle } from '../../data/types.ts';
import { createLogger } from '../../log/logger.ts';
import type { MarketDataHub } from '../../marketdata/market-data-hub.ts';
import type { VenuePort } from '../../venue/port.ts';
import { SimVenue } from '../../venue/sim/sim-venue.ts';
import { createEngine, type EngineDecision } from '../bot-engine.ts';
import { BotSession } from '../bot-session.ts';
import { RunnerMetrics } from '../metrics.ts';

export interface FleetBot {
  session: BotSession;
  venue: SimVenue;
  market: string;
}

export interface OpenFleetBot {
  id: string;
  config: BotConfig;
  /** Bars replayed into the engine before trading (the venue gets the last `venueWarmBars` of them). */
  warm: readonly Candle[];
  intervalMs: number;
  /** Resolves 'auto' sizes. */
  price: number;
  marketData?: MarketDataHub;
  metrics?: RunnerMetrics;
  /** Venue warm-up: the venue needs only recent bars (mark, oracle, volume). Default 60. */
  venueWarmBars?: number;
  /** The port the session talks to (default: the SimVenue itself), e.g. a wrapper that counts reads. */
  port?: (venue: SimVenue) => VenuePort;
}

const quiet = createLogger({ write: () => {}, botId: 'fleet', minLevel: 'error' });

export function openFleetBot(o: OpenFleetBot): FleetBot {
  const market = o.config.markets[0]?.symbol as string;
  const venue = new SimVenue({ markets: o.config.markets, spreadBps: 2 });
  const sub = venue.exchange.createSubaccount(o.id);
  const deposited = BigInt(Math.round(o.config.collateral * 1e6));
  venue.exchange.deposit(sub, deposited);
  const last = o.warm[o.warm.length - 1];
  const startTs = last ? last.ts + o.intervalMs : 0;
  const engine = createEngine(o.config, () => o.price, startTs, 2, o.marketData);
  const venueFrom = o.warm.length - (o.venueWarmBars ?? 60);
  o.warm.forEach((c, k) => {
    if (k >= venueFrom) venue.exchange.onBar(market, c, o.intervalMs);
    engine.warm(market, c, o.intervalMs);
  });
  venue.exchange.drainEvents();
  const session = new BotSession({
    id: o.id,
    name: o.id,
    mode: 'paper',
    config: o.config,
    objectiveVersion: 1,
    engine,
    venue: o.port ? o.port(venue) : venue,
    subaccountId: sub,
    liquidationPrice: (_a, m) => venue.exchange.liquidationPrice(sub, m),
    leaseHeld: () => true,
    metrics: o.metrics ?? new RunnerMetrics(),
    log: quiet,
    deposited,
    snapshotCadenceMs: 15 * 60_000,
  });
  venue.subscribe((e) => session.onVenueEvent(e));
  return { session, venue, market };
}

/** One bar for one bot, as a runner tick does it; the decision when the bot decided. */
export async function fleetBar(
  bot: FleetBot,
  candle: Candle,
  intervalMs: number,
): Promise<EngineDecision | undefined> {
  const ts = candle.ts + intervalMs;
  bot.venue.onBar(bot.market, candle, intervalMs);
  bot.session.engine.onBar(bot.market, candle, intervalMs);
  const decided = await bot.session.cycle(ts);
  await bot.session.afterTick(ts);
  // As the runner's writer takes them (persist.ts): only from a session that has any.
  if (bot.session.hasWrites()) bot.session.takeWrites();
  return decided;
}
