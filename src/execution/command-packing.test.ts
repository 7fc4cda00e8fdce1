import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { OrderCommand, OrderParams } from '../domain/types.ts';
import {
  MAX_CANCELS_PER_COMMAND,
  MAX_PLACES_PER_COMMAND,
  packCommands,
  splitAtomic,
} from './command-packing.ts';

const params = (i: number): OrderParams => ({
  marketIndex: 0,
  side: i % 2 === 0 ? 'buy' : 'sell',
  orderType: 'limit',
  base: 1_000_000_000n,
  price: BigInt(100_000_000 + i * 10_000),
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: i + 1,
});
const ids = (n: number, from = 500): number[] => Array.from({ length: n }, (_, i) => from + i);
const places = (n: number): OrderParams[] => Array.from({ length: n }, (_, i) => params(i));

describe('splitAtomic', () => {
  it('keeps a command within the limits whole', () => {
    assert.deepEqual(splitAtomic(ids(3), places(4)), [
      { kind: 'cancelAndPlace', cancelOrderIds: ids(3), place: places(4) },
    ]);
  });

  it('property: chunks respect the limits, keep every id and placement in order, and never need more free slots than the whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), (nc, np) => {
        const chunks = splitAtomic(ids(nc), places(np));
        const cancels = chunks.flatMap((c) => c.cancelOrderIds);
        const placed = chunks.flatMap((c) => c.place);
        assert.deepEqual(
          [...cancels].sort((a, b) => a - b),
          ids(nc),
        );
        assert.deepEqual(placed, places(np));
        let net = 0;
        for (const c of chunks) {
          assert.ok(c.cancelOrderIds.length <= MAX_CANCELS_PER_COMMAND);
          assert.ok(c.place.length <= MAX_PLACES_PER_COMMAND);
          assert.ok(c.cancelOrderIds.length + c.place.length > 0, 'no empty command');
          net += c.place.length - c.cancelOrderIds.length;
          assert.ok(net <= Math.max(0, np - nc), `a prefix needs ${net} free slots, the whole ${np - nc}`);
        }
      }),
    );
  });
});

describe('packCommands', () => {
  const kinds = (cs: OrderCommand[]) => cs.map((c) => c.kind);
  const taker: OrderCommand = {
    kind: 'place',
    order: { ...params(99), orderType: 'market', ioc: true, postOnly: 'none' },
  };
  const modify: OrderCommand = { kind: 'modify', orderId: 7, price: 101_000_000n };

  it('with room: cancels, takers, atomics, modifies, places — in that order', () => {
    const cs = packCommands(
      {
        cancels: [1, 2],
        takerPlaces: [taker],
        atomics: [{ kind: 'cancelAndPlace', cancelOrderIds: [3], place: places(3) }],
        modifies: [modify],
        makerPlaces: places(1),
      },
      10,
      32,
    );
    assert.deepEqual(kinds(cs), ['cancel', 'cancel', 'place', 'cancelAndPlace', 'modify', 'place']);
  });

  it('when the places need the cancelled slots, cancels and resting places go together, ahead of takers', () => {
    const cs = packCommands(
      {
        cancels: [1, 2],
        takerPlaces: [taker],
        atomics: [{ kind: 'cancelAndPlace', cancelOrderIds: [3], place: places(2) }],
        modifies: [modify],
        makerPlaces: [params(5), params(6)],
      },
      31,
      32,
    );
    assert.deepEqual(cs, [
      { kind: 'cancelAndPlace', cancelOrderIds: [1, 2, 3], place: [params(5), params(6), ...places(2)] },
      taker,
      modify,
    ]);
  });

  it('an atomic command that needs the plain cancels slots is bound to those cancels', () => {
    const cs = packCommands(
      {
        cancels: [1],
        takerPlaces: [],
        atomics: [{ kind: 'cancelAndPlace', cancelOrderIds: [3, 4, 5], place: places(4) }],
        modifies: [],
        makerPlaces: [],
      },
      32,
      32,
    );
    assert.deepEqual(cs, [{ kind: 'cancelAndPlace', cancelOrderIds: [1, 3, 4, 5], place: places(4) }]);
  });

  it("splits a side's large atomic command to what one transaction carries", () => {
    const cs = packCommands(
      {
        cancels: [],
        takerPlaces: [],
        atomics: [{ kind: 'cancelAndPlace', cancelOrderIds: ids(16), place: places(16) }],
        modifies: [],
        makerPlaces: [],
      },
      16,
      32,
    );
    assert.deepEqual(
      cs.map((c) => (c.kind === 'cancelAndPlace' ? [c.cancelOrderIds.length, c.place.length] : c.kind)),
      [
        [12, 12],
        [4, 4],
      ],
    );
  });
});
