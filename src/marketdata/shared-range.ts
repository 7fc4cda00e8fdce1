/**
 * One bot's view of a blended range shared through a MarketDataHub (market-data-hub.ts). It behaves exactly like
 * the bot's own BlendedRange fed the same samples — `lo`/`hi` are always the values that range would hold —
 * while the window buffers live once per stream in a RangeTimeline.
 *
 * Why that is exact: a blended range after a sample at ts is a function of the samples in (ts − L, ts] for each
 * window L alone (each window is a multiset of those samples; eviction is by time). So two bots whose samples in
 * the last L_max agree hold the same range, whatever happened before.
 *
 * How a view follows its stream (each step compares the bot's own sample with the timeline's):
 * - at the timeline's head: the sample is pushed (the first bot to see a bar pushes it; once per bar);
 * - behind the head: the next sample of the timeline must be the bot's sample; the range is read from the
 *   timeline's history at the bot's own position;
 * - different (another stream, a gap, another replay position): the view moves to a timeline that holds
 *   exactly the bot's samples of the last L_max, or to a new one built from them (from the history).
 * Joining: a view's first sample attaches it wherever a timeline holds that sample. When the timeline has
 * earlier samples within L_max, the bot alone would not have them: its range differs until its own samples span
 * L_max (`exactFrom`). Warm-up reads nothing, so a bot warmed with at least L_max of history never notices; one
 * read earlier moves the view to a timeline of its own samples only, which is exact by construction.
 */
import type { BlendedRangeConfig } from './blended-range.ts';
import { RangeTimeline } from './range-timeline.ts';

/** The timelines of one (market, range settings) and what they need to know about their members. */
export interface RangeGroup {
  readonly config: BlendedRangeConfig;
  /** Longest lookback among windows with a positive weight (ms). */
  readonly longestMs: number;
  /** History kept behind the slowest member's window: lets bots warmed one after another join (ms). */
  readonly historyMs: number;
  /** Pushes between two trims of a timeline's history. */
  readonly trimEvery: number;
  readonly timelines: Map<RangeTimeline, Set<SharedRange>>;
}

export class SharedRange {
  readonly #group: RangeGroup;
  #tl: RangeTimeline | undefined;
  /** Absolute index (in #tl) of this bot's newest sample; −1 before the first. */
  #idx = -1;
  /** Absolute index (in #tl) of this bot's first sample: the bot alone has nothing before it. */
  #firstIdx = 0;
  /** The bot's range equals the timeline's once its newest sample is at or after this time. */
  #exactFrom = Number.NEGATIVE_INFINITY;
  #released = false;

  constructor(group: RangeGroup) {
    this.#group = group;
  }

