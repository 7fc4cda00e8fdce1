/** Worker-side run of one backtest under one fill model (for `backtest --fill-models`). */

import type { ReportSummary } from '../../backtest/report-types.ts';
import { runBacktest } from '../../backtest/run-backtest.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import { EventTape, type EventTapeWire } from '../../data/event-tape.ts';
import { gridRangeConfig } from '../../engine/grid-bot.ts';
import { RangeSeriesCache } from '../../marketdata/range-series-cache.ts';
import type { SimExchangeOptions } from '../../venue/sim/exchange.ts';
import type { MakerFillRule } from '../../venue/sim/matching.ts';

export interface FillModelInit {
  config: BotConfig;
  /** The run's events (EventTape.toWire). */
  events: EventTapeWire;
  replayFunding: boolean;
  spreadBps: number;
  queue?: SimExchangeOptions['queue'];
}

export function createHandler(init: FillModelInit): (rule: MakerFillRule) => ReportSummary {
  // every fill model replays the same bars with the same grid: its range is computed once
  const ranges = new RangeSeriesCache(1);
  const { config } = init;
  const events = EventTape.fromWire(init.events);
  return (rule) =>
    runBacktest({
      range:
        config.strategy === 'grid'
          ? ranges.reader('all', events, config.markets[0].symbol, gridRangeConfig(config.grid))
          : undefined,
      config: init.config,
      events,
      replayFunding: init.replayFunding,
      spreadBps: init.spreadBps,
      fillModel: rule,
      queue: init.queue,
      timeline: false,
      now: () => 0,
    }).summary;
}
