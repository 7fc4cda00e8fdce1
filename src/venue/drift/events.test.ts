import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountState, Order, Position } from '../../domain/types.ts';
import { diffAccountStates } from './events.ts';

const order = (orderId: number, extra: Partial<Order> = {}): Order => ({
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: 2_000_000_000n,
  price: 100_000_000n,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: orderId + 100,
  orderId,
  filledBase: 0n,
  status: 'open',
  placedTs: 0,
  ...extra,
});
const position = (base: bigint, extra: Partial<Position> = {}): Position => ({
  marketIndex: 0,
  base,
  quoteEntry: 0n,
  quoteAsset: 0n,
  lastCumulativeFundingRate: 0n,
  ...extra,
});
const state = (openOrders: Order[], positions: Position[] = []): AccountState => ({
  subaccountId: 4,
  collateral: 0n,
  positions,
  openOrders,
  totalCollateral: 0n,
  freeCollateral: 0n,
  initialMarginRequirement: 0n,
  maintenanceMarginRequirement: 0n,
  leverage: 0,
  health: 100,
});

describe('diffAccountStates (polling events)', () => {
  it('reports a new order as accepted', () => {
    const e = diffAccountStates(state([]), state([order(1)]), 50);
    assert.deepEqual(e, [{ type: 'accepted', ts: 50, subaccountId: 4, order: order(1) }]);
  });

  it('reports growth of an open order’s filled amount as a fill at its price', () => {
    const e = diffAccountStates(
      state([order(1)]),
      state([order(1, { filledBase: 500_000_000n })], [position(500_000_000n)]),
      60,
    );
    assert.equal(e.length, 1);
    assert.ok(e[0].type === 'filled');
    assert.equal(e[0].fill.base, 500_000_000n);
    assert.equal(e[0].fill.quote, 50_000_000n);
    assert.equal(e[0].fill.maker, true);
    assert.equal(e[0].fill.userOrderId, 101);
    assert.equal(e[0].remainingBase, 1_500_000_000n);
  });

  it('tells a vanished order filled (position moved by its remainder) from one cancelled', () => {
    const filled = diffAccountStates(state([order(1)]), state([], [position(2_000_000_000n)]), 70);
    assert.deepEqual(
      filled.map((e) => e.type),
      ['filled'],
    );
    const cancelled = diffAccountStates(state([order(1)]), state([]), 70);
    assert.deepEqual(
      cancelled.map((e) => (e.type === 'cancelled' ? [e.type, e.orderId, e.userOrderId] : e.type)),
      [['cancelled', 1, 101]],
    );
    // Two vanished buys, the position grew by one's size: one fill, one cancel — not two fills.
    const both = diffAccountStates(state([order(1), order(2)]), state([], [position(2_000_000_000n)]), 70);
    assert.deepEqual(
      both.map((e) => e.type),
      ['filled', 'cancelled'],
    );
  });

  it('reports a funding settlement from a moved funding checkpoint with unchanged base', () => {
    const before = position(1_000_000_000n, { quoteAsset: -100_000_000n, lastCumulativeFundingRate: 10n });
    const after = position(1_000_000_000n, { quoteAsset: -100_250_000n, lastCumulativeFundingRate: 260n });
    const e = diffAccountStates(state([], [before]), state([], [after]), 80);
    assert.deepEqual(e, [
      {
        type: 'funding',
        ts: 80,
        subaccountId: 4,
        payment: { ts: 80, marketIndex: 0, base: 1_000_000_000n, rate: 250n, amount: -250_000n },
      },
    ]);
  });

  it('emits nothing when nothing changed', () => {
    assert.deepEqual(
      diffAccountStates(state([order(1)], [position(1n)]), state([order(1)], [position(1n)]), 1),
      [],
    );
  });
});
