import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Order, OrderParams } from '../../domain/types.ts';
import { UserOrderIdBook } from './user-order-ids.ts';

const params = (userOrderId = 0): OrderParams => ({
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: 1n,
  price: 1n,
  reduceOnly: false,
  postOnly: 'try',
  ioc: false,
  userOrderId,
});
const open = (orderId: number, userOrderId: number): Order => ({
  ...params(userOrderId),
  orderId,
  filledBase: 0n,
  status: 'open',
  placedTs: 0,
});

describe('UserOrderIdBook', () => {
  it('assigns ids in 1..255 that clash with no open order, no batch sibling and no unknown send', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (used, n) => {
          const book = new UserOrderIdBook();
          book.markUnknown(0, used.slice(0, 5));
          const openOrders = used.slice(5).map((u, i) => open(i + 1, u));
          const out = book.assign(
            0,
            Array.from({ length: n }, () => params()),
            openOrders,
          );
          if (used.length + n > 255) return;
          assert.ok(out);
          const ids = out.map((p) => p.userOrderId);
          assert.equal(new Set(ids).size, n);
          for (const id of ids) assert.ok(id >= 1 && id <= 255 && !used.includes(id));
        },
      ),
      { seed: 3 },
    );
  });

  it('keeps caller ids, rotates instead of reusing a just-freed id, and reports exhaustion', () => {
    const book = new UserOrderIdBook();
    assert.deepEqual(
      (book.assign(0, [params(7), params()], []) ?? []).map((p) => p.userOrderId),
      [7, 1],
    );
    assert.equal(book.assign(0, [params()], [])?.[0].userOrderId, 2, 'not 1 again at once');
    const all = Array.from({ length: 255 }, (_, i) => open(i + 1, i + 1));
    assert.equal(book.assign(0, [params()], all), undefined);
  });

  it('reconcile reports unknown sends that landed and releases the others', () => {
    const book = new UserOrderIdBook();
    book.markUnknown(2, [5, 6]);
    assert.deepEqual(book.subaccountsWithUnknown(), [2]);
    const landed = book.reconcile(2, [open(10, 5)], 1_000);
    assert.deepEqual(
      landed.map((o) => o.userOrderId),
      [5],
    );
    assert.equal(book.hasUnknown(), false);
    assert.equal(book.placedTs(2, 10), 1_000);
  });

  it('remembers post-only flavours and first-seen times, and forgets orders that are gone', () => {
    const book = new UserOrderIdBook();
    book.sending(1, [params(9)]);
    book.observe(1, [open(3, 9)], 500);
    book.observe(1, [open(3, 9)], 900);
    assert.equal(book.postOnly(1, 9), 'try');
    assert.equal(book.placedTs(1, 3), 500);
    book.observe(1, [], 1_000);
    assert.equal(book.postOnly(1, 9), undefined);
    assert.equal(book.placedTs(1, 3), undefined);
  });
});
