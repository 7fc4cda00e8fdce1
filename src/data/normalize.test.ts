import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findGaps, inferIntervalMs, normalizeSeries, staleOracleRuns } from './normalize.ts';
import type { Candle } from './types.ts';

type Rec = { ts: number; v: string };
const same = (a: Rec, b: Rec): boolean => a.v === b.v;

describe('normalizeSeries', () => {
  it('returns sorted input untouched', () => {
    const items = [
      { ts: 1, v: 'a' },
      { ts: 2, v: 'b' },
    ];
    const r = normalizeSeries(items, same);
    assert.equal(r.items, items);
    assert.equal(r.outOfOrder, 0);
  });

  it('sorts, drops equal repeats and lets the later of two differing records win', () => {
    const items = [
      { ts: 3, v: 'c' },
      { ts: 1, v: 'a' },
      { ts: 2, v: 'unfinished' },
      { ts: 2, v: 'finished' },
      { ts: 1, v: 'a' },
      { ts: 2, v: 'finished' },
      { ts: 2, v: 'late' },
    ];
    const r = normalizeSeries(items, same);
    assert.deepEqual(
      r.items.map((i) => i.v),
      ['a', 'late', 'c'],
    );
    assert.equal(r.duplicatesDropped, 2);
    // Input indices of the losers, in order: 'unfinished' (2) lost to 'finished' (3), which lost to 'late'.
    assert.deepEqual(r.supersededIndices, [2, 3]);
    assert.equal(r.outOfOrder, 4);
  });
});

describe('intervals, gaps and stale runs', () => {
  it('takes the most common spacing, the smaller on a tie', () => {
    assert.equal(inferIntervalMs([0, 60, 120, 180, 480]), 60);
    assert.equal(inferIntervalMs([0, 60, 180]), 60);
    assert.equal(inferIntervalMs([5]), 0);
  });

  it('reports holes with their exclusive bounds and missing bar count, tolerating jitter', () => {
    assert.deepEqual(findGaps([0, 60, 240, 300], 60), [{ from: 60, to: 240, missingBars: 2 }]);
    assert.deepEqual(findGaps([0, 3590, 7210, 14_390], 3600), [{ from: 7210, to: 14_390, missingBars: 1 }]);
    assert.deepEqual(findGaps([0, 60], 0), []);
  });

  it('lists stale runs longest first with [from, to) bounds', () => {
    const c = (ts: number, stale: boolean): Candle => ({
      ts,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: stale ? 0 : 1,
      oracleStale: stale,
    });
    const candles = [c(0, true), c(1, false), c(2, true), c(3, true), c(4, false), c(5, true), c(6, true)];
    assert.deepEqual(staleOracleRuns(candles, 1), [
      { from: 2, to: 4, bars: 2 },
      { from: 5, to: 7, bars: 2 },
      { from: 0, to: 1, bars: 1 },
    ]);
  });
});
