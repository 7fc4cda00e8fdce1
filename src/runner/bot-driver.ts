/**
 * What the runner drives: a bot's driver (its session, the market data that feeds it, a paper bot's durable
 * venue) and the factory that opens one from the bot's record (paper replay, live prices).
 */
import type { Logger } from '../log/logger.ts';
import type { MarketDataHub } from '../marketdata/market-data-hub.ts';
import type { Db } from '../store/index.ts';
import type { RunnerBotRecord } from './bot-records.ts';
import type { BotSession } from './bot-session.ts';
import type { RunnerMetrics } from './metrics.ts';
import type { PaperVenueRow } from './persist.ts';

export interface BotDriver {
  readonly session: BotSession;
  /** Advance to wall time `now` (ms): feed market data, run the cycles that are due. */
  tick(now: number): Promise<void>;
  /** Paper mode: the venue's durable row, committed with the tick's writes. */
  durable(): PaperVenueRow | undefined;
  /** Decide at the next tick even if nothing is due (an operator command). */
  requestDecision(reason: string): void;
  /** The bot's clock (paper replay: the data's time; live: wall time). */
  clock(): number;
  close(): Promise<void>;
}

export interface OpenBotContext {
  db: Db;
  leaseHeld: () => boolean;
  metrics: RunnerMetrics;
  log: Logger;
  /** Market data shared by the process's bots (the grid's blended range); absent = each bot owns its own. */
  marketData?: MarketDataHub;
}

export type OpenBot = (record: RunnerBotRecord, ctx: OpenBotContext) => Promise<BotDriver>;
