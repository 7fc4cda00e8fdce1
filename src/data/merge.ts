/**
 * Several markets' candles and funding into one time-ordered event stream, without look-ahead.
 *
 * Ordering time: a bar is known when it closes, so a bar event sits at `candle.ts + intervalMs`; a funding
 * event sits at its settlement `record.ts`. Ordering by open time would let a consumer see a whole bar (its
 * high, low and close) before a funding settlement or another market's shorter bar that happened inside it.
 *
 * Ties at the same ordering time, in this order:
 *   1. bars before funding: a bar closing at t happened before t, and Drift charges funding at t on the
 *      position as it stands then (including fills inside that bar);
 *   2. market name (code-point order);
 *   3. shorter bar interval first (a 15m bar closing at 13:00 before the 1h bar closing at 13:00).
 *
 * Several candle arrays of one market and interval are merged in time and deduplicated again; where two
 * differ at the same ts, the one from the later input wins (the loaders' "later supersedes" rule). Funding
 * arrays of one market likewise.
 */
import { BarColumns } from './bar-columns.ts';
import { chainedColumns } from './chained-columns.ts';
import { EventTape, type TapeStream } from './event-tape.ts';
import { inferIntervalMs, normalizeSeries, sameCandle, sameFunding } from './normalize.ts';
import type { Candle, FundingRecord, MarketEvent } from './types.ts';

export interface MarketEventInput {
  market: string;
  /** The market's bars as objects, or (from the loaders) by column; give one of the two. */
  candles?: Candle[];
  bars?: BarColumns;
  /** Bar length; inferred from the candles (most common spacing) when absent. */
  intervalMs?: number;
  funding?: FundingRecord[];
}

/** The time an event becomes known: a bar's close, a funding record's settlement. */
export function eventTime(e: MarketEvent): number {
  return e.type === 'bar' ? e.candle.ts + e.intervalMs : e.record.ts;
}

interface Stream {
  rank: number;
  market: string;
  intervalMs: number;
  length: number;
  /** Ordering time of the stream's row h. */
  timeAt: (h: number) => number;
  source: TapeStream;
}

function sortedUnique<T extends { ts: number }>(items: T[], same: (a: T, b: T) => boolean): T[] {
  return normalizeSeries(items, same).items;
}

const strictlyIncreasing = (ts: Float64Array): boolean => {
  for (let i = 1; i < ts.length; i++) if (!(ts[i] > ts[i - 1])) return false;
  return true;
};

/** One input's bars by column, sorted and deduplicated (a loader's columns usually are already). */
function columnsOf(input: MarketEventInput): BarColumns | undefined {
  if (input.bars !== undefined) {
    if (strictlyIncreasing(input.bars.ts)) return input.bars;
    return BarColumns.fromCandles(sortedUnique(input.bars.toCandles(), sameCandle));
  }
  if (!input.candles || input.candles.length === 0) return undefined;
  return BarColumns.fromCandles(sortedUnique([...input.candles], sameCandle));
}

function barStreams(inputs: readonly MarketEventInput[]): Stream[] {
  const groups = new Map<string, { market: string; intervalMs: number; parts: BarColumns[] }>();
  for (const input of inputs) {
    const bars = columnsOf(input);
    if (bars === undefined || bars.length === 0) continue;
    let intervalMs = input.intervalMs;
    if (intervalMs === undefined) {
      intervalMs = inferIntervalMs(bars.ts);
      if (intervalMs <= 0) {
        throw new RangeError(
          `market ${input.market}: cannot infer the bar interval from ${bars.length} candle(s); pass intervalMs`,
        );
      }
    }
    const key = `${input.market}\u0000${intervalMs}`;
    const group = groups.get(key) ?? { market: input.market, intervalMs, parts: [] };
    group.parts.push(bars);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ market, intervalMs, parts }) => {
    // Concatenating in input order and sorting stably makes the later input win a same-ts conflict.
    // files that follow one another in time (a download a month at a time) are joined by column: the same rows as
    // through candles (chained-columns.ts)
    const bars =
      parts.length === 1
        ? parts[0]
        : (chainedColumns(parts) ??
          BarColumns.fromCandles(
            sortedUnique(
              parts.flatMap((p) => p.toCandles()),
              sameCandle,
            ),
          ));
    const ts = bars.ts;
    return {
      rank: 0,
      market,
      intervalMs,
      length: bars.length,
      timeAt: (h: number) => ts[h] + intervalMs,
      source: { kind: 'bar', market, intervalMs, bars },
    };
  });
}

function fundingStreams(inputs: readonly MarketEventInput[]): Stream[] {
  const groups = new Map<string, FundingRecord[][]>();
  for (const input of inputs) {
    if (!input.funding || input.funding.length === 0) continue;
    const parts = groups.get(input.market) ?? [];
    parts.push(input.funding);
    groups.set(input.market, parts);
  }
  return [...groups.entries()].map(([market, parts]) => {
    const records = sortedUnique(parts.length === 1 ? parts[0] : parts.flat(), sameFunding);
    const events = records.map((record) => ({ type: 'funding' as const, market, record }));
    return {
      rank: 1,
      market,
      intervalMs: 0,
      length: events.length,
      timeAt: (h: number) => records[h].ts,
      source: { kind: 'funding', events },
    };
  });
}

function compareStreams(a: Stream, b: Stream): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.market !== b.market) return a.market < b.market ? -1 : 1;
  return a.intervalMs - b.intervalMs;
}

/** One time-ordered, deterministic stream of bar and funding events (ordering rules in the module comment). */
export function mergeEventTape(inputs: readonly MarketEventInput[]): EventTape {
  const streams = [...barStreams(inputs), ...fundingStreams(inputs)].sort(compareStreams);
  let total = 0;
  for (const s of streams) total += s.length;
  const which = new Uint8Array(total);
  const rows = new Int32Array(total);
  const heads = new Array<number>(streams.length).fill(0);
  const times = streams.map((s) => (s.length > 0 ? s.timeAt(0) : Infinity));
  // A k-way merge by linear scan: k (markets × kinds) is small, and each input is already sorted.
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let k = 1; k < streams.length; k++) if (times[k] < times[best]) best = k;
    const h = heads[best]++;
    which[n] = best;
    rows[n] = h;
    times[best] = h + 1 < streams[best].length ? streams[best].timeAt(h + 1) : Infinity;
  }
  return new EventTape(
    streams.map((s) => s.source),
    which,
    rows,
  );
}

/** The same stream as event objects (paper mode, tests: streams small enough to hold as objects). */
export function mergeMarketEvents(inputs: readonly MarketEventInput[]): MarketEvent[] {
  return mergeEventTape(inputs).toArray();
}
