import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMarket } from '../../domain/markets.ts';
import { emptyPosition } from '../sim/ledger.ts';
import { type OrderMemory, type UserLike, userToAccountState } from './account-reader.ts';
import { createOfflineDrift } from './offline/harness.ts';
import { sdkOrder } from './test-support/fixtures.ts';

const noMemory: OrderMemory = { postOnly: () => undefined, placedTs: () => undefined };

describe('userToAccountState (the SDK User, offline)', () => {
  const drift = createOfflineDrift();
  // The DESIGN.md §10 check: 200 USDC, 10 SOL long at 100, margin ratios 1000/500.
  drift.evaluate({
    collateral: 200_000_000n,
    positions: [
      {
        ...emptyPosition(0, 0n),
        base: 10_000_000_000n,
        quoteAsset: -1_000_000_000n,
        quoteEntry: -1_000_000_000n,
        quoteBreakEven: -1_000_000_000n,
      },
    ],
    oraclePrices: { 0: 100_000_000n },
    markets: { 0: getMarket('SOL-PERP', { marginRatioInitial: 1000, marginRatioMaintenance: 500 }) },
  });

  it('reports collateral, margin, leverage, health and liquidation price as the SDK computes them', () => {
    const s = userToAccountState(drift.user, 3, noMemory, 1_000);
    assert.equal(s.subaccountId, 3);
    assert.equal(s.collateral, 200_000_000n);
    assert.equal(s.totalCollateral, 200_000_000n);
    assert.equal(s.initialMarginRequirement, 100_000_000n);
    assert.equal(s.maintenanceMarginRequirement, 50_000_000n);
    assert.equal(s.freeCollateral, 100_000_000n);
    assert.equal(s.leverage, 5);
    assert.equal(s.health, 75);
    assert.equal(s.liquidationPrices[0], 84_210_527n);
    assert.deepEqual(s.positions, [
      {
        marketIndex: 0,
        base: 10_000_000_000n,
        quoteEntry: -1_000_000_000n,
        quoteAsset: -1_000_000_000n,
        lastCumulativeFundingRate: 0n,
      },
    ]);
    assert.deepEqual(s.openOrders, []);
  });

  it('lists open orders with the remembered post-only flavour and placement time', () => {
    const account = drift.user.getUserAccount();
    const withOrders: UserLike = Object.assign(Object.create(drift.user), {
      getUserAccount: () => ({
        ...account,
        orders: [
          sdkOrder({ orderId: 4, userOrderId: 11, postOnly: true, price: 99_000_000n }),
          { ...sdkOrder({ orderId: 5 }), status: { init: {} } },
        ],
      }),
    });
    const memory: OrderMemory = {
      postOnly: (sub, uoid) => (sub === 3 && uoid === 11 ? 'slide' : undefined),
      placedTs: (sub, id) => (sub === 3 && id === 4 ? 777 : undefined),
    };
    const s = userToAccountState(withOrders, 3, memory, 1_000);
    assert.equal(s.openOrders.length, 1, 'empty (init) order slots are not orders');
    assert.equal(s.openOrders[0].orderId, 4);
    assert.equal(s.openOrders[0].postOnly, 'slide');
    assert.equal(s.openOrders[0].placedTs, 777);
    assert.equal(s.openOrders[0].price, 99_000_000n);
  });
});
