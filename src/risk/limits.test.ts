import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRiskLimits, parseRiskLimits, RISK_LIMIT_DEFAULTS } from './limits.ts';

describe('parseRiskLimits', () => {
  it('fills every default from an empty or missing section', () => {
    for (const input of [undefined, {}]) {
      const r = parseRiskLimits(input);
      assert.ok(r.ok);
      assert.deepEqual(r.limits, { ...RISK_LIMIT_DEFAULTS });
    }
  });

  it('keeps given values', () => {
    const r = parseRiskLimits({ maxLeverage: 5, dailyLossAction: 'pause', reduceOnly: true });
    assert.ok(r.ok);
    assert.equal(r.limits.maxLeverage, 5);
    assert.equal(r.limits.dailyLossAction, 'pause');
    assert.equal(r.limits.reduceOnly, true);
    assert.equal(r.limits.minHealth, RISK_LIMIT_DEFAULTS.minHealth);
  });

  it('names the field, the allowed range and the value', () => {
    const r = parseRiskLimits({ maxLeverage: -1 });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors, ['risk.maxLeverage: must be > 0 and ≤ 20 (got -1)']);
  });

  it('reports every bad field, wrong types and unknown fields', () => {
    const r = parseRiskLimits({ maxLeverage: 50, minHealth: 'high', dailyLossAction: 'stop', maxLevrage: 3 });
    assert.ok(!r.ok);
    assert.ok(r.errors.includes('risk.maxLeverage: must be > 0 and ≤ 20 (got 50)'));
    assert.ok(r.errors.includes('risk.minHealth: must be ≥ 0 and < 100 (got "high")'));
    assert.ok(
      r.errors.includes(`risk.dailyLossAction: must be 'flatten', 'reduce_only' or 'pause' (got "stop")`),
    );
    assert.ok(r.errors.includes('risk.maxLevrage: unknown field'));
  });

  it('requires pauseVolatility above maxVolatility', () => {
    const r = parseRiskLimits({ maxVolatility: 2, pauseVolatility: 1.5 });
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, ['risk.pauseVolatility: must be > maxVolatility (2) (got 1.5)']);
  });

  it('uses the given prefix', () => {
    const r = parseRiskLimits({ maxNotional: 0 }, 'bots[0].risk');
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, ['bots[0].risk.maxNotional: must be > 0 (got 0)']);
  });

  it('defaultRiskLimits equals the documented defaults', () => {
    assert.deepEqual(defaultRiskLimits(), { ...RISK_LIMIT_DEFAULTS });
  });
});
