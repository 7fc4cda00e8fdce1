import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CHART_HISTORY_DEFAULTS, ChartHistory } from './chart-history.ts';
import type { HistoryPoint } from './history-ring.ts';
import { historyPoint } from './test-support/history-points.ts';

const MIN = 60_000;

/** The same history as plain arrays: what ChartHistory must return. */
class Model {
  readonly recent: HistoryPoint[] = [];
  readonly older: HistoryPoint[] = [];
  readonly recentPoints: number;
  readonly olderPoints: number;
  readonly everyMs: number;
  constructor(recentPoints: number, olderPoints: number, everyMs: number) {
    this.recentPoints = recentPoints;
    this.olderPoints = olderPoints;
    this.everyMs = everyMs;
  }
  push(p: HistoryPoint): void {
    this.recent.push(p);
    if (this.recent.length <= this.recentPoints) return;
    const q = this.recent.shift() as HistoryPoint;
    const last = this.older.at(-1);
    if (last === undefined || Math.floor(q.ts / this.everyMs) !== Math.floor(last.ts / this.everyMs)) {
      this.older.push(q);
      if (this.older.length > this.olderPoints) this.older.shift();
    }
  }
  last(limit: number): HistoryPoint[] {
    const all = [...this.older, ...this.recent];
    return all.slice(Math.max(0, all.length - limit)); // not slice(-limit): -0 would return them all
  }
}

const point = (ts: number, equity = 1000): HistoryPoint => ({
  ts,
  mark: 140,
  equity,
  base: 0,
  liqPrice: null,
});

describe('ChartHistory', () => {
  it('keeps every point of the recent part and the first of each 15 minutes before it', () => {
    const h = new ChartHistory({ recentPoints: 60, olderPoints: 10, olderEveryMs: 15 * MIN });
    for (let m = 0; m < 240; m++) h.push(point(m * MIN, 1000 + m / 100));
    const pts = h.last(1000);
    assert.equal(h.length, 70);
    // Older: minutes 30, 45, …, 165 (the ten newest buckets before the recent hour); recent: minutes 180..239.
    assert.deepEqual(
      pts.slice(0, 10).map((p) => p.ts / MIN),
      [30, 45, 60, 75, 90, 105, 120, 135, 150, 165],
    );
    assert.deepEqual(
      pts.slice(10).map((p) => p.ts / MIN),
      Array.from({ length: 60 }, (_, i) => 180 + i),
    );
    assert.equal(pts[0]?.equity, 1000.3, 'an older point is a recorded point, not an average');
    assert.deepEqual(
      h.last(3).map((p) => p.ts / MIN),
      [237, 238, 239],
    );
    assert.deepEqual(h.last(0), []);
  });

  it('holds a week at the defaults in 1,032 points', () => {
    const h = new ChartHistory();
    for (let m = 0; m < 8 * 1440; m++) h.push(point(m * MIN));
    assert.equal(h.length, CHART_HISTORY_DEFAULTS.recentPoints + CHART_HISTORY_DEFAULTS.olderPoints);
    const pts = h.last(5000);
    const spanDays = ((pts.at(-1)?.ts ?? 0) - (pts[0]?.ts ?? 0)) / (1440 * MIN);
    assert.ok(spanDays > 7 && spanDays < 7.3, `span ${spanDays} days`);
  });

  it('property: returns what the plain-array model returns for any pushes and limit', () => {
    // Increasing ts with irregular gaps (a bot idle, degraded, or recording faster than a minute).
    const pushes = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 40 * MIN }), historyPoint(fc.constant(0))), {
        maxLength: 120,
      })
      .map((xs) => {
        let ts = 1_700_000_000_000;
        return xs.map(([gap, p]) => ({ ...p, ts: (ts += gap) }));
      });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(MIN, 5 * MIN, 15 * MIN),
        pushes,
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
        (recentPoints, olderPoints, olderEveryMs, pts, limits) => {
          const h = new ChartHistory({ recentPoints, olderPoints, olderEveryMs });
          const model = new Model(recentPoints, olderPoints, olderEveryMs);
          for (const [i, p] of pts.entries()) {
            h.push(p);
            model.push(p);
            const limit = limits[i % limits.length] as number;
            assert.deepEqual(h.last(limit), model.last(limit));
          }
          assert.equal(h.length, model.older.length + model.recent.length);
        },
      ),
    );
  });
});
