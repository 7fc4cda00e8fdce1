import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrderStatus, OrderType, PositionDirection, PostOnlyParams } from '@drift-labs/sdk';
import fc from 'fast-check';
import type { OrderParams } from '../../domain/types.ts';
import {
  fromDriftOrder,
  fromDriftOrderParams,
  fromDriftPerpPosition,
  isActiveDriftPerpPosition,
  toDriftOrderParams,
} from './mapping.ts';
import { arbOrderParams, sdkOrder, sdkPerpPosition } from './test-support/fixtures.ts';

const base: OrderParams = {
  marketIndex: 30,
  side: 'sell',
  orderType: 'limit',
  base: 12_000_000_000n,
  price: 1_234_567n,
  reduceOnly: true,
  postOnly: 'must',
  ioc: false,
  userOrderId: 17,
  maxTs: 1_700_000_123_000,
};

describe('toDriftOrderParams', () => {
  it('maps every field onto the SDK names, variants and units', () => {
    const d = toDriftOrderParams(base);
    assert.deepEqual(d.direction, PositionDirection.SHORT);
    assert.deepEqual(d.orderType, OrderType.LIMIT);
    assert.deepEqual(d.marketType, { perp: {} });
    assert.deepEqual(d.postOnly, PostOnlyParams.MUST_POST_ONLY);
    assert.equal(d.baseAssetAmount.toString(), '12000000000');
    assert.equal(d.price.toString(), '1234567');
    assert.equal(d.marketIndex, 30);
    assert.equal(d.reduceOnly, true);
    assert.equal(d.bitFlags, 0);
    assert.equal(d.userOrderId, 17);
    assert.equal(d.maxTs?.toString(), '1700000123');
    assert.equal(d.triggerPrice, null);
    assert.equal(d.oraclePriceOffset, null);
  });

  it('sets the IOC bit flag, market type and each post-only flavour', () => {
    const m = toDriftOrderParams({ ...base, orderType: 'market', side: 'buy', ioc: true, postOnly: 'none' });
    assert.deepEqual(m.orderType, OrderType.MARKET);
    assert.deepEqual(m.direction, PositionDirection.LONG);
    assert.equal(m.bitFlags, 1);
    assert.deepEqual(m.postOnly, PostOnlyParams.NONE);
    assert.deepEqual(toDriftOrderParams({ ...base, postOnly: 'try' }).postOnly, PostOnlyParams.TRY_POST_ONLY);
    assert.deepEqual(toDriftOrderParams({ ...base, postOnly: 'slide' }).postOnly, PostOnlyParams.SLIDE);
  });

  it('sends a floating order as price 0 with its oracle offset, and reads the offset back', () => {
    const d = toDriftOrderParams({ ...base, oracleOffset: -250_000n });
    assert.equal(d.price.toString(), '0');
    assert.equal(d.oraclePriceOffset, -250_000);
    const back = fromDriftOrderParams({ ...d, maxTs: d.maxTs ?? null });
    assert.equal(back.oracleOffset, -250_000n);
    // A resting floating order reads at its current limit: oracle + offset on the tick (an ask rounds up).
    const resting = fromDriftOrder(
      { ...sdkOrder({ side: 'sell', price: 0n }), oraclePriceOffset: 250_001 },
      { placedTs: 0, floatingPrice: (offset) => 100_000_000n + offset + 99n },
    );
    assert.equal(resting.oracleOffset, 250_001n);
    assert.equal(resting.price, 100_250_100n);
  });

  it('rounds a sub-second maxTs down and leaves no maxTs as null', () => {
    assert.equal(toDriftOrderParams({ ...base, maxTs: 1_999 }).maxTs?.toString(), '1');
    const { maxTs: _, ...noExpiry } = base;
    assert.equal(toDriftOrderParams(noExpiry).maxTs, null);
  });

  it('round-trips through fromDriftOrderParams for any order (maxTs in whole seconds)', () => {
    fc.assert(
      fc.property(arbOrderParams(), (p) => {
        assert.deepEqual(fromDriftOrderParams(toDriftOrderParams(p)), p);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('fromDriftOrder', () => {
  it('reads an on-chain order, taking the post-only flavour and placement time from the hints', () => {
    const o = fromDriftOrder(
      sdkOrder({ orderId: 9, userOrderId: 4, postOnly: true, filled: 3_000_000_000n, maxTs: 1_700_000_000 }),
      { postOnly: 'slide', placedTs: 123 },
    );
    assert.equal(o.orderId, 9);
    assert.equal(o.userOrderId, 4);
    assert.equal(o.postOnly, 'slide');
    assert.equal(o.filledBase, 3_000_000_000n);
    assert.equal(o.status, 'open');
    assert.equal(o.placedTs, 123);
    assert.equal(o.maxTs, 1_700_000_000_000);
    // Without a hint a post-only order is reported as MUST_POST_ONLY, and a non-post-only one as none.
    assert.equal(fromDriftOrder(sdkOrder({ postOnly: true }), { placedTs: 0 }).postOnly, 'must');
    assert.equal(fromDriftOrder(sdkOrder({ postOnly: false }), { placedTs: 0 }).postOnly, 'none');
  });

  it('maps statuses and refuses order types zero-perps never places', () => {
    const filled = { ...sdkOrder({}), status: OrderStatus.FILLED };
    assert.equal(fromDriftOrder(filled, { placedTs: 0 }).status, 'filled');
    const trigger = { ...sdkOrder({}), orderType: OrderType.TRIGGER_MARKET };
    assert.throws(() => fromDriftOrder(trigger, { placedTs: 0 }), /only places market and limit/);
  });
});

describe('fromDriftPerpPosition', () => {
  it('keeps base, quote entry, quote asset and the funding checkpoint', () => {
    const p = sdkPerpPosition({ marketIndex: 0, base: -2_000_000_000n, quoteEntry: 300_000_000n });
    assert.deepEqual(fromDriftPerpPosition(p), {
      marketIndex: 0,
      base: -2_000_000_000n,
      quoteEntry: 300_000_000n,
      quoteAsset: 300_000_000n,
      lastCumulativeFundingRate: 0n,
    });
    assert.equal(isActiveDriftPerpPosition(p), true);
    assert.equal(isActiveDriftPerpPosition(sdkPerpPosition({ marketIndex: 0 })), false);
    assert.equal(isActiveDriftPerpPosition({ ...sdkPerpPosition({ marketIndex: 0 }), openOrders: 1 }), true);
  });
});
