/**
 * spreadCycle's health, reconciliation and shutdown: naked and doubled legs, order failures, EMERGENCY, closing
 * on SIGTERM.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '../../domain/intent.ts';
import { requestShutdown, resetHealth } from './bot-state.ts';
import { type SpreadCycleResult, spreadCycle } from './cycle.ts';
import { drive, heldLong, holding, inputsAt, params, prices } from './test-support/cycle-scene.ts';
import { applyFills, pos, snap } from './test-support/fixtures.ts';
import { DRIFT_MARKET_INDEX as D, KMNO_MARKET_INDEX as K } from './types.ts';

describe('spreadCycle: health and reconciliation', () => {
  it('a naked leg is repaired at once; still naked next cycle → EMERGENCY closes everything and opens nothing', () => {
    const s0 = holding('LONG');
    const c1 = spreadCycle(s0, inputsAt(0.5, 0.1, { positions: [pos(D, 100)] }), params);
    assert.equal(c1.state.health.status, 'DEGRADED');
    assert.deepEqual(
      c1.orders.map((o) => [o.marketIndex, o.side, o.reduceOnly]),
      [[K, 'sell', false]],
    );
    assert.ok(c1.log.some((e) => e.category === 'RECONCILE' && /^naked leg/.test(e.msg)));
    const c2 = spreadCycle(
      c1.state,
      inputsAt(0.5, 0.1, {
        positions: [pos(D, 100)],
        lastOrderResults: [{ marketIndex: K, side: 'sell', ok: false, reason: 'InsufficientCollateral' }],
      }),
      params,
    );
    assert.equal(c2.state.health.status, 'EMERGENCY');
    assert.deepEqual(
      c2.orders.map((o) => [o.marketIndex, o.side, o.reduceOnly]),
      [[D, 'sell', true]],
    );
    assert.ok(c2.log.some((e) => e.category === 'HEALTH' && e.msg === 'DEGRADED → EMERGENCY'));
    const wantsLong = { ...c2.state, confirm: { confirmed: 'LONG' as const, candidate: null, streak: 0 } };
    const c3 = spreadCycle(wantsLong, inputsAt(0.5, 0.1), params);
    assert.deepEqual(c3.orders, []);
    assert.equal(c3.state.health.status, 'EMERGENCY');
    assert.equal(resetHealth(c3.state, params).health.status, 'HEALTHY');
  });

  it('a naked leg found on a stale cycle is unwound (closing only) instead of repaired', () => {
    const r = spreadCycle(
      holding('LONG'),
      inputsAt(0.5, 0.1, { positions: [pos(D, 100)], kmno: snap(K, 0.1, { oracleStale: true }) }),
      params,
    );
    assert.deepEqual(
      r.orders.map((o) => [o.marketIndex, o.side, o.reduceOnly]),
      [[D, 'sell', true]],
    );
    assert.equal(r.state.holding, 'FLAT');
  });

  it('a doubled leg is left until the reconcile cycle, then cut back', () => {
    let state = holding('LONG');
    const positions = [pos(D, 200), pos(K, -1500)];
    const counts: number[] = [];
    let last: SpreadCycleResult | undefined;
    for (let i = 1; i <= 10; i++) {
      last = spreadCycle(state, inputsAt(0.5, 0.1, { positions }), params);
      state = last.state;
      counts.push(last.orders.length);
    }
    assert.deepEqual(counts, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.equal(state.health.status, 'HEALTHY');
    assert.deepEqual(
      last?.orders.map((o) => [o.marketIndex, o.side, Number(o.base) / 1e9, o.reduceOnly]),
      [[D, 'sell', 100, true]],
    );
    assert.ok(last?.log.some((e) => /^doubled leg cut back/.test(e.msg)));
  });

  it('repeated order failures → DEGRADED: reconcile every cycle, trading goes on; clean cycles recover', () => {
    const failed = { marketIndex: D, side: 'buy' as const, ok: false, reason: 'Disconnected' };
    const c1 = spreadCycle(
      holding('FLAT'),
      inputsAt(0.5, 0.1, { lastOrderResults: [failed, failed, failed] }),
      params,
    );
    assert.equal(c1.state.health.status, 'DEGRADED');
    const wants = {
      ...c1.state,
      fit: drive(prices(25)).state.fit,
      confirm: { confirmed: 'LONG' as const, candidate: null, streak: 0 },
    };
    const [d, k] = prices(26)[25];
    const c2 = spreadCycle(
      wants,
      inputsAt(d, k, { positions: [pos(1, 0.5)], otherSnapshots: [snap(1, 90000)] }),
      params,
    );
    assert.deepEqual(
      c2.orders.map((o) => [o.marketIndex, o.reduceOnly]),
      [[1, true]],
      'stray BTC closed first (the reconciliation acts this cycle)',
    );
    // DEGRADED trades on (the seed: minor issues, continue trading): the confirmed LONG is entered.
    const c3 = spreadCycle(c2.state, inputsAt(d, k), params);
    assert.equal(c3.state.health.status, 'DEGRADED');
    assert.deepEqual(
      c3.orders.map((o) => [o.marketIndex, o.side, o.reduceOnly]),
      [
        [D, 'buy', false],
        [K, 'sell', false],
      ],
      'a new entry while DEGRADED',
    );
    const held = applyFills([], c3.orders);
    const c4 = spreadCycle(c3.state, inputsAt(d, k, { positions: held }), params);
    assert.equal(c4.state.health.status, 'HEALTHY', 'c3 and c4 clean: recoveryCycles (2) in a row');
  });

  it('a verdict inside the liquidation buffer is an unrepairable breach → EMERGENCY', () => {
    const verdict: Verdict = {
      kind: 'REDUCE_ONLY',
      band: { kind: 'band', marketIndex: D, minBase: 0, maxBase: 100, preferredBase: 0 },
      reasons: [
        {
          rule: 'A_liquidation_buffer',
          action: 'REDUCE_ONLY',
          measured: 3,
          limit: 10,
          message: 'liq distance 3% < 10%',
        },
      ],
    };
    const r = spreadCycle(holding('LONG'), inputsAt(0.5, 0.1, { positions: heldLong, verdict }), params);
    assert.equal(r.state.health.status, 'EMERGENCY');
    assert.deepEqual(
      r.orders.map((o) => o.reduceOnly),
      [true, true],
    );
  });
});

describe('spreadCycle: shutdown', () => {
  it('closes every position (foreign ones too) and reports completion once flat', () => {
    const s = requestShutdown(holding('LONG'));
    const positions = [...heldLong, pos(0, 2)];
    const r = spreadCycle(s, inputsAt(0.5, 0.1, { positions, otherSnapshots: [snap(0, 150)] }), params);
    assert.deepEqual(
      r.orders.map((o) => [o.marketIndex, o.reduceOnly]).sort(),
      [
        [0, true],
        [D, true],
        [K, true],
      ].sort(),
    );
    assert.equal(r.shutdownComplete, false);
    const done = spreadCycle(
      r.state,
      inputsAt(0.5, 0.1, { positions: applyFills(positions, r.orders) }),
      params,
    );
    assert.deepEqual(done.orders, []);
    assert.equal(done.shutdownComplete, true);
  });

  it('closes whatever the verdict: under PAUSE a shutdown and an EMERGENCY still send reduce-only closes', () => {
    const pause: Verdict = {
      kind: 'PAUSE',
      band: { kind: 'band', marketIndex: D, minBase: 0, maxBase: 0, preferredBase: 0 },
      reasons: [
        { rule: 'F_divergence', action: 'PAUSE', measured: 6, limit: 5, message: 'divergence 6% above 5%' },
      ],
    };
    const shut = spreadCycle(
      requestShutdown(holding('LONG')),
      inputsAt(0.5, 0.1, { positions: heldLong, verdict: pause }),
      params,
    );
    assert.deepEqual(
      shut.orders.map((o) => [o.marketIndex, o.reduceOnly]),
      [
        [D, true],
        [K, true],
      ],
    );
    assert.ok(shut.log.some((e) => /shutdown: closing all positions \(under a PAUSE verdict/.test(e.msg)));
    const emergency = {
      ...holding('LONG'),
      health: { ...holding('LONG').health, status: 'EMERGENCY' as const },
    };
    const em = spreadCycle(emergency, inputsAt(0.5, 0.1, { positions: heldLong, verdict: pause }), params);
    assert.deepEqual(
      em.orders.map((o) => [o.marketIndex, o.reduceOnly]),
      [
        [D, true],
        [K, true],
      ],
    );
    // Each close is its own transaction, not all-or-nothing: one that cannot fill must not hold the other.
    assert.deepEqual(
      em.batches.map((b) => [b.orders.length, b.allOrNothing]),
      [
        [1, false],
        [1, false],
      ],
    );
  });

  it('with closeOnShutdown off, leaves positions and is complete at once', () => {
    const keep = { ...params, closeOnShutdown: false };
    const r = spreadCycle(
      requestShutdown(holding('LONG')),
      inputsAt(0.5, 0.1, { positions: heldLong }),
      keep,
    );
    assert.deepEqual(r.orders, []);
    assert.equal(r.shutdownComplete, true);
  });
});
