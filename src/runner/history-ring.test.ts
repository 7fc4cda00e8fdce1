import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type HistoryPoint, HistoryRing } from './history-ring.ts';
import { historyPoint } from './test-support/history-points.ts';

const all = (r: HistoryRing): HistoryPoint[] => Array.from({ length: r.length }, (_, i) => r.at(i));

describe('HistoryRing', () => {
  it('keeps the newest `capacity` points, oldest first', () => {
    const r = new HistoryRing(3);
    const pts = [1, 2, 3, 4, 5].map((ts) => ({
      ts,
      mark: ts * 10,
      equity: 1000 + ts,
      base: 0.5,
      liqPrice: null,
    }));
    for (const p of pts) r.push(p);
    assert.equal(r.length, 3);
    assert.deepEqual(all(r), pts.slice(2));
    assert.equal(r.lastTs(), 5);
  });

  it('returns each field as it was recorded: null, absent and numbers bit for bit', () => {
    const r = new HistoryRing(4);
    const pts: HistoryPoint[] = [
      { ts: 1, mark: null, equity: 1000.123456, base: -0.000000001, liqPrice: 87.654321 },
      { ts: 2, mark: 137.21, equity: 0.1 + 0.2, base: 0, liqPrice: null, lo: null, hi: null },
      { ts: 3, mark: 137.2134567891, equity: -0, base: 12.5, liqPrice: 1e-6, lo: 130.5, hi: 145.25 },
      {
        ts: 4,
        mark: 5e-324,
        equity: Number.MAX_SAFE_INTEGER / 1e6,
        base: 1,
        liqPrice: null,
        lo: 1,
        hi: null,
      },
    ];
    for (const p of pts) r.push(p);
    assert.deepEqual(all(r), pts);
    assert.equal(JSON.stringify(all(r)), JSON.stringify(pts));
    assert.ok(!('lo' in r.at(0)) && !('hi' in r.at(0)), 'a point without a range has no lo/hi keys');
  });

  it('moves its oldest point to another ring without changing it', () => {
    const a = new HistoryRing(2);
    const b = new HistoryRing(2);
    const p = { ts: 7, mark: null, equity: 1.5, base: 2, liqPrice: 3, lo: null, hi: 4 };
    a.push(p);
    a.push({ ts: 8, mark: 1, equity: 1, base: 1, liqPrice: null });
    a.moveOldestTo(b);
    assert.deepEqual(all(b), [p]);
    assert.equal(a.length, 1);
    assert.equal(a.at(0).ts, 8);
  });

  it('refuses a capacity below one and an index outside the points', () => {
    assert.throws(() => new HistoryRing(0), /at least one point/);
    assert.throws(() => new HistoryRing(2).at(0), RangeError);
  });

  it('property: holds what the last `capacity` pushes of a plain array hold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(historyPoint(), { maxLength: 60 }),
        (cap, pts) => {
          const r = new HistoryRing(cap);
          const model: HistoryPoint[] = [];
          for (const p of pts) {
            r.push(p);
            model.push(p);
            if (model.length > cap) model.shift();
            assert.equal(r.length, model.length);
          }
          assert.deepEqual(all(r), model);
        },
      ),
    );
  });
});
