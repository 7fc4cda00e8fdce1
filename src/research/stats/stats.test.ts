import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../data/synthetic.ts';
import { deflatedSharpe, expectedMaxSharpe, moments } from './deflated-sharpe.ts';
import { normalCdf, normalQuantile } from './normal.ts';
import { probabilityOfOverfitting } from './pbo.ts';

function gaussian(seed: number) {
  const rand = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

describe('normal distribution', () => {
  it('matches table values', () => {
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(-1) - 0.158655254) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-7);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.326347874) < 1e-7);
    assert.ok(Math.abs(normalQuantile(0.999) - 3.090232306) < 1e-7);
  });
});

describe('PBO by CSCV', () => {
  it('pure-noise strategies: the in-sample winner is a coin flip out of sample (PBO ≈ 0.5)', () => {
    const pbos: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const g = gaussian(seed);
      const trials = Array.from({ length: 20 }, () => Array.from({ length: 800 }, () => 0.001 * g()));
      pbos.push(probabilityOfOverfitting(trials, 16).pbo);
    }
    const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    assert.ok(
      mean > 0.4 && mean < 0.65,
      `mean PBO over 6 noise matrices ${mean.toFixed(3)} (${pbos.map((p) => p.toFixed(2))})`,
    );
  });

  it('one trial with a real, persistent edge among noise: PBO near 0', () => {
    const g = gaussian(9);
    const trials = Array.from({ length: 20 }, (_, k) =>
      Array.from({ length: 800 }, () => 0.001 * g() + (k === 7 ? 0.0005 : 0)),
    );
    const r = probabilityOfOverfitting(trials, 16);
    assert.equal(r.combinations, 12_870, 'C(16, 8) splits');
    assert.ok(r.pbo < 0.05, `PBO ${r.pbo}`);
    assert.ok(r.probOosLoss < 0.05);
  });

  it('refuses matrices it cannot split', () => {
    assert.throws(() => probabilityOfOverfitting([[1, 2, 3]], 16), /two trials/);
    assert.throws(() => probabilityOfOverfitting([[1], [2]], 16), /too few periods/);
  });
});

describe('Deflated Sharpe Ratio', () => {
  it('SR₀ approximates the expected maximum of N standard normals (sampled)', () => {
    const g = gaussian(4);
    for (const n of [10, 100]) {
      let total = 0;
      const reps = 4000;
      for (let r = 0; r < reps; r++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < n; k++) max = Math.max(max, g());
        total += max;
      }
      const sampled = total / reps;
      const formula = expectedMaxSharpe(n, 1);
      assert.ok(Math.abs(formula / sampled - 1) < 0.04, `N=${n}: ${formula} vs ${sampled}`);
    }
  });

  it('deflates more with more trials; a single trial is the probabilistic Sharpe ratio', () => {
    const g = gaussian(5);
    const returns = Array.from({ length: 500 }, () => 0.001 * g() + 0.0002);
    const few = deflatedSharpe(returns, [0.1, 0.05, 0.2]);
    const sr = Array.from({ length: 200 }, () => 0.05 * g());
    const many = deflatedSharpe(returns, sr);
    assert.ok(many.sr0 > few.sr0 && many.dsr < few.dsr);
    const single = deflatedSharpe(returns, [0.2]);
    assert.equal(single.sr0, 0);
    const m = moments(returns);
    const psr = normalCdf(
      ((m.mean / m.sd) * Math.sqrt(m.n - 1)) /
        Math.sqrt(1 - m.skew * (m.mean / m.sd) + ((m.kurtosis - 1) / 4) * (m.mean / m.sd) ** 2),
    );
    assert.ok(Math.abs(single.dsr - psr) < 1e-12);
    const zero = deflatedSharpe([1, -1, 1, -1], [0]);
    assert.ok(Math.abs(zero.dsr - 0.5) < 1e-7, 'zero Sharpe, no deflation: 50%');
  });
});
