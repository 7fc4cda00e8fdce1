/**
 * spreadCycle's signal, lag confirmation and execution: when a direction change trades, and what the risk
 * verdict lets out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '../../domain/intent.ts';
import { spreadCycle } from './cycle.ts';
import { drive, heldLong, holding, inputsAt, params, prices } from './test-support/cycle-scene.ts';
import { snap } from './test-support/fixtures.ts';
import { DRIFT_MARKET_INDEX as D, KMNO_MARKET_INDEX as K } from './types.ts';

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
