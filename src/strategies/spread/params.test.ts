import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSpreadParams } from './params.ts';

const base = { driftQuantity: 100, kmnoQuantity: 1500 };

describe('parseSpreadParams', () => {
  it('fills the documented defaults', () => {
    const r = parseSpreadParams(base);
    assert.ok(r.ok);
    assert.deepEqual(
      {
        cycleIntervalSec: r.params.cycleIntervalSec,
        signalLagPeriods: r.params.signalLagPeriods,
        window: r.params.window,
        entryZ: r.params.entryZ,
        exitZ: r.params.exitZ,
        maxSlippageBps: r.params.maxSlippageBps,
        closeMaxSlippageBps: r.params.closeMaxSlippageBps,
        reconcileEveryCycles: r.params.reconcileEveryCycles,
        closeOnShutdown: r.params.closeOnShutdown,
        maxConsecutiveFailures: r.params.maxConsecutiveFailures,
      },
      {
        cycleIntervalSec: 60,
        signalLagPeriods: 3,
        window: 96,
        entryZ: 2,
        exitZ: 0.5,
        maxSlippageBps: 25,
        closeMaxSlippageBps: 50,
        reconcileEveryCycles: 10,
        closeOnShutdown: true,
        maxConsecutiveFailures: 3,
      },
    );
  });

  it('names the field path and the allowed range', () => {
    const r = parseSpreadParams({ ...base, entryZ: -1 });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0], /^spread\.entryZ: .*\(allowed: a number in \(0, 10\]/);
  });

  it('reports every bad field, wrong types included', () => {
    const r = parseSpreadParams({ kmnoQuantity: 'lots', driftQuantity: -1, signalLagPeriods: 1.5 });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const fields = r.errors.map((e) => e.split(':')[0]).sort();
    assert.deepEqual(fields, ['spread.driftQuantity', 'spread.kmnoQuantity', 'spread.signalLagPeriods']);
    assert.ok(
      r.errors.find((e) => e.startsWith('spread.signalLagPeriods'))?.includes('an integer in [1, 100]'),
    );
  });

  it('rejects unknown fields (strict) and an exit band not inside the entry band', () => {
    const unknown = parseSpreadParams({ ...base, entryz: 2 });
    assert.equal(unknown.ok, false);
    if (!unknown.ok) assert.match(unknown.errors[0], /^spread\.entryz: unknown field/);
    const bands = parseSpreadParams({ ...base, entryZ: 1, exitZ: 1 });
    assert.equal(bands.ok, false);
    if (!bands.ok) assert.match(bands.errors[0], /^spread\.exitZ: must be less than entryZ \(1\)/);
  });

  it('defaults to the seed: 100 DRIFT, 1000 KMNO, 60 s cycles, lag 3, 25 / 50 bps, 60 s shutdown deadline', () => {
    const r = parseSpreadParams({});
    assert.ok(r.ok);
    if (!r.ok) return;
    const p = r.params;
    assert.deepEqual(
      [
        p.driftQuantity,
        p.kmnoQuantity,
        p.cycleIntervalSec,
        p.signalLagPeriods,
        p.maxSlippageBps,
        p.closeMaxSlippageBps,
        p.shutdownTimeoutSec,
        p.closeOnShutdown,
      ],
      [100, 1000, 60, 3, 25, 50, 60, true],
    );
  });

  it('rejects zero quantities', () => {
    const r = parseSpreadParams({ driftQuantity: 0, kmnoQuantity: 10 });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.errors[0], /^spread\.driftQuantity: .*allowed: a number > 0/);
  });
});
