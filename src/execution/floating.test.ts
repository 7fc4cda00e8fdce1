import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Order, OrderParams } from '../domain/types.ts';
import { floatMakerOrders } from './floating.ts';

const maker = (price: bigint, extra: Partial<OrderParams> = {}): OrderParams => ({
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: 1_000_000_000n,
  price,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: 3,
  ...extra,
});

describe('floatMakerOrders', () => {
  const oracle = 100_000_000n;

  it('turns maker placements into oracle offsets and leaves taker orders fixed', () => {
    const out = floatMakerOrders(
      [
        { kind: 'place', order: maker(99_000_000n) },
        { kind: 'place', order: maker(101_000_000n, { postOnly: 'none', orderType: 'market', ioc: true }) },
        { kind: 'cancelAndPlace', cancelOrderIds: [7], place: [maker(98_500_000n, { side: 'buy' })] },
      ],
      [],
      oracle,
    );
    assert.equal(out[0].kind === 'place' && out[0].order.oracleOffset, -1_000_000n);
    assert.equal(out[1].kind === 'place' && out[1].order.oracleOffset, undefined);
    assert.equal(out[2].kind === 'cancelAndPlace' && out[2].place[0].oracleOffset, -1_500_000n);
  });

  it('a modify becomes one atomic cancel-and-place of a floating order (Drift keeps an offset through modify)', () => {
    const live: Order = {
      ...maker(99_000_000n, { oracleOffset: -1_000_000n }),
      orderId: 12,
      filledBase: 250_000_000n,
      status: 'open',
      placedTs: 0,
    };
    const [c] = floatMakerOrders([{ kind: 'modify', orderId: 12, price: 98_000_000n }], [live], oracle);
    assert.equal(c.kind, 'cancelAndPlace');
    if (c.kind !== 'cancelAndPlace') return;
    assert.deepEqual(c.cancelOrderIds, [12]);
    const [p] = c.place;
    assert.equal(p.oracleOffset, -2_000_000n);
    assert.equal(p.base, 750_000_000n, 'the unfilled remainder');
    assert.equal(p.userOrderId, 3);
    assert.equal(p.postOnly, 'must');
  });

  it('a level at the oracle itself keeps its price: Drift reads offset 0 as none and refuses price 0 (6191)', () => {
    const out = floatMakerOrders(
      [
        { kind: 'place', order: maker(oracle, { side: 'sell' }) },
        { kind: 'cancelAndPlace', cancelOrderIds: [7], place: [maker(oracle), maker(99_500_000n)] },
      ],
      [],
      oracle,
    );
    assert.ok(out[0].kind === 'place');
    assert.equal(out[0].order.oracleOffset, undefined);
    assert.equal(out[0].order.price, oracle);
    assert.ok(out[1].kind === 'cancelAndPlace');
    assert.deepEqual(
      out[1].place.map((p) => [p.price, p.oracleOffset]),
      [
        [oracle, undefined],
        [99_500_000n, -500_000n],
      ],
    );
  });

  it('without an oracle nothing floats', () => {
    const cmds = [{ kind: 'place' as const, order: maker(99_000_000n) }];
    assert.deepEqual(floatMakerOrders(cmds, [], 0n), cmds);
  });
});
