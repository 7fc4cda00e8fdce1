import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type ConfirmState,
  confirmSignal,
  createRollingFit,
  initialConfirmState,
  pushObservation,
  type RawSignal,
  rawSignal,
  spreadStats,
  updateSignal,
} from './signal.ts';

/** Batch OLS over the last `window` points, the reference the rolling sums must match. */
function batch(points: [number, number][], window: number) {
  const w = points.slice(-window);
  const n = w.length;
  const mx = w.reduce((s, p) => s + p[0], 0) / n;
  const my = w.reduce((s, p) => s + p[1], 0) / n;
  let cxx = 0;
  let cxy = 0;
  for (const [x, y] of w) {
    cxx += (x - mx) ** 2;
    cxy += (x - mx) * (y - my);
  }
  const beta = cxy / cxx;
  const alpha = my - beta * mx;
  const res = w.map(([x, y]) => y - alpha - beta * x);
  const sigma = Math.sqrt(res.reduce((s, r) => s + r * r, 0) / n);
  return { beta, alpha, sigma, z: res[n - 1] / sigma };
}

describe('rolling fit', () => {
  it('matches a batch OLS after any sequence of updates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 30 }),
        fc.array(
          fc.tuple(
            fc.double({ min: -3, max: 0, noNaN: true }),
            fc.double({ min: -0.1, max: 0.1, noNaN: true, noDefaultInfinity: true }),
          ),
          {
            minLength: 31,
            maxLength: 200,
          },
        ),
        (window, raw) => {
          const points = raw.map(([x, e], i): [number, number] => [x + i * 1e-3, 1.3 * x + 0.2 + e]);
          let fit = createRollingFit(window);
          for (const [x, y] of points) fit = pushObservation(fit, x, y);
          const want = batch(points, window);
          // Near-perfect fits have no meaningful z in either computation.
          fc.pre(want.sigma > 1e-4);
          const got = spreadStats(fit);
          assert.ok(got, 'a non-degenerate window must give stats');
          assert.ok(
            Math.abs(got.beta - want.beta) < 1e-6 * (1 + Math.abs(want.beta)),
            `beta ${got.beta} vs ${want.beta}`,
          );
          assert.ok(Math.abs(got.z - want.z) < 1e-5 * (1 + Math.abs(want.z)), `z ${got.z} vs ${want.z}`);
          return true;
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('recovers a known hedge ratio and is silent while warming up', () => {
    let fit = createRollingFit(50);
    for (let i = 0; i < 49; i++) {
      const x = Math.log(0.1 + 0.001 * i);
      fit = pushObservation(fit, x, 0.8 * x + 0.5 + (i % 2 ? 0.001 : -0.001));
      assert.equal(spreadStats(fit), undefined);
    }
    fit = pushObservation(fit, Math.log(0.149), 0.8 * Math.log(0.149) + 0.5);
    const s = spreadStats(fit);
    assert.ok(s && Math.abs(s.beta - 0.8) < 0.01, `beta ${s?.beta}`);
  });

  it('is pure: an older state is not changed by later updates, and branching from it replays exactly', () => {
    const xs = Array.from({ length: 40 }, (_, i) => Math.log(1 + i / 10));
    let fit = createRollingFit(10);
    for (const x of xs.slice(0, 30)) fit = pushObservation(fit, x, 2 * x + Math.sin(x * 7) / 50);
    const before = spreadStats(fit);
    let a = fit;
    for (const x of xs.slice(30)) a = pushObservation(a, x, x);
    assert.deepEqual(spreadStats(fit), before);
    const b1 = pushObservation(fit, 0.5, 0.9);
    const b2 = pushObservation(fit, 0.5, 0.9);
    assert.deepEqual(spreadStats(b1), spreadStats(b2));
  });

  it('refuses unusable prices without changing the fit', () => {
    const fit = createRollingFit(10);
    const r = updateSignal(fit, 0, 0.1);
    assert.equal(r.ok, false);
    assert.equal(r.fit, fit);
  });
});

describe('rawSignal', () => {
  it('maps z to LONG / SHORT / FLAT / HOLD', () => {
    assert.equal(rawSignal(-2.1, 2, 0.5), 'LONG');
    assert.equal(rawSignal(2, 2, 0.5), 'SHORT');
    assert.equal(rawSignal(0.4, 2, 0.5), 'FLAT');
    assert.equal(rawSignal(-1, 2, 0.5), 'HOLD');
    assert.equal(rawSignal(undefined, 2, 0.5), 'HOLD');
  });
});

describe('confirmSignal', () => {
  const run = (raws: RawSignal[], lag: number) => {
    let s: ConfirmState = initialConfirmState();
    const confirmed: string[] = [];
    for (const r of raws) {
      s = confirmSignal(s, r, lag).state;
      confirmed.push(s.confirmed);
    }
    return confirmed;
  };

  it('never confirms a signal that flips every cycle', () => {
    const flips: RawSignal[] = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'LONG' : 'SHORT'));
    assert.ok(run(flips, 3).every((c) => c === 'FLAT'));
    assert.ok(run(flips, 2).every((c) => c === 'FLAT'));
  });

  it('confirms exactly on the signalLagPeriods-th consecutive agreeing cycle', () => {
    assert.deepEqual(run(['LONG', 'LONG', 'LONG', 'LONG'], 3), ['FLAT', 'FLAT', 'LONG', 'LONG']);
    assert.deepEqual(run(['SHORT'], 1), ['SHORT']);
  });

  it('a HOLD or a return to the confirmed direction breaks the streak', () => {
    assert.deepEqual(run(['LONG', 'LONG', 'HOLD', 'LONG', 'LONG'], 3), [
      'FLAT',
      'FLAT',
      'FLAT',
      'FLAT',
      'FLAT',
    ]);
    assert.deepEqual(run(['LONG', 'FLAT', 'LONG', 'LONG', 'LONG'], 3), [
      'FLAT',
      'FLAT',
      'FLAT',
      'FLAT',
      'LONG',
    ]);
  });

  it('reports the change only on the confirming cycle', () => {
    let s = initialConfirmState();
    const changes = (['SHORT', 'SHORT', 'SHORT', 'SHORT'] as RawSignal[]).map((r) => {
      const out = confirmSignal(s, r, 2);
      s = out.state;
      return out.changed;
    });
    assert.deepEqual(changes, [false, true, false, false]);
  });
});
