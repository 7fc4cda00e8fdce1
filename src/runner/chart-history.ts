/**
 * A bot's chart history in two resolutions (docs/runner.md, "Chart history"): every point of the recent part
 * (one a minute by default: the last 6 hours), and one point per `olderEveryMs` (15 minutes) before that, back
 * a week. A point leaving the recent part is kept in the older part when it is the first of its 15-minute
 * bucket, else dropped: older points are recorded points, never averages, so each value is one the bot had.
 * At the defaults a bot's history is 1,032 points in 59 KB of typed arrays, allocated once.
 */
import { type HistoryPoint, HistoryRing } from './history-ring.ts';

export interface ChartHistoryOptions {
  /** Points kept at full resolution. Default 360 (6 h of one-minute points). */
  recentPoints?: number;
  /** Points kept of the older part. Default 672 (a week at 15 minutes). */
  olderPoints?: number;
  /** One older point per this many ms (the first of each bucket). Default 15 minutes. */
  olderEveryMs?: number;
}

export const CHART_HISTORY_DEFAULTS = {
  recentPoints: 360,
  olderPoints: 672,
  olderEveryMs: 15 * 60_000,
} as const;

export class ChartHistory {
  readonly #recent: HistoryRing;
  readonly #older: HistoryRing;
  readonly #olderEveryMs: number;

  constructor(o: ChartHistoryOptions = {}) {
    this.#recent = new HistoryRing(o.recentPoints ?? CHART_HISTORY_DEFAULTS.recentPoints);
    this.#older = new HistoryRing(o.olderPoints ?? CHART_HISTORY_DEFAULTS.olderPoints);
    this.#olderEveryMs = o.olderEveryMs ?? CHART_HISTORY_DEFAULTS.olderEveryMs;
  }

  get length(): number {
    return this.#older.length + this.#recent.length;
  }

  /** Most points this history holds. */
  get capacity(): number {
    return this.#older.capacity + this.#recent.capacity;
  }

  /** Appends a point (ts not before the last one's); the recent part's oldest moves to the older part. */
  push(p: HistoryPoint): void {
    if (this.#recent.length === this.#recent.capacity) {
      const ts = this.#recent.tsAt(0);
      const last = this.#older.lastTs();
      if (last === undefined || this.#bucket(ts) !== this.#bucket(last))
        this.#recent.moveOldestTo(this.#older);
      else this.#recent.dropOldest();
    }
    this.#recent.push(p);
  }

  /** The newest `limit` points, oldest first (all of them when fewer). */
  last(limit: number): HistoryPoint[] {
    const n = Math.max(0, Math.min(Math.floor(limit), this.length));
    const out: HistoryPoint[] = new Array(n);
    const olderN = this.#older.length;
    for (let k = 0; k < n; k++) {
      const i = this.length - n + k;
      out[k] = i < olderN ? this.#older.at(i) : this.#recent.at(i - olderN);
    }
    return out;
  }

  #bucket(ts: number): number {
    return Math.floor(ts / this.#olderEveryMs);
  }
}
