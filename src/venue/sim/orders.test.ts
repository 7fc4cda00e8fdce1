import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimExchange } from './exchange.ts';
import { flat, limit, SOL, sol, T0, usd } from './test-support/fixtures.ts';

function setup(deposit = 10_000) {
  const ex = new SimExchange({ markets: [SOL], spreadBps: 10 });
  const id = ex.createSubaccount('t');
  ex.deposit(id, usd(deposit));
  ex.onBar(0, flat(T0, 100), 60_000); // mark 100 → bid 99.95, ask 100.05
  ex.drainEvents();
  return { ex, id, ts: T0 + 60_000 };
}

const reasonOf = (r: { ok: boolean } & Record<string, unknown>) => (r.ok ? 'ok' : r.reason);

describe('order rules', () => {
  it('rejects off-step sizes, off-tick prices and sizes below the minimum', () => {
    const { ex, id, ts } = setup();
    const [a, b, c, d] = ex.execute(
      id,
      [
        { kind: 'place', order: { ...limit('buy', 1, 99), base: sol(1) + 1n } },
        { kind: 'place', order: { ...limit('buy', 1, 99), price: usd(99) + 1n } },
        { kind: 'place', order: { ...limit('buy', 1, 99), base: SOL.minOrderSize - SOL.stepSize } },
        { kind: 'place', order: limit('buy', 0, 99) },
      ],
      ts,
    );
    assert.equal(reasonOf(a), 'InvalidOrderSizeStep');
    assert.equal(reasonOf(b), 'InvalidOrderPriceTick');
    assert.equal(reasonOf(c), 'OrderAmountTooSmall');
    assert.equal(reasonOf(d), 'OrderAmountTooSmall');
    const events = ex.drainEvents();
    assert.deepEqual(
      events.map((e) => (e.type === 'rejected' ? e.reason : e.type)),
      ['InvalidOrderSizeStep', 'InvalidOrderPriceTick', 'OrderAmountTooSmall', 'OrderAmountTooSmall'],
    );
  });

  it("standardizes instead of rejecting when alignment is 'standardize' (as Drift's program does)", () => {
    const ex = new SimExchange({ markets: [SOL], alignment: 'standardize' });
    const id = ex.createSubaccount('t');
    ex.deposit(id, usd(1000));
    ex.onBar(0, flat(T0, 100), 60_000);
    const [r] = ex.execute(
      id,
      [{ kind: 'place', order: { ...limit('sell', 1, 101), price: usd(101) + 1n, base: sol(1) + 5n } }],
      T0,
    );
    assert.equal(r.ok, true);
    const [o] = ex.openOrders(id);
    assert.equal(o.price, usd(101) + SOL.tickSize, 'asks round up');
    assert.equal(o.base, sol(1));
  });

  it('allows a reduce-only order below the minimum size', () => {
    const { ex, id, ts } = setup();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 101) }], ts);
    const [r] = ex.execute(
      id,
      [{ kind: 'place', order: { ...limit('sell', 0, 150, { reduceOnly: true }), base: SOL.stepSize } }],
      ts,
    );
    assert.equal(r.ok, true);
  });

  it('caps open orders at 32', () => {
    const { ex, id, ts } = setup(1_000_000);
    const cmds = Array.from({ length: 33 }, (_, i) => ({
      kind: 'place' as const,
      order: limit('buy', 0.1, 90 - i * 0.1),
    }));
    const res = ex.execute(id, cmds, ts);
    assert.equal(res.filter((r) => r.ok).length, 32);
    assert.equal(reasonOf(res[32]), 'MaxNumberOfOrders');
    assert.equal(ex.openOrders(id).length, 32);
  });

  it('keeps userOrderId unique among open orders, and frees it when the order goes', () => {
    const { ex, id, ts } = setup();
    const [a, b] = ex.execute(
      id,
      [
        { kind: 'place', order: limit('buy', 1, 90, { userOrderId: 7 }) },
        { kind: 'place', order: limit('buy', 1, 91, { userOrderId: 7 }) },
      ],
      ts,
    );
    assert.equal(a.ok, true);
    assert.equal(reasonOf(b), 'UserOrderIdAlreadyInUse');
    const [c] = ex.execute(id, [{ kind: 'cancelByUserOrderId', userOrderId: 7 }], ts);
    assert.equal(c.ok, true);
    const [d] = ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 91, { userOrderId: 7 }) }], ts);
    assert.equal(d.ok, true);
  });

  it('post-only MUST crossing is rejected with PostOnlyWouldCross', () => {
    const { ex, id, ts } = setup();
    const [r] = ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 100.05, { postOnly: 'must' }) }], ts);
    assert.equal(reasonOf(r), 'PostOnlyWouldCross');
    const [ok] = ex.execute(
      id,
      [{ kind: 'place', order: limit('buy', 1, 100.04, { postOnly: 'must' }) }],
      ts,
    );
    assert.equal(ok.ok, true);
  });

  it('post-only TRY crossing places nothing, succeeds, and reports a cancelled event', () => {
    const { ex, id, ts } = setup();
    const [r] = ex.execute(
      id,
      [{ kind: 'place', order: limit('sell', 1, 99.95, { postOnly: 'try', userOrderId: 3 }) }],
      ts,
    );
    assert.deepEqual(r.ok && r.orderIds, []);
    assert.equal(ex.openOrders(id).length, 0);
    const ev = ex.drainEvents();
    assert.equal(ev.length, 1);
    assert.equal(ev[0].type === 'cancelled' && ev[0].reason, 'postOnlyWouldCross');
    assert.equal(ev[0].type === 'cancelled' && ev[0].userOrderId, 3);
  });

  it('post-only SLIDE re-prices one tick inside the book', () => {
    const { ex, id, ts } = setup();
    ex.execute(
      id,
      [
        { kind: 'place', order: limit('buy', 1, 105, { postOnly: 'slide' }) },
        { kind: 'place', order: limit('sell', 1, 95, { postOnly: 'slide' }) },
      ],
      ts,
    );
    const [b, s] = ex.openOrders(id);
    assert.equal(b.price, usd(100.05) - SOL.tickSize);
    assert.equal(s.price, usd(99.95) + SOL.tickSize);
    assert.equal(ex.positions(id).length, 0, 'nothing filled');
  });

  it('reduce-only: rejected when it cannot reduce; capped at the position when it can', () => {
    const { ex, id, ts } = setup();
    const [flatRo] = ex.execute(
      id,
      [{ kind: 'place', order: limit('sell', 1, 90, { reduceOnly: true }) }],
      ts,
    );
    assert.equal(reasonOf(flatRo), 'ReduceOnlyWouldIncrease');
    ex.execute(id, [{ kind: 'place', order: limit('buy', 2, 101) }], ts); // long 2
    ex.execute(
      id,
      [
        {
          kind: 'place',
          order: { ...limit('sell', 5, 0), orderType: 'market', price: 0n, reduceOnly: true },
        },
      ],
      ts,
    );
    assert.equal(ex.positions(id).length, 0, 'closed, not flipped');
    const ev = ex.drainEvents().filter((e) => e.type === 'filled');
    assert.equal(ev.at(-1)?.type === 'filled' && ev.at(-1)?.fill.base, sol(2));
  });

  it('rejects an order the collateral cannot carry at initial margin, but not a risk-reducing one', () => {
    const { ex, id, ts } = setup(100); // 100 USDC, SOL initial margin 5% → at most ~2000 notional
    const [big] = ex.execute(id, [{ kind: 'place', order: limit('buy', 25, 90) }], ts);
    assert.equal(reasonOf(big), 'InsufficientCollateral');
    assert.equal(ex.openOrders(id).length, 0);
    const [ok] = ex.execute(id, [{ kind: 'place', order: limit('buy', 15, 90) }], ts);
    assert.equal(ok.ok, true);
  });

  it('never margin-checks a reduce-only order, even when it and the open asks exceed the position (as Drift)', () => {
    const { ex, id, ts } = setup(100);
    const [fill] = ex.execute(
      id,
      [{ kind: 'place', order: limit('buy', 15, 101, { postOnly: 'none' }) }],
      ts,
    );
    assert.equal(fill.ok, true);
    assert.equal(ex.positions(id)[0]?.base, 15_000_000_000n);
    // The price falls to 97.5: below the initial margin requirement (5%), still above maintenance (3%).
    ex.onBar(0, flat(ts, 97.5), 60_000);
    ex.drainEvents();
    const f = ex.margin(id);
    assert.ok(f.initialTotalCollateral < f.initialMarginRequirement, 'below initial margin');
    const ro = (px: number) => limit('sell', 10, px, { reduceOnly: true });
    const [a, b, c] = ex.execute(
      id,
      [
        { kind: 'place', order: ro(110) },
        // 10 + 10 asks > a 15 long: risk increasing for a plain order, never for a reduce-only one.
        { kind: 'place', order: ro(111) },
        { kind: 'place', order: limit('sell', 10, 112) },
      ],
      ts + 60_000,
    );
    assert.deepEqual([reasonOf(a), reasonOf(b), reasonOf(c)], ['ok', 'ok', 'InsufficientCollateral']);
  });

  it('rejects an already expired maxTs and expires resting orders at maxTs', () => {
    const { ex, id, ts } = setup();
    const [past] = ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 90, { maxTs: ts }) }], ts);
    assert.equal(reasonOf(past), 'InvalidOrder');
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 90, { maxTs: ts + 60_000 }) }], ts);
    ex.drainEvents();
    ex.onBar(0, flat(ts, 100), 60_000);
    assert.equal(ex.openOrders(id).length, 0);
    const ev = ex.drainEvents();
    assert.equal(ev[0].type === 'cancelled' && ev[0].reason, 'expired');
  });

  it('rejects orders before the market has a price, and unknown cancels', () => {
    const ex = new SimExchange({ markets: [SOL] });
    const id = ex.createSubaccount('t');
    ex.deposit(id, usd(100));
    const [a, b, c] = ex.execute(
      id,
      [
        { kind: 'place', order: limit('buy', 1, 90) },
        { kind: 'cancel', orderId: 42 },
        { kind: 'cancelByUserOrderId', userOrderId: 9 },
      ],
      T0,
    );
    assert.equal(reasonOf(a), 'MarketPaused');
    assert.equal(reasonOf(b), 'OrderNotFound');
    assert.equal(reasonOf(c), 'OrderNotFound');
  });

  it('IOC leftovers and unfilled market orders are cancelled; market orders respect their worst price', () => {
    const { ex, id, ts } = setup();
    const [ioc] = ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 99, { ioc: true }) }], ts);
    assert.equal(ioc.ok, true);
    const [mkt] = ex.execute(
      id,
      [{ kind: 'place', order: { ...limit('buy', 1, 100.04), orderType: 'market' } }],
      ts,
    );
    assert.equal(mkt.ok, true);
    assert.equal(ex.openOrders(id).length, 0);
    assert.equal(ex.positions(id).length, 0);
    const reasons = ex.drainEvents().flatMap((e) => (e.type === 'cancelled' ? [e.reason] : []));
    assert.deepEqual(reasons, ['ioc', 'marketUnfilled']);
  });

  it('cancelAndPlace is atomic: one bad placement leaves every order as it was', () => {
    const { ex, id, ts } = setup();
    const [p] = ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 90, { userOrderId: 1 }) }], ts);
    const oldId = p.ok ? p.orderIds[0] : -1;
    const [r] = ex.execute(
      id,
      [
        {
          kind: 'cancelAndPlace',
          cancelOrderIds: [oldId],
          place: [limit('buy', 1, 91), limit('buy', 1, 91.00001)],
        },
      ],
      ts,
    );
    assert.equal(reasonOf(r), 'InvalidOrderPriceTick');
    assert.deepEqual(
      ex.openOrders(id).map((o) => [o.orderId, o.status]),
      [[oldId, 'open']],
    );
    assert.equal(ex.ledgerPositions(id)[0].openBids, 1_000_000_000n);
    const ev = ex.drainEvents();
    assert.deepEqual(
      ev.map((e) => e.type),
      ['accepted', 'rejected'],
    );
    const [good] = ex.execute(
      id,
      [{ kind: 'cancelAndPlace', cancelOrderIds: [oldId, 999], place: [limit('buy', 2, 91)] }],
      ts,
    );
    assert.equal(good.ok, true);
    assert.deepEqual(
      ex.openOrders(id).map((o) => o.base),
      [sol(2)],
    );
    assert.equal(ex.ledgerPositions(id)[0].openBids, sol(2));
    assert.equal(ex.ledgerPositions(id)[0].openOrders, 1);
  });

  it('modify re-places the order with a new id and keeps its userOrderId', () => {
    const { ex, id, ts } = setup();
    const [p] = ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 90, { userOrderId: 5 }) }], ts);
    const [m] = ex.execute(id, [{ kind: 'modify', orderId: p.ok ? p.orderIds[0] : -1, price: usd(91) }], ts);
    assert.equal(m.ok, true);
    const [o] = ex.openOrders(id);
    assert.notEqual(o.orderId, p.ok ? p.orderIds[0] : -1);
    assert.equal(o.price, usd(91));
    assert.equal(o.userOrderId, 5);
  });

  it('keeps openOrders/openBids/openAsks on the position in step with the orders', () => {
    const { ex, id, ts } = setup();
    ex.execute(
      id,
      [
        { kind: 'place', order: limit('buy', 1, 90) },
        { kind: 'place', order: limit('sell', 2, 110) },
      ],
      ts,
    );
    let [pos] = ex.ledgerPositions(id);
    assert.deepEqual([pos.openOrders, pos.openBids, pos.openAsks], [2, sol(1), -sol(2)]);
    ex.execute(id, [{ kind: 'cancelAll' }], ts);
    assert.equal(ex.ledgerPositions(id).length, 0, 'an empty position frees its slot');
    ex.execute(id, [{ kind: 'place', order: limit('sell', 2, 110) }], ts);
    [pos] = ex.ledgerPositions(id);
    assert.deepEqual([pos.openOrders, pos.openBids, pos.openAsks], [1, 0n, -sol(2)]);
  });
});
