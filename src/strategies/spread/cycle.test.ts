import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '../../domain/intent.ts';
import {
  initialSpreadState,
  requestShutdown,
  resetHealth,
  type SpreadBotState,
  type SpreadCycleInputs,
  type SpreadCycleResult,
  spreadCycle,
} from './cycle.ts';
import { legsFor } from './intents.ts';
import { spreadParams } from './params.ts';
import { applyFills, pos, snap } from './test-support/fixtures.ts';
import {
  DRIFT_MARKET_INDEX as D,
  KMNO_MARKET_INDEX as K,
  type LegPosition,
  type SpreadDirection,
} from './types.ts';

const params = spreadParams({
  driftQuantity: 100,
  kmnoQuantity: 1500,
  window: 20,
  signalLagPeriods: 3,
  reconcileEveryCycles: 10,
  recoveryCycles: 2,
});

/** KMNO wanders; DRIFT tracks it with ±0.2% alternating noise; `shock[i]` moves DRIFT by that fraction. */
function prices(n: number, shock: (i: number) => number = () => 0): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const kmno = 0.1 * (1 + 0.05 * Math.sin(i / 4));
    const drift = 0.5 * (kmno / 0.1) ** 1.2 * (1 + (i % 2 ? 0.002 : -0.002)) * (1 + shock(i));
    return [drift, kmno];
  });
}

const inputsAt = (drift: number, kmno: number, over: Partial<SpreadCycleInputs> = {}): SpreadCycleInputs => ({
  ts: 0,
  drift: snap(D, drift),
  kmno: snap(K, kmno),
  positions: [],
  lastOrderResults: [],
  ...over,
});

/** Runs the bot over a price path with a perfect venue; returns per-cycle order counts and the final state. */
function drive(
  path: [number, number][],
  stale: (i: number) => boolean = () => false,
  state = initialSpreadState(params),
) {
  let positions: LegPosition[] = [];
  const orders: number[] = [];
  const opens: number[] = [];
  for (const [i, [d, k]] of path.entries()) {
    const r = spreadCycle(
      state,
      inputsAt(d, k, { positions, drift: snap(D, d, { oracleStale: stale(i) }) }),
      params,
    );
    state = r.state;
    positions = applyFills(positions, r.orders);
    orders.push(r.orders.length);
    opens.push(r.orders.filter((o) => !o.reduceOnly).length);
  }
  return { state, positions, orders, opens };
}

const holding = (dir: SpreadDirection, over: Partial<SpreadBotState> = {}): SpreadBotState => ({
  ...initialSpreadState(params),
  holding: dir,
  intended: legsFor(dir, params),
  confirm: { confirmed: dir, candidate: null, streak: 0 },
  ...over,
});
const heldLong = [pos(D, 100), pos(K, -1500)];

describe('spreadCycle: signal and lag', () => {
  it('a shock sustained for signalLagPeriods fresh cycles enters LONG on exactly the last of them', () => {
    const path = prices(40, (i) => (i >= 30 && i < 34 ? -0.08 * (i - 29) : 0));
    const run = drive(path);
    assert.deepEqual(run.orders.slice(0, 32), Array(32).fill(0));
    assert.equal(run.opens[32], 2);
    const afterEntry = drive(path.slice(0, 33));
    assert.equal(afterEntry.state.holding, 'LONG');
    assert.deepEqual(
      afterEntry.positions.map((p) => [p.marketIndex, Number(p.base) / 1e9]),
      [
        [D, 100],
        [K, -1500],
      ],
    );
  });

  it('a signal flipping every cycle never trades', () => {
    const path = prices(60, (i) => (i >= 25 ? (i % 2 ? 0.06 : -0.06) : 0));
    assert.deepEqual(drive(path).orders, Array(60).fill(0));
  });

  it('stale cycles neither update the signal nor trade; the entry waits for the next fresh cycle', () => {
    const path = prices(40, (i) => (i >= 30 && i < 34 ? -0.08 * (i - 29) : 0));
    const run = drive(path, (i) => i === 32);
    assert.equal(run.orders[32], 0);
    assert.equal(run.opens[33], 2);
    const upToStale = drive(path.slice(0, 33), (i) => i === 32).state;
    const beforeStale = drive(path.slice(0, 32)).state;
    assert.deepEqual(
      [upToStale.confirm.candidate, upToStale.confirm.streak],
      ['LONG', 2],
      'the stale cycle did not count',
    );
    assert.deepEqual(
      [upToStale.fit.sx, upToStale.fit.sy, upToStale.fit.end],
      [beforeStale.fit.sx, beforeStale.fit.sy, beforeStale.fit.end],
    );
    assert.deepEqual(upToStale.lastStats, beforeStale.lastStats, 'the stale price did not enter the fit');
  });
});

