import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PnlBook } from '../backtest/pnl-book.ts';
import type { Verdict, VerdictKind } from '../domain/intent.ts';
import type { Order } from '../domain/types.ts';
import { defaultRiskLimits } from '../risk/limits.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import { bar, flat, limit, MINUTE, SOL, sol, T0, usd } from '../venue/sim/test-support/fixtures.ts';
import { InvariantMonitor, MAX_BARS_OVER_CAP } from './invariants.ts';

const risk = {
  ...defaultRiskLimits(),
  maxLeverage: 3,
  maxNotional: 5000,
  minLiqDistancePct: 15,
  hysteresisPct: 0,
};
const verdict = (kind: VerdictKind): Verdict => ({
  kind,
  band: { kind: 'band', marketIndex: 0, minBase: 0, maxBase: 0, preferredBase: 0 },
  reasons: [],
});
const order = (id: number, side: 'buy' | 'sell', price: number): Order => ({
  ...limit(side, 1, price),
  orderId: id,
  filledBase: 0n,
  status: 'open',
  placedTs: T0,
});
const ids = (m: InvariantMonitor) => m.violations.map((v) => v.invariant);

describe('invariant monitor', () => {
  it('flags an order that could grow the position under REDUCE_ONLY or PAUSE, not a reduce-only close', () => {
    const m = new InvariantMonitor(risk);
    const long = () => sol(2);
    m.onDecision(
      T0,
      verdict('REDUCE_ONLY'),
      [{ kind: 'place', order: limit('sell', 1, 101, { reduceOnly: true }) }],
      [],
      long,
    );
    m.onDecision(T0, verdict('REDUCE_ONLY'), [{ kind: 'place', order: limit('sell', 2, 101) }], [], long);
    assert.deepEqual(ids(m), []);
    m.onDecision(T0, verdict('REDUCE_ONLY'), [{ kind: 'place', order: limit('buy', 1, 99) }], [], long);
    m.onDecision(
      T0,
      verdict('PAUSE'),
      [{ kind: 'cancelAndPlace', cancelOrderIds: [], place: [limit('sell', 3, 101)] }],
      [],
      long,
    );
    m.onDecision(T0, verdict('CLAMP'), [{ kind: 'place', order: limit('buy', 1, 99) }], [], long);
    assert.deepEqual(ids(m), ['exposureUnderRestriction', 'exposureUnderRestriction']);
  });

  it('flags more than 32 live orders and a MaxNumberOfOrders refusal', () => {
    const m = new InvariantMonitor(risk);
    m.onExecuted(T0, [], 32);
    assert.deepEqual(ids(m), []);
    m.onExecuted(T0, [], 33);
    m.onExecuted(
      T0,
      [{ ok: false, command: { kind: 'cancelAll' }, reason: 'MaxNumberOfOrders', detail: '' }],
      32,
    );
    assert.deepEqual(ids(m), ['openOrders', 'openOrders']);
  });

  it('allows a bounded stay above the caps; paused bars are tallied, not counted', () => {
    const m = new InvariantMonitor(risk);
    for (let i = 0; i < MAX_BARS_OVER_CAP; i++) m.onBar(T0, 3.5, 100, false);
    for (let i = 0; i < 50; i++) m.onBar(T0, 3.5, 100, true);
    assert.deepEqual(ids(m), []);
    assert.equal(m.pausedOverCapBars, 50);
    m.onBar(T0, 3.5, 6000, false);
    assert.deepEqual(ids(m), ['leverageCap']);
  });

  it('flags a liquidation only when the governor could act and no one-bar move exceeded the buffer', () => {
    const m = new InvariantMonitor(risk);
    m.onLiquidation(T0, 0, 20, true);
    m.onLiquidation(T0, 0, 5, false);
    assert.deepEqual(ids(m), []);
    m.onLiquidation(T0, 0, 5, true);
    assert.deepEqual(ids(m), ['liquidation']);
  });

  it('flags a live order after recovery that the plan neither kept nor placed', () => {
    const m = new InvariantMonitor(risk);
    const before = [order(1, 'buy', 95), order(2, 'sell', 105)];
    m.onRecovered(T0, before, [{ kind: 'cancel', orderId: 1 }], [], [order(2, 'sell', 105)]);
    assert.deepEqual(ids(m), []);
    m.onRecovered(
      T0,
      before,
      [{ kind: 'cancel', orderId: 1 }],
      [],
      [order(1, 'buy', 95), order(2, 'sell', 105)],
    );
    assert.deepEqual(ids(m), ['orphans']);
  });

  it('the ledger check holds when the book saw every event and fails when one fill was lost', () => {
    const sim = new SimExchange({ markets: [SOL], spreadBps: 2 });
    sim.onBar(0, flat(T0, 100), MINUTE);
    const sub = sim.createSubaccount('a');
    sim.deposit(sub, usd(1000));
    sim.execute(
      sub,
      [
        { kind: 'place', order: limit('buy', 1, 99) },
        { kind: 'place', order: limit('buy', 1, 101) },
      ],
      T0,
    );
    sim.onBar(0, bar(T0 + MINUTE, 100, 100, 98, 99), MINUTE);
    const events = sim.drainEvents();
    const fills = events.filter((e) => e.type === 'filled');
    assert.equal(fills.length, 2);
    const full = new PnlBook();
    for (const e of events) full.onEvent(e);
    const m = new InvariantMonitor(risk);
    m.checkLedger(T0, full, sim, sub, usd(1000));
    assert.deepEqual(ids(m), []);
    const lossy = new PnlBook();
    for (const e of events) if (e !== fills[0]) lossy.onEvent(e);
    m.checkLedger(T0, lossy, sim, sub, usd(1000));
    assert.ok(ids(m).length >= 1 && ids(m).every((x) => x === 'ledger'));
  });
});
