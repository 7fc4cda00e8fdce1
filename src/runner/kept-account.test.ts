import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testAccount } from '../domain/test-support/accounts.ts';
import type { AccountState, Order } from '../domain/types.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import { flat, limit, MINUTE, SOL, T0, usd } from '../venue/sim/test-support/fixtures.ts';
import { keepAccount } from './kept-account.ts';

const order = (orderId: number): Order => ({
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
  filledBase: 0n,
  status: 'open',
  placedTs: T0,
});

const account = (openOrders: Order[]): AccountState => testAccount({ openOrders });

describe('keepAccount', () => {
  it('keeps the earlier list itself when it holds the same order objects, and only then', () => {
    const orders = [order(1), order(2)];
    const prev = keepAccount(account(orders), undefined);
    assert.equal(keepAccount(account([...orders]), prev).openOrders, prev.openOrders);
    const lists = [[orders[0]], [...orders, order(3)], [orders[1], orders[0]], [], [orders[0], order(2)]];
    for (const list of lists) {
      const view = account(list as Order[]);
      const next = keepAccount(view, prev);
      assert.equal(next, view, `${list.length} orders: the view itself`);
    }
  });

  it('answers the view itself when it holds the very list the account kept (no copy of the account)', () => {
    const orders = [order(1), order(2)];
    const prev = keepAccount(account(orders), undefined);
    const view = { ...account([]), openOrders: prev.openOrders, collateral: 7n };
    assert.equal(keepAccount(view, prev), view);
  });

  it('changes nothing else of the view', () => {
    const orders = [order(1)];
    const prev = keepAccount(account(orders), undefined);
    const view = { ...account([...orders]), collateral: 5n, leverage: 2 };
    const next = keepAccount(view, prev);
    assert.deepEqual(next, view);
    assert.notEqual(next, view, 'a new object: the view is not changed');
  });

  it('on the simulator: a kept order stays as it was when the venue fills the order, and the list is new', () => {
    const ex = new SimExchange({ markets: [SOL] });
    ex.onBar(0, flat(T0, 100), MINUTE);
    const sub = ex.createSubaccount('a');
    ex.deposit(sub, usd(1000));
    ex.execute(sub, [{ kind: 'place', order: limit('buy', 1, 99) }], T0 + MINUTE);
    const kept = keepAccount(ex.accountView(sub), undefined);
    const same = keepAccount(ex.accountView(sub), kept);
    assert.equal(same.openOrders, kept.openOrders, 'nothing changed: the list is kept');
    ex.onBar(0, { ...flat(T0 + MINUTE, 100), low: 98 }, MINUTE);
    assert.equal(kept.openOrders[0]?.status, 'open');
    assert.equal(kept.openOrders[0]?.filledBase, 0n);
    const after = keepAccount(ex.accountView(sub), kept);
    assert.notEqual(after.openOrders, kept.openOrders);
    assert.deepEqual(after, ex.account(sub));
  });
});