describe('spreadCycle: execution', () => {
  it('an entry whose leg fails slippage sends neither leg, says why, and retries next cycle', () => {
    const ready = { ...holding('FLAT'), confirm: { confirmed: 'LONG' as const, candidate: null, streak: 0 } };
    const fit = drive(prices(25)).state.fit;
    const state = { ...ready, fit };
    const [d, k] = prices(26)[25];
    const wide = spreadCycle(state, inputsAt(d, k, { drift: snap(D, d, { ask: d * 1.004 }) }), params);
    assert.deepEqual(wide.orders, []);
    assert.equal(wide.state.holding, 'FLAT');
    assert.ok(wide.rejected.some((r) => /slippage: best ask .* beyond the 25 bps cap/.test(r.reason)));
    assert.ok(wide.log.some((e) => e.category === 'POSITION' && /FLAT → LONG not done/.test(e.msg)));
    const retry = spreadCycle(wide.state, inputsAt(d, k), params);
    assert.equal(retry.orders.length, 2);
    assert.equal(retry.state.holding, 'LONG');
  });

  it('an exit under REDUCE_ONLY goes out; an entry does not; PAUSE sends nothing at all', () => {
    const fit = drive(prices(25)).state.fit;
    const verdict = (kind: Verdict['kind']): Verdict => ({
      kind,
      band: { kind: 'band', marketIndex: D, minBase: 0, maxBase: 0, preferredBase: 0 },
      reasons: [],
    });
    const [d, k] = prices(26)[25];
    const exiting = {
      ...holding('LONG', { fit }),
      confirm: { confirmed: 'FLAT' as const, candidate: null, streak: 0 },
    };
    const ro = spreadCycle(
      exiting,
      inputsAt(d, k, { positions: heldLong, verdict: verdict('REDUCE_ONLY') }),
      params,
    );
    assert.deepEqual(
      ro.orders.map((o) => o.reduceOnly),
      [true, true],
    );
    const entering = {
      ...holding('FLAT', { fit }),
      confirm: { confirmed: 'SHORT' as const, candidate: null, streak: 0 },
    };
    const noEntry = spreadCycle(entering, inputsAt(d, k, { verdict: verdict('REDUCE_ONLY') }), params);
    assert.deepEqual(noEntry.orders, []);
    assert.ok(noEntry.log.some((e) => /entry SHORT not taken: risk verdict REDUCE_ONLY/.test(e.msg)));
    const paused = spreadCycle(
      exiting,
      inputsAt(d, k, { positions: heldLong, verdict: verdict('PAUSE') }),
      params,
    );
    assert.deepEqual(paused.orders, []);
  });

  it('a hard cap whose band no longer admits a held leg closes the pair; a soft clamp or a band that does holds', () => {
    const fit = drive(prices(25)).state.fit;
    const [d, k] = prices(26)[25];
    const staying = {
      ...holding('LONG', { fit }),
      confirm: { confirmed: 'LONG' as const, candidate: null, streak: 0 },
    };
    const clamp = (maxBase: number, rule: 'B_leverage' | 'V_volatility'): Verdict => ({
      kind: 'CLAMP',
      band: { kind: 'band', marketIndex: D, minBase: -maxBase, maxBase, preferredBase: 0 },
      reasons: [{ rule, action: 'CLAMP', measured: 4, limit: 3, message: `${rule} over its limit` }],
    });
    // A leverage clamp to 60 of DRIFT while the pair holds 100.
    const r = spreadCycle(
      staying,
      inputsAt(d, k, { positions: heldLong, verdict: clamp(60, 'B_leverage') }),
      params,
    );
    assert.deepEqual(
      r.orders.map((o) => [o.marketIndex, o.reduceOnly]),
      [
        [D, true],
        [K, true],
      ],
    );
    assert.equal(r.state.holding, 'FLAT');
    assert.ok(
      r.log.some((e) =>
        /closing the pair: risk band \[-60, 60\] on market 30 excludes the held 100/.test(e.msg),
      ),
    );
    // Held: a volatility clamp (soft), a band that admits the leg, or one short of it by less than the 2% tolerance.
    for (const v of [clamp(60, 'V_volatility'), clamp(100, 'B_leverage'), clamp(99, 'B_leverage')]) {
      const held = spreadCycle(staying, inputsAt(d, k, { positions: heldLong, verdict: v }), params);
      assert.deepEqual(held.orders, [], `${v.reasons[0].rule} ±${v.band.maxBase}`);
      assert.equal(held.state.holding, 'LONG');
    }
  });

  it('a daily-loss flatten (band [0, 0]) closes the pair; the same rule as reduce_only only blocks openings', () => {
    const fit = drive(prices(25)).state.fit;
    const [d, k] = prices(26)[25];
    const staying = {
      ...holding('LONG', { fit }),
      confirm: { confirmed: 'LONG' as const, candidate: null, streak: 0 },
    };
    const c = {
      rule: 'C_daily_loss' as const,
      action: 'REDUCE_ONLY' as const,
      measured: 70,
      limit: 60,
      message: 'daily loss',
    };
    const flatten: Verdict = {
      kind: 'REDUCE_ONLY',
      band: { kind: 'band', marketIndex: D, minBase: 0, maxBase: 0, preferredBase: 0 },
      reasons: [c],
      flatten: { sinceTs: 0, taker: false },
    };
    const closed = spreadCycle(staying, inputsAt(d, k, { positions: heldLong, verdict: flatten }), params);
    assert.deepEqual(
      closed.orders.map((o) => [o.marketIndex, o.reduceOnly]),
      [
        [D, true],
        [K, true],
      ],
    );
    const reduceOnly: Verdict = {
      kind: 'REDUCE_ONLY',
      band: { kind: 'band', marketIndex: D, minBase: -100, maxBase: 100, preferredBase: 0 },
      reasons: [c],
    };
    const held = spreadCycle(staying, inputsAt(d, k, { positions: heldLong, verdict: reduceOnly }), params);
    assert.deepEqual(held.orders, []);
  });

  it('a CLAMP band that excludes a leg target blocks the entry', () => {
    const fit = drive(prices(25)).state.fit;
    const [d, k] = prices(26)[25];
    const entering = {
      ...holding('FLAT', { fit }),
      confirm: { confirmed: 'LONG' as const, candidate: null, streak: 0 },
    };
    const verdict: Verdict = {
      kind: 'CLAMP',
      band: { kind: 'band', marketIndex: D, minBase: -50, maxBase: 50, preferredBase: 0 },
      reasons: [],
    };
    const r = spreadCycle(entering, inputsAt(d, k, { verdict }), params);
    assert.deepEqual(r.orders, []);
    assert.ok(
      r.rejected.some((x) => /risk CLAMP band \[-50, 50\] on market 30 excludes target 100/.test(x.reason)),
    );
  });
});

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
