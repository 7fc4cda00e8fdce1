import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadDriftCandles } from '../data/index.ts';
import { BlendedRange, LOOKBACK_KEYS, LOOKBACK_MS, type LookbackKey } from './blended-range.ts';

const DRIFT_15M = fileURLToPath(new URL('../../data/drift/price/drift_15m_90days.json', import.meta.url));

/** numpy's default ('linear') percentile by sorting: the reference the incremental structure must match. */
function sortPercentile(values: number[], p: number): number {
  const s = values.slice().sort((a, b) => a - b);
  const n = s.length;
  const vi = (n - 1) * (p / 100);
  const i = Math.floor(vi);
  const t = vi - i;
  if (i + 1 >= n) return s[i];
  const d = s[i + 1] - s[i];
  return t >= 0.5 ? s[i + 1] - d * (1 - t) : s[i] + d * t;
}

/**
 * Reference blended range: for each window with a positive weight, the samples whose ts is within its lookback
 * of the newest (a start index per window walks forward over the time-sorted history), sorted, then the
 * weighted blend renormalised over the windows that hold samples.
 */
class ReferenceRange {
  private readonly ts: number[] = [];
  private readonly values: number[] = [];
  private readonly starts: number[] = LOOKBACK_KEYS.map(() => 0);
  private readonly pLo: number;
  private readonly pHi: number;
  private readonly weights: Record<LookbackKey, number>;
  private readonly lookbacks: Record<LookbackKey, number>;
  constructor(
    pLo: number,
    pHi: number,
    weights: Record<LookbackKey, number>,
    lookbacks: Record<LookbackKey, number>,
  ) {
    this.pLo = pLo;
    this.pHi = pHi;
    this.weights = weights;
    this.lookbacks = lookbacks;
  }
  update(ts: number, v: number): { lo: number; hi: number } {
    this.ts.push(ts);
    this.values.push(v);
    let sw = 0;
    let slo = 0;
    let shi = 0;
    LOOKBACK_KEYS.forEach((key, i) => {
      const w = this.weights[key];
      if (!(w > 0)) return;
      while (ts - this.ts[this.starts[i]] >= this.lookbacks[key]) this.starts[i]++;
      const inWindow = this.values.slice(this.starts[i]);
      if (inWindow.length === 0) return;
      sw += w;
      slo += w * sortPercentile(inWindow, this.pLo);
      shi += w * sortPercentile(inWindow, this.pHi);
    });
    return { lo: slo / sw, hi: shi / sw };
  }
}

/** The DRIFT-PERP 15m candles through the project's loader (sorted, the later of two same-time records wins). */
async function loadDriftCloses(): Promise<{ ts: number; close: number }[]> {
  const loaded = await loadDriftCandles(DRIFT_15M);
  const candles = loaded.bars.toCandles();
  return candles.map((c) => ({ ts: c.ts, close: c.close }));
}

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.abs(b);

describe('BlendedRange', () => {
  it('blends with the default weights 0.35/0.30/0.25/0.10 and renormalises over enabled windows', () => {
    const r = new BlendedRange({ percentiles: [0, 100] });
    // one sample: every window holds it, so the blend is that sample
    r.update(0, 10);
    assert.ok(near(r.lo, 10) && near(r.hi, 10), `${r.lo} ${r.hi}`);
    // two hours later: the 1h window holds only the new sample, the others both
    r.update(2 * 3_600_000, 20);
    const bands = r.bands();
    assert.deepEqual(
      bands.map((b) => [b.key, b.samples, b.lo, b.hi]),
      [
        ['1h', 1, 20, 20],
        ['4h', 2, 10, 20],
        ['1d', 2, 10, 20],
        ['1w', 2, 10, 20],
      ],
    );
    assert.ok(near(r.lo, 0.35 * 20 + 0.65 * 10));
    assert.ok(near(r.hi, 20));
    // a zero weight switches a window off; the rest renormalise (here: only 1h, so the range is its band)
    const only1h = new BlendedRange({
      percentiles: [0, 100],
      weights: { '1h': 1, '4h': 0, '1d': 0, '1w': 0 },
    });
    only1h.update(0, 10);
    only1h.update(2 * 3_600_000, 20);
    assert.equal(only1h.lo, 20);
    assert.equal(only1h.bands().length, 1);
  });

  it('rejects bad percentiles and all-zero weights', () => {
    assert.throws(() => new BlendedRange({ percentiles: [95, 5] }), /0 ≤ lo < hi ≤ 100/);
    assert.throws(
      () => new BlendedRange({ weights: { '1h': 0, '4h': 0, '1d': 0, '1w': 0 } }),
      /not all be 0/,
    );
  });

  it('equals the sorting reference at every step on random streams (duplicates, random band and weights)', () => {
    const lookbacks = { '1h': 4, '4h': 11, '1d': 30, '1w': 90 };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 })), {
          minLength: 1,
          maxLength: 250,
          size: 'max',
        }),
        fc.double({ min: 0, max: 99, noNaN: true }),
        fc.double({ min: 0.5, max: 100, noNaN: true }),
        fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)).filter((w) => w.some((x) => x > 0)),
        (steps, pLo, width, [a, b, c, d]) => {
          const pHi = Math.min(100, pLo + width);
          fc.pre(pLo < pHi);
          const weights = { '1h': a / 4, '4h': b / 4, '1d': c / 4, '1w': d / 4 };
          const inc = new BlendedRange({ percentiles: [pLo, pHi], weights, lookbackMs: lookbacks });
          const ref = new ReferenceRange(pLo, pHi, weights, lookbacks);
          let ts = 0;
          for (const [dt, raw] of steps) {
            ts += dt;
            const v = 1 + raw * 0.125;
            inc.update(ts, v);
            const want = ref.update(ts, v);
            assert.equal(inc.lo, want.lo);
            assert.equal(inc.hi, want.hi);
          }
        },
      ),
      { seed: 1234, numRuns: 150 },
    );
  });

  it('equals the sorting reference at EVERY step on the DRIFT-PERP 15m candles (exact equality)', async () => {
    // Exact, not approximate: both sides take the same order statistics of the same multiset and run the same
    // float operations in the same order (numpy's lerp, then Σ w·x / Σ w over 1h, 4h, 1d, 1w), so IEEE-754
    // gives bit-identical results; any difference would mean a wrong sample set or a wrong rank.
    const bars = await loadDriftCloses();
    assert.ok(bars.length > 8000, `expected ~8,600 bars, got ${bars.length}`);
    const weights = { '1h': 0.35, '4h': 0.3, '1d': 0.25, '1w': 0.1 };
    const inc = new BlendedRange();
    const ref = new ReferenceRange(5, 95, weights, LOOKBACK_MS);
    let steps = 0;
    for (const { ts, close } of bars) {
      inc.update(ts, close);
      const want = ref.update(ts, close);
      if (inc.lo !== want.lo || inc.hi !== want.hi) {
        assert.fail(`step ${steps} ts ${ts}: got [${inc.lo}, ${inc.hi}], reference [${want.lo}, ${want.hi}]`);
      }
      steps++;
    }
    assert.equal(steps, bars.length);
    // Drift's prices have 6 decimals: the windows were counted on that lattice all along (lattice-windows.ts)
    assert.ok(inc.counted);
    // a full week of 15m bars sits in the 1w window at the end (672 bars, fewer where the export has gaps)
    const week = inc.bands().find((b) => b.key === '1w');
    assert.ok(week && week.samples > 600 && week.samples <= 672, `1w samples ${week?.samples}`);
    assert.ok(inc.lo < inc.hi);
  });
});
