import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getMarket } from '../../domain/markets.ts';
import { legsFor } from './intents.ts';
import { planLegOrders } from './legs.ts';
import { spreadParams } from './params.ts';
import { type ReconcileAction, reconcile } from './reconcile.ts';
import { applyFills, pos, snap } from './test-support/fixtures.ts';
import {
  DRIFT_MARKET_INDEX as D,
  KMNO_MARKET_INDEX as K,
  type SpreadDirection,
  spreadMarkets,
} from './types.ts';

const params = spreadParams({ driftQuantity: 100, kmnoQuantity: 1500, sizeTolerance: 0.02 });
const LONG = legsFor('LONG', params);
const FLAT = legsFor('FLAT', params);
const brief = (a: ReconcileAction) => [a.kind, a.marketIndex, a.fromBase, a.toBase];

describe('reconcile', () => {
  it('within tolerance: no action', () => {
    const r = reconcile(LONG, { positions: [pos(D, 101), pos(K, -1480)] }, params);
    assert.deepEqual(r, { actions: [], naked: false });
    assert.deepEqual(reconcile(FLAT, { positions: [] }, params), { actions: [], naked: false });
  });

  it('doubled leg: cut back to the intent, and the reason says so', () => {
    const r = reconcile(LONG, { positions: [pos(D, 200), pos(K, -1500)] }, params);
    assert.deepEqual(r.actions.map(brief), [['resize', D, 200, 100]]);
    assert.match(r.actions[0].reason, /^doubled leg cut back: DRIFT-PERP holds 200, intended 100/);
  });

  it('size drift both ways: cut back when too large, topped up when short, fixed when on the wrong side', () => {
    const r = reconcile(LONG, { positions: [pos(D, 150), pos(K, -1000)] }, params);
    assert.deepEqual(r.actions.map(brief), [
      ['resize', D, 150, 100],
      ['resize', K, -1000, -1500],
    ]);
    assert.match(r.actions[0].reason, /^size drift, cut back/);
    assert.match(r.actions[1].reason, /^size drift, topped up/);
    const wrong = reconcile(LONG, { positions: [pos(D, -100), pos(K, -1500)] }, params);
    assert.match(wrong.actions[0].reason, /^wrong side/);
  });

  it('missing legs: both recreated', () => {
    const r = reconcile(LONG, { positions: [] }, params);
    assert.deepEqual(r.actions.map(brief), [
      ['recreate', D, 0, 100],
      ['recreate', K, 0, -1500],
    ]);
    assert.ok(r.actions.every((a) => a.reason.startsWith('missing leg')));
    assert.equal(r.naked, false);
  });

  it('unexpected positions: a leg held while FLAT, and any other market, are closed', () => {
    const r = reconcile(FLAT, { positions: [pos(K, 700), pos(0, -3), pos(D, 0)] }, params);
    assert.deepEqual(r.actions.map(brief), [
      ['close', K, 700, 0],
      ['close', 0, -3, 0],
    ]);
    assert.match(r.actions[0].reason, /^unexpected position: KMNO-PERP holds 700, intended 0/);
    assert.match(r.actions[1].reason, /SOL-PERP holds -3 and is not a leg of this bot/);
    const stray = reconcile(LONG, { positions: [pos(D, 100), pos(K, -1500), pos(99, 1)] }, params);
    assert.deepEqual(stray.actions.map(brief), [['close', 99, 1, 0]]);
    assert.equal(stray.actions[0].market, 'perp-99');
  });

  it('naked leg: detected, then repaired (missing leg recreated) or unwound (held leg closed)', () => {
    const venue = { positions: [pos(D, 100)] };
    const repair = reconcile(LONG, venue, params);
    assert.equal(repair.naked, true);
    assert.deepEqual(repair.actions.map(brief), [['repairNakedLeg', K, 0, -1500]]);
    assert.match(
      repair.actions[0].reason,
      /^naked leg: DRIFT-PERP holds 100, KMNO-PERP holds 0 .*recreating KMNO-PERP/,
    );
    const unwind = reconcile(LONG, venue, params, { naked: 'unwind' });
    assert.deepEqual(unwind.actions.map(brief), [['unwindNakedLeg', D, 100, 0]]);
    const dust = reconcile(LONG, { positions: [pos(K, -1500), pos(D, 1)] }, params, { naked: 'unwind' });
    assert.deepEqual(dust.actions.map(brief), [
      ['unwindNakedLeg', K, -1500, 0],
      ['close', D, 1, 0],
    ]);
  });

  it('a naked leg whose held side is also off size is resized while the other is recreated', () => {
    const r = reconcile(LONG, { positions: [pos(K, -3000)] }, params);
    assert.deepEqual(r.actions.map(brief), [
      ['repairNakedLeg', D, 0, 100],
      ['resize', K, -3000, -1500],
    ]);
  });

  it('property: acting on the actions with perfect fills leaves nothing to reconcile', () => {
    const markets = [...spreadMarkets(), getMarket(0)];
    const snaps = [snap(D, 0.5), snap(K, 0.1), snap(0, 150)];
    const base = fc.integer({ min: -4000, max: 4000 });
    fc.assert(
      fc.property(
        fc.constantFrom<SpreadDirection>('LONG', 'SHORT', 'FLAT'),
        base,
        base,
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom<'repair' | 'unwind'>('repair', 'unwind'),
        (dir, d, k, sol, naked) => {
          const intended = legsFor(dir, params);
          const positions = [pos(D, d), pos(K, k), pos(0, sol)].filter((p) => p.base !== 0n);
          const r = reconcile(intended, { positions }, params, { naked });
          const targets = r.actions.map((a) => ({
            kind: 'target' as const,
            marketIndex: a.marketIndex,
            base: a.toBase,
          }));
          const plan = planLegOrders(targets, positions, snaps, params, markets, { closes: 'independent' });
          assert.deepEqual(plan.rejected, []);
          const after = applyFills(positions, plan.orders);
          const unwound = r.actions.some((a) => a.kind === 'unwindNakedLeg');
          const again = reconcile(unwound ? legsFor('FLAT', params) : intended, { positions: after }, params);
          assert.deepEqual(again.actions, []);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
