import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HEALTH_POLICY,
  HEALTH_TRANSITIONS,
  type HealthEvent,
  type HealthState,
  type HealthStatus,
  initialHealth,
  nextHealth,
} from './health.ts';

const limits = { maxConsecutiveFailures: 3, recoveryCycles: 2 };
const fail: HealthEvent = { type: 'ORDER_FAILED', reason: 'InsufficientCollateral' };
const ok: HealthEvent = { type: 'ORDER_OK' };
const clean: HealthEvent = { type: 'CYCLE_END', clean: true };
const dirty: HealthEvent = { type: 'CYCLE_END', clean: false };
const naked: HealthEvent = { type: 'NAKED_LEG', detail: 'KMNO missing' };
const breach: HealthEvent = { type: 'RISK_BREACH', detail: 'inside liquidation buffer' };
const reset: HealthEvent = { type: 'MANUAL_RESET' };

const run = (events: HealthEvent[], from: HealthState = initialHealth()): HealthState =>
  events.reduce((s, e) => nextHealth(s, e, limits), from);
const statuses = (events: HealthEvent[]): HealthStatus[] => {
  let s = initialHealth();
  return events.map((e) => {
    s = nextHealth(s, e, limits);
    return s.status;
  });
};
const degraded = (): HealthState => run([fail, fail, fail]);
const emergency = (): HealthState => run([breach]);

describe('health transitions', () => {
  it('the table covers every status × event', () => {
    const events: HealthEvent['type'][] = [
      'ORDER_OK',
      'ORDER_FAILED',
      'CYCLE_END',
      'NAKED_LEG',
      'RISK_BREACH',
      'MANUAL_RESET',
    ];
    for (const status of ['HEALTHY', 'DEGRADED', 'EMERGENCY'] as const) {
      assert.deepEqual(Object.keys(HEALTH_TRANSITIONS[status]).sort(), [...events].sort());
    }
  });

  it('HEALTHY → DEGRADED after maxConsecutiveFailures failures in a row', () => {
    assert.deepEqual(statuses([fail, fail, fail]), ['HEALTHY', 'HEALTHY', 'DEGRADED']);
    assert.match(degraded().reason, /^3 consecutive order failures \(last: InsufficientCollateral\)/);
  });

  it('HEALTHY: a success resets the failure streak; CYCLE_END keeps HEALTHY', () => {
    assert.deepEqual(statuses([fail, fail, ok, fail, fail, clean, dirty]), Array(7).fill('HEALTHY'));
  });

  it('DEGRADED → HEALTHY only after recoveryCycles clean cycles in a row', () => {
    const s = degraded();
    assert.equal(run([clean], s).status, 'DEGRADED');
    assert.equal(run([clean, clean], s).status, 'HEALTHY');
    assert.equal(run([clean, dirty, clean], s).status, 'DEGRADED');
    assert.equal(run([clean, fail, clean], s).status, 'DEGRADED');
    assert.equal(run([ok, ok, ok], s).status, 'DEGRADED', 'order successes alone do not recover');
    const back = run([clean, clean], s);
    assert.deepEqual({ ...back, reason: '' }, initialHealth());
  });

  it('a naked leg degrades at once and becomes EMERGENCY when still naked the next cycle', () => {
    assert.deepEqual(statuses([naked, naked]), ['DEGRADED', 'EMERGENCY']);
    assert.match(run([naked, naked]).reason, /^naked leg not repaired within one cycle/);
    assert.deepEqual(
      statuses([naked, dirty, naked]),
      ['DEGRADED', 'DEGRADED', 'DEGRADED'],
      'repaired, then a new one',
    );
    assert.equal(run([naked], degraded()).status, 'DEGRADED');
    assert.equal(run([naked, naked], degraded()).status, 'EMERGENCY');
  });

  it('an unrepairable risk breach → EMERGENCY from HEALTHY and from DEGRADED', () => {
    assert.equal(emergency().status, 'EMERGENCY');
    assert.equal(run([breach], degraded()).status, 'EMERGENCY');
    assert.match(emergency().reason, /^risk breach that cannot be repaired/);
  });

  it('EMERGENCY is left only by a manual reset', () => {
    const e = emergency();
    for (const ev of [ok, fail, clean, dirty, naked, breach]) assert.deepEqual(nextHealth(e, ev, limits), e);
    const r = run([reset], e);
    assert.equal(r.status, 'HEALTHY');
    assert.equal(r.reason, 'manual reset');
    assert.equal(run([reset], degraded()).status, 'HEALTHY');
  });

  it('policy: DEGRADED trades on (entries and repairs, reconciles every cycle); EMERGENCY closes everything', () => {
    assert.deepEqual(HEALTH_POLICY.HEALTHY, {
      newEntries: true,
      repairs: true,
      closeAll: false,
      reconcileEveryCycle: false,
    });
    assert.deepEqual(HEALTH_POLICY.DEGRADED, {
      newEntries: true,
      repairs: true,
      closeAll: false,
      reconcileEveryCycle: true,
    });
    assert.equal(HEALTH_POLICY.EMERGENCY.closeAll, true);
    assert.equal(HEALTH_POLICY.EMERGENCY.repairs || HEALTH_POLICY.EMERGENCY.newEntries, false);
  });
});
