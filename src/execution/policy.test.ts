import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultExecutionPolicy, EXECUTION_POLICY_DEFAULTS, parseExecutionPolicy } from './policy.ts';

describe('parseExecutionPolicy', () => {
  it('fills the documented defaults', () => {
    const r = parseExecutionPolicy(undefined);
    assert.ok(r.ok);
    assert.deepEqual(r.policy, {
      ...EXECUTION_POLICY_DEFAULTS,
      rampIn: { ...EXECUTION_POLICY_DEFAULTS.rampIn },
    });
    assert.deepEqual(defaultExecutionPolicy(), r.policy);
  });
  it('fills nested defaults', () => {
    const r = parseExecutionPolicy({ rampIn: { steps: 2 } });
    assert.ok(r.ok);
    assert.deepEqual(r.policy.rampIn, { steps: 2, intervalSec: 900 });
  });
  it('names the field path and the range', () => {
    const r = parseExecutionPolicy({
      maxOpenOrders: 40,
      rampIn: { steps: 1.5 },
      postOnly: 'slide',
      extra: 1,
    });
    assert.ok(!r.ok);
    assert.ok(r.errors.includes('execution.maxOpenOrders: must be an integer ≥ 1 and ≤ 32 (got 40)'));
    assert.ok(r.errors.includes('execution.rampIn.steps: must be an integer ≥ 1 and ≤ 100 (got 1.5)'));
    assert.ok(r.errors.includes(`execution.postOnly: must be 'must' or 'try' (got "slide")`));
    assert.ok(r.errors.includes('execution.extra: unknown field'));
  });
});
