/**
 * One pass over a backtest's events before the run: what the report must know before the first row (how many
 * rows it will hold, so the chart's rows are chosen as they come) and what it notes about the data (bars whose
 * oracle was estimated).
 */
import { EventTape, type MarketEventSeq } from '../data/event-tape.ts';
import { eventTime } from '../data/merge.ts';
import type { MarketEvent } from '../data/types.ts';
import { StreamedTape } from './streamed-tape.ts';

/**
 * Bars per market whose oracle was not observed (an export gap: the venue and the bot used the bar's price
 * instead; asked for after the run), and the primary market's bars after the warm-up (the report's rows).
 * Events are in time order, so "after the warm-up" is "known at or after warmupUntil".
 */
export function scanEvents(
  events: MarketEventSeq,
  primary: string,
  warmupUntil: number | undefined,
): { estimated: () => Record<string, number>; primaryBars: number } {
  const estimated: Record<string, number> = {};
  let primaryBars = 0;
  const count = (market: string, oracleStale: boolean, knownAt: number): void => {
    if (oracleStale) estimated[market] = (estimated[market] ?? 0) + 1;
    if (market === primary && (warmupUntil === undefined || knownAt >= warmupUntil)) primaryBars++;
  };
  // a streamed load's bars are known before they are read: each market's rows, counted; whose oracle was
  // estimated is asked after the run, when every row has been read
  if (events instanceof StreamedTape && warmupUntil === undefined) {
    return { estimated: () => events.estimatedOracleBars(), primaryBars: events.barsOf(primary) };
  }
  // a tape answers by column (a year's bars need not be built twice)
  if (events instanceof EventTape) events.forEachBar(count);
  else {
    for (let k = 0; k < events.length; k++) {
      const e = events.at(k) as MarketEvent;
      if (e.type === 'bar') count(e.market, e.candle.oracleStale === true, eventTime(e));
    }
  }
  return { estimated: () => estimated, primaryBars };
}
