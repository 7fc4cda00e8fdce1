import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testAccount } from '../domain/test-support/accounts.ts';
import type { AccountState, Order } from '../domain/types.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import { flat, limit, MINUTE, SOL, T0, usd } from '../venue/sim/test-helpers.ts';
import { keepAccount } from './kept-account.ts';

/** Every field of Order present: a field added to Order must be added here (and to keepAccount's comparison). */
const order = (orderId: number): Required<Order> => ({
  orderId,
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: 1_000_000_000n,
  price: 100_000_000n,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: orderId,
  maxTs: 0,
  oracleOffset: 0n,
  filledBase: 0n,
  status: 'open',
  placedTs: T0,
});

const account = (openOrders: Order[]): AccountState => testAccount({ openOrders });

const other: { [K in keyof Required<Order>]: Required<Order>[K] } = {
  orderId: 99,
  marketIndex: 1,
  side: 'sell',
  orderType: 'market',
  base: 2n,
  price: 3n,
  reduceOnly: true,
  postOnly: 'none',
  ioc: true,
  userOrderId: 7,
  maxTs: 1,
  oracleOffset: 5n,
  filledBase: 1n,
  status: 'filled',
  placedTs: T0 + 1,
};

describe('keepAccount', () => {
  it('copies the view’s orders, so the kept account is not the venue’s', () => {
    const venueOrders = [order(1), order(2)];
    const kept = keepAccount(account(venueOrders), undefined);
    assert.deepEqual(kept.openOrders, venueOrders);
    for (let i = 0; i < 2; i++) assert.notEqual(kept.openOrders[i], venueOrders[i]);
  });

  it('reuses the previous copy of an unchanged order, also when orders before it ended', () => {
    const prev = keepAccount(account([order(1), order(2), order(3)]), undefined);
    const next = keepAccount(account([order(2), order(3), order(4)]), prev);
    assert.equal(next.openOrders[0], prev.openOrders[1]);
    assert.equal(next.openOrders[1], prev.openOrders[2]);
    assert.deepEqual(next.openOrders[2], order(4));
  });

  it('keeps the earlier list itself when no order changed, and only then', () => {
    const prev = keepAccount(account([order(1), order(2)]), undefined);
    assert.equal(keepAccount(account([order(1), order(2)]), prev).openOrders, prev.openOrders);
    for (const orders of [[order(1)], [order(1), order(2), order(3)], [order(2), order(3)], []]) {
      const next = keepAccount(account(orders), prev);
      assert.notEqual(next.openOrders, prev.openOrders, `${orders.length} orders`);
      assert.deepEqual(next.openOrders, orders);
    }
    const filled = keepAccount(account([order(1), { ...order(2), filledBase: 1n }]), prev);
    assert.notEqual(filled.openOrders, prev.openOrders);
    assert.equal(filled.openOrders[0], prev.openOrders[0]);
  });

  it('copies anew an order any field of which changed', () => {
    for (const key of Object.keys(other) as (keyof Order)[]) {
      if (key === 'orderId') continue;
      const prev = keepAccount(account([order(1)]), undefined);
      const changed = { ...order(1), [key]: other[key] };
      const next = keepAccount(account([changed]), prev);
      assert.notEqual(next.openOrders[0], prev.openOrders[0], key);
      assert.deepEqual(next.openOrders[0], changed, key);
    }
  });

  it('on the simulator: a kept order stays as it was when the venue fills the order in place', () => {
    const ex = new SimExchange({ markets: [SOL] });
    ex.onBar(0, flat(T0, 100), MINUTE);
    const sub = ex.createSubaccount('a');
    ex.deposit(sub, usd(1000));
    ex.execute(sub, [{ kind: 'place', order: limit('buy', 1, 99) }], T0 + MINUTE);
    const kept = keepAccount(ex.accountView(sub), undefined);
    const same = keepAccount(ex.accountView(sub), kept);
    assert.equal(same.openOrders[0], kept.openOrders[0], 'nothing changed: the copy is reused');
    ex.onBar(0, { ...flat(T0 + MINUTE, 100), low: 98 }, MINUTE);
    assert.equal(kept.openOrders[0]?.status, 'open');
    assert.equal(kept.openOrders[0]?.filledBase, 0n);
    assert.deepEqual(keepAccount(ex.accountView(sub), kept), ex.account(sub));
  });
});
