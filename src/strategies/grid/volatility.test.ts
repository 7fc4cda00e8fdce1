import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { volatilityCadenceFactor, volatilityStepPct } from './volatility.ts';

const settings = { referenceVol: 0.8, maxStepPct: 2, maxCadenceFactor: 4 };

/** Both parts of the response at once, as the assertions compare them. */
const volatilityResponse = (vol: number, base: number, s: typeof settings) => ({
  stepPct: volatilityStepPct(vol, base, s),
  cadenceFactor: volatilityCadenceFactor(vol, s),
});

describe('mild volatility response', () => {
  it('leaves step and cadence alone at or below the reference', () => {
    assert.deepEqual(volatilityResponse(0.5, 0.5, settings), { stepPct: 0.5, cadenceFactor: 1 });
    assert.deepEqual(volatilityResponse(0.8, 0.5, settings), { stepPct: 0.5, cadenceFactor: 1 });
    assert.deepEqual(volatilityResponse(Number.NaN, 0.5, settings), { stepPct: 0.5, cadenceFactor: 1 });
  });

  it('widens the step and slows the cadence in proportion above it, within the bounds', () => {
    assert.deepEqual(volatilityResponse(1.6, 0.5, settings), { stepPct: 1, cadenceFactor: 2 });
    assert.deepEqual(volatilityResponse(8, 0.5, settings), { stepPct: 2, cadenceFactor: 4 });
    // a configured step already above the cap is never narrowed
    assert.deepEqual(volatilityResponse(1.6, 3, settings), { stepPct: 3, cadenceFactor: 2 });
  });

  it('is monotone in vol and always within [configured, bound] (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        (v1, v2, base) => {
          const [a, b] = v1 <= v2 ? [v1, v2] : [v2, v1];
          const ra = volatilityResponse(a, base, settings);
          const rb = volatilityResponse(b, base, settings);
          assert.ok(ra.stepPct <= rb.stepPct && ra.cadenceFactor <= rb.cadenceFactor);
          assert.ok(rb.stepPct >= base && rb.stepPct <= Math.max(base, settings.maxStepPct));
          assert.ok(rb.cadenceFactor >= 1 && rb.cadenceFactor <= settings.maxCadenceFactor);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});
