import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testOrder } from '../domain/test-support/accounts.ts';
import type { Order } from '../domain/types.ts';
import { LiveOrdersRecord } from './live-orders-record.ts';

const three = (): Order[] => [
  testOrder({ orderId: 1 }),
  testOrder({ orderId: 2, side: 'sell', price: 101_000_000n }),
  testOrder({ orderId: 3, price: 99_000_000n }),
];

describe('LiveOrdersRecord', () => {
  it('matches a new list of the same orders, in the same states', () => {
    const live = three();
    const r = new LiveOrdersRecord();
    r.take(live);
    assert.ok(r.matches(live));
    assert.ok(r.matches([...live]));
  });

  it('an empty record matches only an empty list', () => {
    const r = new LiveOrdersRecord();
    assert.ok(r.matches([]));
    assert.ok(!r.matches(three()));
  });

  it('does not match when an order came, went, moved place or was replaced by an equal copy', () => {
    const live = three();
    const r = new LiveOrdersRecord();
    r.take(live);
    assert.ok(!r.matches(live.slice(1)));
    assert.ok(!r.matches([...live, testOrder({ orderId: 4 })]));
    assert.ok(!r.matches([live[1], live[0], live[2]]));
    assert.ok(!r.matches([{ ...live[0] }, live[1], live[2]]));
  });

  it('does not match the new object a venue gives a changed order (fill, price, status)', () => {
    const changes: Partial<Order>[] = [{ filledBase: 1n }, { price: 100_000_001n }, { status: 'filled' }];
    for (const change of changes) {
      const live = three();
      const r = new LiveOrdersRecord();
      r.take(live);
      assert.ok(!r.matches([live[0], { ...live[1], ...change }, live[2]]), Object.keys(change)[0]);
    }
  });

  it('taking a shorter list forgets the longer one', () => {
    const live = three();
    const r = new LiveOrdersRecord();
    r.take(live);
    r.take(live.slice(0, 1));
    assert.ok(r.matches(live.slice(0, 1)));
    assert.ok(!r.matches(live));
  });
});
