import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mustParseGridParams, parseGridParams } from './params.ts';

const errorsOf = (input: unknown): string[] => {
  const r = parseGridParams(input);
  assert.equal(r.ok, false, 'expected a validation failure');
  return r.ok ? [] : r.errors;
};

describe('grid params schema', () => {
  it('fills the documented defaults', () => {
    const r = parseGridParams({ baseSizePerLevel: 0.5 });
    assert.ok(r.ok);
    assert.deepEqual(r.params, {
      curve: 'stepwise',
      levels: 10,
      stepPct: 0.5,
      baseSizePerLevel: 0.5,
      bias: 'neutral',
      biasSkew: 0.5,
      rangeMode: 'bounded',
      percentiles: [5, 95],
      lookbackWeights: { '1h': 0.35, '4h': 0.3, '1d': 0.25, '1w': 0.1 },
      liveLevelsPerSide: 10,
      volatility: { referenceVol: 0.8, maxStepPct: 2, maxCadenceFactor: 4 },
      postOnly: true,
    });
  });

  it('errors name the field path and the allowed range', () => {
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, levels: 500 }), [
      'grid.levels: must be an integer between 1 and 200 (got 500)',
    ]);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, levels: 2.5 }), [
      'grid.levels: must be an integer between 1 and 200 (got 2.5)',
    ]);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, stepPct: 0 }), [
      'grid.stepPct: must be > 0 and ≤ 50 (percent) (got 0)',
    ]);
    assert.deepEqual(errorsOf({}), [
      'grid.baseSizePerLevel: must be a number > 0 (base units) (got nothing)',
    ]);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, percentiles: [95, 5] }), [
      'grid.percentiles: must be [lo, hi] with 0 ≤ lo < hi ≤ 100 (got [95,5])',
    ]);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, percentiles: [5, 120] }), [
      'grid.percentiles.1: must be [lo, hi] with 0 ≤ lo < hi ≤ 100 (got 120)',
    ]);
    assert.deepEqual(
      errorsOf({ baseSizePerLevel: 1, lookbackWeights: { '1h': 0, '4h': 0, '1d': 0, '1w': 0 } }),
      [
        'grid.lookbackWeights: must be {\'1h\', \'4h\', \'1d\', \'1w\'}, each ≥ 0 and not all 0 (got {"1h":0,"4h":0,"1d":0,"1w":0})',
      ],
    );
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, lookbackWeights: { '1h': -1 } }), [
      'grid.lookbackWeights.1h: must be a number ≥ 0 (got -1)',
    ]);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, liveLevelsPerSide: 17 }), [
      'grid.liveLevelsPerSide: must be an integer between 1 and 16 (got 17)',
    ]);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, curve: 'cubic' }), [
      "grid.curve: must be 'linear' or 'stepwise' (got \"cubic\")",
    ]);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, volatility: { maxStepPct: 80 } }), [
      'grid.volatility.maxStepPct: must be > 0 and ≤ 50 (percent) (got 80)',
    ]);
  });

  it('unknown keys fail (strict), at the top level and nested', () => {
    const top = errorsOf({ baseSizePerLevel: 1, level: 5 });
    assert.equal(top.length, 1);
    assert.match(top[0], /^grid\.level: unknown field \(known: curve, levels, /);
    assert.deepEqual(errorsOf({ baseSizePerLevel: 1, volatility: { refVol: 1 } }), [
      'grid.volatility.refVol: unknown field (must be {referenceVol, maxStepPct, maxCadenceFactor})',
    ]);
  });

  it('reports every problem at once, and non-objects plainly', () => {
    assert.equal(errorsOf({ levels: 0, stepPct: 60 }).length, 3);
    assert.deepEqual(errorsOf(7), ['grid: must be an object of grid parameters (got 7)']);
    assert.throws(
      () => mustParseGridParams({ levels: 0 }),
      /grid\.levels: must be an integer between 1 and 200/,
    );
  });
});
