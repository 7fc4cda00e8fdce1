/**
 * A bot's chart history in two resolutions (docs/runner.md, "Chart history"): every point of the recent part
 * (one a minute by default: the last 6 hours), and one point per `olderEveryMs` (15 minutes) before that, back
 * a week. A point leaving the recent part is kept in the older part when it is the first of its 15-minute
 * bucket, else dropped: older points are recorded points, never averages, so each value is one the bot had.
 * At the defaults a bot's history is 1,032 points in 59 KB of typed arrays, allocated once.
 */
import type { AccountState } from '../domain/types.ts';
import type { BotEngine } from './bot-engine.ts';
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

/**
 * A bot's chart point at `ts`: its primary market's mark, position and liquidation price, its equity, and the
 * range of its last decision (the grid's; null where it is not a number, absent without one).
 */
export function chartPoint(
  ts: number,
  engine: BotEngine,
  account: AccountState,
  liquidationPrice: (account: AccountState, marketIndex: number) => bigint | undefined,
  range: { lo: number; hi: number } | undefined,
): HistoryPoint {
  const primary = engine.markets[0];
  const snap = primary ? engine.snapshot(primary.marketIndex) : undefined;
  const pos = primary ? account.positions.find((p) => p.marketIndex === primary.marketIndex) : undefined;
  const liq = primary ? liquidationPrice(account, primary.marketIndex) : undefined;
  return {
    ts,
    mark: snap && snap.mark > 0 ? snap.mark : null,
    equity: Number(account.totalCollateral) / 1e6,
    base: pos ? Number(pos.base) / 1e9 : 0,
    liqPrice: liq === undefined ? null : Number(liq) / 1e6,
    lo: range ? (Number.isNaN(range.lo) ? null : range.lo) : undefined,
    hi: range ? (Number.isNaN(range.hi) ? null : range.hi) : undefined,
  };
}
