/**
 * A paper bot's market data in offline mode: a recorded, time-ordered event stream replayed from a cursor.
 * When the data ends it starts over, shifted in time by the data's span, so the bot's clock keeps increasing
 * (the price jumps back to where the data began: a gap the bot sees like any other). The cursor (index + loop
 * count) is part of the paper venue's durable state.
 */
import { eventTime } from '../data/merge.ts';
import type { MarketEvent } from '../data/types.ts';

export interface ReplayCursor {
  index: number;
  loops: number;
}

export class ReplayFeed {
  readonly events: readonly MarketEvent[];
  /** Time shift per loop (ms): last event time − first event time + one bar. */
  readonly span: number;
  readonly loop: boolean;
  index: number;
  loops: number;

  constructor(events: readonly MarketEvent[], cursor: ReplayCursor = { index: 0, loops: 0 }, loop = true) {
    if (events.length === 0) throw new Error('a replay needs at least one market event');
    this.events = events;
    const first = eventTime(events[0] as MarketEvent);
    const lastEvent = events[events.length - 1] as MarketEvent;
    const bar = events.find((e) => e.type === 'bar');
    const step = bar && bar.type === 'bar' ? bar.intervalMs : 60_000;
    this.span = eventTime(lastEvent) - first + step;
    this.loop = loop;
    this.index = cursor.index;
    this.loops = cursor.loops;
  }

  get cursor(): ReplayCursor {
    return { index: this.index, loops: this.loops };
  }

  /** True when a non-looping replay has no more events. */
  get done(): boolean {
    return !this.loop && this.index >= this.events.length;
  }

  /** Time of the next event (shifted), or Infinity when done. */
  peekTime(): number {
    if (this.index >= this.events.length) {
      if (!this.loop) return Number.POSITIVE_INFINITY;
      return eventTime(this.events[0] as MarketEvent) + (this.loops + 1) * this.span;
    }
    return eventTime(this.events[this.index] as MarketEvent) + this.loops * this.span;
  }

  /** The next event, shifted onto the current loop; undefined when done. */
  next(): MarketEvent | undefined {
    if (this.index >= this.events.length) {
      if (!this.loop) return undefined;
      this.index = 0;
      this.loops++;
    }
    const e = this.events[this.index++] as MarketEvent;
    return shift(e, this.loops * this.span);
  }

  /** Events in [from, to) of the unshifted data before the cursor, shifted like the cursor's loop (warm-up). */
  history(fromTs: number): MarketEvent[] {
    const out: MarketEvent[] = [];
    const offset = this.loops * this.span;
    for (let i = 0; i < this.index; i++) {
      const e = this.events[i] as MarketEvent;
      if (eventTime(e) + offset >= fromTs) out.push(shift(e, offset));
    }
    return out;
  }
}

export function shift(e: MarketEvent, offset: number): MarketEvent {
  if (offset === 0) return e;
  return e.type === 'bar'
    ? { ...e, candle: { ...e.candle, ts: e.candle.ts + offset } }
    : { ...e, record: { ...e.record, ts: e.record.ts + offset } };
}
