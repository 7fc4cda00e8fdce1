import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Order } from '../domain/types.ts';
import { classifyOrders } from './reconcile.ts';

const order = (orderId: number, userOrderId: number): Order => ({
  orderId,
  userOrderId,
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: 1n,
  price: 1n,
  reduceOnly: false,
  postOnly: 'none',
  ioc: false,
  filledBase: 0n,
  status: 'open',
  placedTs: 0,
});

describe('classifyOrders', () => {
  it('adopts orders recorded as ours (order id and userOrderId) and cancels the rest', () => {
    const venue = [order(1, 5), order(2, 6), order(3, 7)];
    const recorded = [order(1, 5), order(2, 9), order(4, 8)];
    const { adopt, cancel } = classifyOrders(venue, recorded);
    assert.deepEqual(
      adopt.map((o) => o.orderId),
      [1],
    );
    assert.deepEqual(
      cancel.map((o) => o.orderId),
      [2, 3],
    );
  });
});