  /** Blended lower bound as of this bot's newest sample; NaN before the first. */
  get lo(): number {
    const tl = this.#current();
    return tl ? tl.loAt(this.#idx) : Number.NaN;
  }

  /** Blended upper bound as of this bot's newest sample; NaN before the first. */
  get hi(): number {
    const tl = this.#current();
    return tl ? tl.hiAt(this.#idx) : Number.NaN;
  }

  /** Bots (views) reading the same timeline as this one, this one included (tests, metrics). */
  get sharedWith(): number {
    return this.#tl ? (this.#group.timelines.get(this.#tl)?.size ?? 0) : 0;
  }

  /** Adds this bot's next mark sample (time order, as BlendedRange.update). */
  update(ts: number, price: number): void {
    if (this.#released) throw new Error('this shared range was released');
    const tl = this.#tl;
    const next = this.#idx + 1;
    if (!tl) {
      this.#join(ts, price);
    } else if (next > tl.head) {
      tl.push(ts, price);
      this.#idx = next;
      if (next % this.#group.trimEvery === 0) this.#trim(tl);
    } else if (tl.matches(next, ts, price)) {
      this.#idx = next;
    } else {
      this.#leave(ts, price);
    }
  }

  /** Leaves the hub (the bot stopped): a timeline nobody reads is dropped. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#tl) this.#detach(this.#tl);
    this.#tl = undefined;
  }

  /** The timeline to read, after moving to an exact one if this bot's own samples do not yet span L_max. */
  #current(): RangeTimeline | undefined {
    const tl = this.#tl;
    if (!tl) return undefined;
    if (tl.tsAt(this.#idx) < this.#exactFrom) {
      this.#move(this.#ownWindow(tl, this.#idx));
      return this.#tl;
    }
    return tl;
  }

  /** First sample: attach where a timeline holds it (see the file comment), or start a timeline. */
  #join(ts: number, price: number): void {
    for (const tl of this.#group.timelines.keys()) {
      const i = tl.find(ts, price);
      if (i < 0) continue;
      this.#attach(tl, i, i);
      // Earlier samples within L_max are in the timeline, not in this bot's range, until ts(prev) + L_max.
      if (i > 0)
        this.#exactFrom = tl.holds(i - 1)
          ? tl.tsAt(i - 1) + this.#group.longestMs
          : ts + this.#group.longestMs;
      return;
    }
    const tl = new RangeTimeline(this.#group.config);
    tl.push(ts, price);
    this.#attach(tl, 0, 0);
  }

  /** This bot's stream left its timeline's: continue on a timeline that holds its last L_max plus (ts, price). */
  #leave(ts: number, price: number): void {
    const tl = this.#tl as RangeTimeline;
    const own = this.#ownWindow(tl, this.#idx);
    own.ts.push(ts);
    own.price.push(price);
    this.#move(own);
  }

  /** This bot's own samples within L_max of its sample `idx` (from its first sample on), oldest first. */
  #ownWindow(tl: RangeTimeline, idx: number): { ts: number[]; price: number[] } {
    const from = Math.max(this.#firstIdx, tl.firstAfter(tl.tsAt(idx) - this.#group.longestMs));
    const ts: number[] = [];
    const price: number[] = [];
    for (let i = from; i <= idx; i++) {
      ts.push(tl.tsAt(i));
      price.push(tl.priceAt(i));
    }
    return { ts, price };
  }

  /**
   * Moves to a timeline whose samples within L_max of the newest of `own` are exactly `own` (the range is then
   * this bot's own), or to a new timeline built from them.
   */
  #move(own: { ts: number[]; price: number[] }): void {
    const old = this.#tl as RangeTimeline;
    const n = own.ts.length;
    const lastTs = own.ts[n - 1] as number;
    const lastPrice = own.price[n - 1] as number;
    for (const tl of this.#group.timelines.keys()) {
      if (tl === old) continue;
      const end = tl.find(lastTs, lastPrice);
      if (end < 0 || !holdsExactly(tl, end, own, this.#group.longestMs)) continue;
      this.#detach(old);
      this.#attach(tl, end, end - n + 1);
      return;
    }
    const tl = new RangeTimeline(this.#group.config);
    for (let i = 0; i < n; i++) tl.push(own.ts[i] as number, own.price[i] as number);
    this.#detach(old);
    this.#attach(tl, n - 1, 0);
  }

  #attach(tl: RangeTimeline, idx: number, firstIdx: number): void {
    let members = this.#group.timelines.get(tl);
    if (!members) {
      members = new Set();
      this.#group.timelines.set(tl, members);
    }
    members.add(this);
    this.#tl = tl;
    this.#idx = idx;
    this.#firstIdx = firstIdx;
    this.#exactFrom = Number.NEGATIVE_INFINITY;
  }

  #detach(tl: RangeTimeline): void {
    const members = this.#group.timelines.get(tl);
    members?.delete(this);
    if (members && members.size === 0) this.#group.timelines.delete(tl);
  }

  /**
   * Drops history no member needs: older than the slowest member's window, less `historyMs`. A member more than
   * `historyMs` behind the head (a bot that stopped reading: degraded, failed, idle at the end of its replay)
   * moves to a timeline of its own first, so history stays bounded whatever one bot does.
   */
  #trim(tl: RangeTimeline): void {
    const members = this.#group.timelines.get(tl);
    if (!members) return;
    const { longestMs, historyMs } = this.#group;
    const tooSlow = tl.tsAt(tl.head) - historyMs;
    for (const m of [...members]) {
      if (tl.tsAt(m.#idx) < tooSlow) m.#move(m.#ownWindow(tl, m.#idx));
    }
    let slowest = tl.head;
    for (const m of members) if (m.#idx < slowest) slowest = m.#idx;
    tl.dropBefore(tl.firstAfter(tl.tsAt(slowest) - longestMs - historyMs));
  }
}

/** Whether `tl`'s samples in (ts(end) − L_max, ts(end)] are exactly `own` (ending at `end`). */
function holdsExactly(
  tl: RangeTimeline,
  end: number,
  own: { ts: number[]; price: number[] },
  longestMs: number,
): boolean {
  const n = own.ts.length;
  const begin = end - n + 1;
  if (begin < tl.oldest) return false;
  for (let k = 0; k < n; k++) {
    if (!tl.matches(begin + k, own.ts[k] as number, own.price[k] as number)) return false;
  }
  // nothing of the timeline's before `begin` may still be inside the window
  if (begin === 0) return true;
  return tl.holds(begin - 1) && tl.tsAt(begin - 1) <= tl.tsAt(end) - longestMs;
}
