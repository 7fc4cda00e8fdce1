/** Worker-side run of one backtest under one fill model (for `backtest --fill-models`). */

import type { ReportSummary } from '../../backtest/report-types.ts';
import { runBacktest } from '../../backtest/run-backtest.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import type { MarketEvent } from '../../data/types.ts';
import type { SimExchangeOptions } from '../../venue/sim/exchange.ts';
import type { MakerFillRule } from '../../venue/sim/matching.ts';

export interface FillModelInit {
  config: BotConfig;
  events: MarketEvent[];
  replayFunding: boolean;
  spreadBps: number;
  queue?: SimExchangeOptions['queue'];
}

export function createHandler(init: FillModelInit): (rule: MakerFillRule) => ReportSummary {
  return (rule) =>
    runBacktest({
      config: init.config,
      events: init.events,
      replayFunding: init.replayFunding,
      spreadBps: init.spreadBps,
      fillModel: rule,
      queue: init.queue,
      timeline: false,
      now: () => 0,
    }).summary;
}
