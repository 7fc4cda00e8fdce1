/**
 * Orders are values: an order object the simulator hands out (accountView) never changes afterwards. A fill, a
 * cancel, an expiry and a floating reprice give the order a new object; a batch rolled back restores the very
 * objects it started from. The decision layer tells an unchanged order by its object
 * (src/engine/live-orders-record.ts), so this is what keeps its memos exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Order } from '../../domain/types.ts';
import { SimExchange } from './exchange.ts';
import { bar, flat, limit, MINUTE, SOL, T0, usd } from './test-support/fixtures.ts';

/** Every order object read, with a deep copy taken when it was read. */
class Handed {
  readonly #seen: [Order, Order][] = [];
  read(ex: SimExchange, id: number): readonly Order[] {
    const view = ex.accountView(id).openOrders;
    for (const o of view) this.#seen.push([o, structuredClone(o)]);
    return view;
  }
  /** The orders of the accepted events since the last drain (an accepted event hands out the order itself). */
  accepted(ex: SimExchange): Order[] {
    const out: Order[] = [];
    for (const e of ex.drainEvents()) {
      if (e.type !== 'accepted') continue;
      this.#seen.push([e.order, structuredClone(e.order)]);
      out.push(e.order);
    }
    return out;
  }
  assertUnchanged(): void {
    for (const [o, copy] of this.#seen) assert.deepStrictEqual(o, copy, `order ${copy.orderId} changed`);
  }
}

function setup(participation?: number) {
  const ex = new SimExchange({ markets: [SOL], participation });
  const id = ex.createSubaccount('t');
  ex.deposit(id, usd(10_000));
  ex.onBar(0, flat(T0, 100), MINUTE);
  ex.drainEvents();
  return { ex, id, ts: T0 + MINUTE };
}

/** Places `orders` as one command each, at `ts`. */
const placeAll = (ex: SimExchange, id: number, ts: number, orders: ReturnType<typeof limit>[]): void => {
  ex.execute(
    id,
    orders.map((order) => ({ kind: 'place', order })),
    ts,
  );
};

describe('orders are values', () => {
  it('a partial fill, a full fill and a cancel leave the objects read before them as they were', () => {
    const { ex, id, ts } = setup(0.1);
    const handed = new Handed();
    placeAll(ex, id, ts, [limit('buy', 3, 99), limit('sell', 1, 105)]);
    const [bid, ask] = handed.read(ex, id);
    ex.onBar(0, bar(ts, 100, 100, 98, 99.5, { volume: 10 }), MINUTE); // 1 of the 3 fills
    const afterPartial = handed.read(ex, id);
    assert.notEqual(afterPartial[0], bid, 'the partly filled bid is a new object');
    assert.equal(afterPartial[1], ask, 'the untouched ask is the same object');
    ex.execute(id, [{ kind: 'cancel', orderId: ask.orderId }], ts + MINUTE);
    handed.read(ex, id);
    ex.onBar(0, bar(ts + MINUTE, 99.5, 99.5, 98, 99, { volume: 100 }), MINUTE); // the rest fills
    assert.equal(handed.read(ex, id).length, 0);
    handed.assertUnchanged();
  });

  it("an accepted event's order is the venue's own object, and a fill, a cancel or a reprice leaves it as it was", () => {
    const { ex, id, ts } = setup(0.1);
    const handed = new Handed();
    placeAll(ex, id, ts, [
      limit('buy', 3, 99),
      limit('sell', 1, 105),
      limit('buy', 1, 0, { oracleOffset: -usd(2) }),
    ]);
    const accepted = handed.accepted(ex);
    assert.equal(accepted.length, 3);
    const view = handed.read(ex, id);
    assert.equal(view.length, 3);
    for (const [i, o] of view.entries()) {
      assert.equal(o, accepted[i], `order ${o.orderId}: the account view's own object`);
    }
    ex.onBar(0, bar(ts, 100, 103, 98, 102, { volume: 10 }), MINUTE); // a partial fill; the oracle moves
    ex.execute(id, [{ kind: 'cancel', orderId: (accepted[1] as Order).orderId }], ts + MINUTE);
    ex.onBar(0, bar(ts + MINUTE, 102, 102, 96, 97, { volume: 100 }), MINUTE); // the rest fills, reprices
    handed.accepted(ex);
    handed.read(ex, id);
    handed.assertUnchanged();
  });

  it('a floating reprice gives the order a new object; the one read before keeps its price', () => {
    const { ex, id, ts } = setup();
    const handed = new Handed();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 0, { oracleOffset: -usd(1) }) }], ts);
    const [before] = handed.read(ex, id);
    // the oracle rises to 102; the bid moves to 101 as the next bar opens
    ex.onBar(0, flat(ts, 102), MINUTE);
    handed.read(ex, id);
    ex.onBar(0, flat(ts + MINUTE, 102), MINUTE);
    const [after] = handed.read(ex, id);
    assert.notEqual(after, before);
    assert.deepEqual([before.price, after.price], [usd(99), usd(101)]);
    handed.assertUnchanged();
  });

  it('a batch rolled back (a place rejected after a cancel) restores the very objects it started from', () => {
    const { ex, id, ts } = setup();
    const handed = new Handed();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 99) }], ts);
    const [bid] = handed.read(ex, id);
    // cancel the bid and place one below the minimum size: rejected, the cancel undone
    const [r] = ex.execute(
      id,
      [{ kind: 'cancelAndPlace', cancelOrderIds: [bid.orderId], place: [limit('buy', 1e-9, 98)] }],
      ts,
    );
    assert.equal(r.ok, false);
    const [restored] = handed.read(ex, id);
    assert.equal(restored, bid);
    handed.assertUnchanged();
  });
});
