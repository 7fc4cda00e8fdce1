import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PercentileWindow } from './percentile-window.ts';

/** Reference: the window's samples by filtering on time, then numpy's default percentile by sorting. */
function referencePercentile(samples: [number, number][], now: number, lookback: number, p: number): number {
  const s = samples
    .filter(([ts]) => now - ts < lookback)
    .map(([, v]) => v)
    .sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  const vi = (n - 1) * (p / 100);
  const i = Math.floor(vi);
  const t = vi - i;
  if (i + 1 >= n) return s[i];
  const d = s[i + 1] - s[i];
  return t >= 0.5 ? s[i + 1] - d * (1 - t) : s[i] + d * t;
}

describe('PercentileWindow', () => {
  it('keeps exactly the samples whose ts is within the lookback of the newest', () => {
    const w = new PercentileWindow(60 * 60_000);
    const q = 15 * 60_000;
    for (let i = 0; i < 6; i++) w.push(i * q, i);
    // newest at 75 min: 30, 45, 60, 75 min are within 1h; 15 min is exactly 1h old and out
    assert.deepEqual(w.values(), [2, 3, 4, 5]);
    assert.equal(w.percentile(0), 2);
    assert.equal(w.percentile(100), 5);
    w.push(10 * q, 7); // a gap longer than the lookback empties everything older
    assert.deepEqual(w.values(), [7]);
  });

  it('rejects samples that go back in time (the caller must sort)', () => {
    const w = new PercentileWindow(1000);
    w.push(10, 1);
    w.push(10, 2); // equal timestamps are fine
    assert.throws(() => w.push(9, 3), /time order/);
  });

  it('equals the sorting reference at every step on random streams with many duplicates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 9 })), {
          minLength: 1,
          maxLength: 300,
          size: 'max',
        }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 2, max: 16 }),
        (lookback, steps, p, load) => {
          const w = new PercentileWindow(lookback, load);
          const samples: [number, number][] = [];
          let ts = 0;
          for (const [dt, raw] of steps) {
            ts += dt;
            const v = 100 + raw * 0.25;
            w.push(ts, v);
            samples.push([ts, v]);
            assert.equal(w.percentile(p), referencePercentile(samples, ts, lookback, p));
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
