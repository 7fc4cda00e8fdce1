/**
 * The venue contract: behaviour every VenuePort implementation must show (SimVenue always; DriftVenue where a
 * local Drift program is at hand). Run it with `venueContractSuite(name, factory)` inside a test file.
 * It only uses the port plus a market spec and a reference price, so it holds for any implementation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarketSpec } from '../src/domain/markets.ts';
import { roundPriceToTick } from '../src/domain/rounding.ts';
import type { OrderParams, VenueEvent } from '../src/domain/types.ts';
import type { CommandResult, VenuePort } from '../src/venue/port.ts';

export interface VenueUnderTest {
  venue: VenuePort;
  /** Moves the market on (a bar, a slot) without trading through resting orders placed ≥ 5% off the price. */
  advance(ts?: number): Promise<void>;
  /** The market the suite trades; its mark must exist already. */
  spec: MarketSpec;
  /** The market's current price (PRICE precision). */
  referencePrice(): Promise<bigint>;
  /** Collateral to deposit per subaccount (QUOTE); enough for a few minimum-size orders. */
  deposit: bigint;
}

const idsOf = (r: CommandResult): number[] => (r.ok ? r.orderIds : []);
const reasonOf = (r: CommandResult): string => (r.ok ? 'ok' : r.reason);

export function venueContractSuite(name: string, makeVenue: () => Promise<VenueUnderTest>): void {
  describe(`venue contract: ${name}`, () => {
    async function open() {
      const v = await makeVenue();
      const events: VenueEvent[] = [];
      v.venue.subscribe((e) => events.push(e));
      const sub = await v.venue.createSubaccount('contract');
      await v.venue.deposit(sub, v.deposit);
      const px = await v.referencePrice();
      const { spec } = v;
      const order = (
        side: 'buy' | 'sell',
        offsetPct: number,
        extra: Partial<OrderParams> = {},
      ): OrderParams => ({
        marketIndex: spec.marketIndex,
        side,
        orderType: 'limit',
        base: spec.minOrderSize,
        price: roundPriceToTick(
          (px * BigInt(Math.round((100 + offsetPct) * 1000))) / 100_000n,
          spec.tickSize,
          side,
        ),
        reduceOnly: false,
        postOnly: 'none',
        ioc: false,
        userOrderId: 0,
        ...extra,
      });
      return { ...v, events, sub, order };
    }

    it('places a resting order, reports it open and emits accepted; cancel removes it and emits cancelled', async () => {
      const t = await open();
      const [r] = await t.venue.execute(t.sub, [
        { kind: 'place', order: t.order('buy', -5, { userOrderId: 11 }) },
      ]);
      assert.equal(r.ok, true);
      const [id] = idsOf(r);
      let acct = await t.venue.getAccount(t.sub);
      assert.deepEqual(
        acct.openOrders.map((o) => [o.orderId, o.userOrderId, o.status]),
        [[id, 11, 'open']],
      );
      assert.ok(t.events.some((e) => e.type === 'accepted' && e.order.orderId === id));
      const [c] = await t.venue.execute(t.sub, [{ kind: 'cancel', orderId: id }]);
      assert.equal(c.ok, true);
      acct = await t.venue.getAccount(t.sub);
      assert.equal(acct.openOrders.length, 0);
      assert.ok(t.events.some((e) => e.type === 'cancelled' && e.orderId === id));
    });

    it('cancels by userOrderId and cancels all', async () => {
      const t = await open();
      await t.venue.execute(t.sub, [
        { kind: 'place', order: t.order('buy', -5, { userOrderId: 1 }) },
        { kind: 'place', order: t.order('buy', -6, { userOrderId: 2 }) },
        { kind: 'place', order: t.order('sell', 5, { userOrderId: 3 }) },
      ]);
      const [c1] = await t.venue.execute(t.sub, [{ kind: 'cancelByUserOrderId', userOrderId: 2 }]);
      assert.equal(c1.ok, true);
      assert.deepEqual((await t.venue.getAccount(t.sub)).openOrders.map((o) => o.userOrderId).sort(), [1, 3]);
      await t.venue.execute(t.sub, [{ kind: 'cancelAll' }]);
      assert.equal((await t.venue.getAccount(t.sub)).openOrders.length, 0);
    });

    it('keeps userOrderId unique among open orders', async () => {
      const t = await open();
      const [a, b] = await t.venue.execute(t.sub, [
        { kind: 'place', order: t.order('buy', -5, { userOrderId: 9 }) },
        { kind: 'place', order: t.order('buy', -6, { userOrderId: 9 }) },
      ]);
      assert.equal(a.ok, true);
      assert.equal(reasonOf(b), 'UserOrderIdAlreadyInUse');
      assert.ok(t.events.some((e) => e.type === 'rejected' && e.reason === 'UserOrderIdAlreadyInUse'));
    });

    it('allows at most 32 open orders', async () => {
      const t = await open();
      const cmds = Array.from({ length: 33 }, (_, i) => ({
        kind: 'place' as const,
        order: t.order('sell', 5 + i * 0.1),
      }));
      const res = await t.venue.execute(t.sub, cmds);
      assert.equal(res.filter((r) => r.ok).length, 32);
      assert.equal(reasonOf(res[32]), 'MaxNumberOfOrders');
      assert.equal((await t.venue.getAccount(t.sub)).openOrders.length, 32);
    });

    it('rejects a crossing MUST post-only order with PostOnlyWouldCross', async () => {
      const t = await open();
      const [r] = await t.venue.execute(t.sub, [
        { kind: 'place', order: t.order('buy', 5, { postOnly: 'must' }) },
      ]);
      assert.equal(reasonOf(r), 'PostOnlyWouldCross');
      assert.equal((await t.venue.getAccount(t.sub)).openOrders.length, 0);
      assert.ok(t.events.some((e) => e.type === 'rejected' && e.reason === 'PostOnlyWouldCross'));
    });

    it('rejects off-step sizes and off-tick prices', async () => {
      const t = await open();
      const base = t.order('buy', -5);
      const [a, b] = await t.venue.execute(t.sub, [
        { kind: 'place', order: { ...base, base: base.base + 1n } },
        { kind: 'place', order: { ...base, price: base.price + 1n } },
      ]);
      if (t.spec.stepSize > 1n) assert.equal(reasonOf(a), 'InvalidOrderSizeStep');
      if (t.spec.tickSize > 1n) assert.equal(reasonOf(b), 'InvalidOrderPriceTick');
    });

    it('never lets a reduce-only order increase the position', async () => {
      const t = await open();
      const [r] = await t.venue.execute(t.sub, [
        { kind: 'place', order: { ...t.order('buy', 5, { reduceOnly: true }), orderType: 'market' } },
      ]);
      await t.advance();
      const acct = await t.venue.getAccount(t.sub);
      assert.ok(acct.positions.every((p) => p.base === 0n));
      if (!r.ok) assert.equal(r.reason, 'ReduceOnlyWouldIncrease');
    });

    it('cancelAndPlace is atomic: a failing placement leaves the old orders in place', async () => {
      const t = await open();
      const [p] = await t.venue.execute(t.sub, [
        { kind: 'place', order: t.order('buy', -5, { userOrderId: 4 }) },
      ]);
      const [old] = idsOf(p);
      const good = t.order('buy', -6);
      const bad = t.order('buy', -7, { postOnly: 'must', price: t.order('buy', 5).price });
      const [r] = await t.venue.execute(t.sub, [
        { kind: 'cancelAndPlace', cancelOrderIds: [old], place: [good, bad] },
      ]);
      assert.equal(r.ok, false);
      let acct = await t.venue.getAccount(t.sub);
      assert.deepEqual(
        acct.openOrders.map((o) => o.orderId),
        [old],
      );
      const [r2] = await t.venue.execute(t.sub, [
        { kind: 'cancelAndPlace', cancelOrderIds: [old], place: [good] },
      ]);
      assert.equal(r2.ok, true);
      acct = await t.venue.getAccount(t.sub);
      assert.deepEqual(
        acct.openOrders.map((o) => o.price),
        [good.price],
      );
    });

    it('modify re-places the order under a new id', async () => {
      const t = await open();
      const [p] = await t.venue.execute(t.sub, [
        { kind: 'place', order: t.order('buy', -5, { userOrderId: 6 }) },
      ]);
      const [old] = idsOf(p);
      const price = t.order('buy', -8).price;
      const [m] = await t.venue.execute(t.sub, [{ kind: 'modify', orderId: old, price }]);
      assert.equal(m.ok, true);
      const [o] = (await t.venue.getAccount(t.sub)).openOrders;
      assert.notEqual(o.orderId, old);
      assert.deepEqual([o.price, o.userOrderId], [price, 6]);
    });

    it('a crossing taker order fills and emits filled; the account shows the position', async () => {
      const t = await open();
      const [r] = await t.venue.execute(t.sub, [{ kind: 'place', order: t.order('buy', 2) }]);
      assert.equal(r.ok, true);
      await t.advance();
      const fill = t.events.find((e) => e.type === 'filled');
      assert.ok(fill && fill.type === 'filled');
      assert.equal(fill.fill.maker, false);
      assert.ok(fill.fill.fee > 0n);
      const acct = await t.venue.getAccount(t.sub);
      assert.equal(
        acct.positions.find((p) => p.marketIndex === t.spec.marketIndex)?.base,
        t.spec.minOrderSize,
      );
      assert.ok(acct.totalCollateral > 0n && acct.maintenanceMarginRequirement > 0n);
    });

    it('orderBook: unknown (undefined), or levels best first that never cross', async () => {
      const t = await open();
      const book = await t.venue.orderBook(t.spec.marketIndex);
      if (book === undefined) return; // the venue knows no book: callers checking liquidity must refuse
      assert.equal(book.marketIndex, t.spec.marketIndex);
      for (let i = 1; i < book.asks.length; i++) assert.ok(book.asks[i].price > book.asks[i - 1].price);
      for (let i = 1; i < book.bids.length; i++) assert.ok(book.bids[i].price < book.bids[i - 1].price);
      if (book.bids[0] && book.asks[0]) assert.ok(book.bids[0].price < book.asks[0].price);
      for (const l of [...book.bids, ...book.asks]) assert.ok(l.base > 0n);
    });

    it('placeAndTake with requireFullFill: every order fills in full or nothing applies', async () => {
      const t = await open();
      const taker = (side: 'buy' | 'sell', offsetPct: number, userOrderId: number) =>
        t.order(side, offsetPct, { orderType: 'market', ioc: true, userOrderId });
      // A taker within 2% fills; one whose limit lies 5% below the market cannot: the pair fails as a whole.
      const [bad] = await t.venue.execute(t.sub, [
        { kind: 'placeAndTake', orders: [taker('buy', 2, 21), taker('buy', -5, 22)], requireFullFill: true },
      ]);
      assert.equal(reasonOf(bad), 'PlaceAndTakeOrderSuccessConditionFailed');
      let acct = await t.venue.getAccount(t.sub);
      assert.equal(acct.positions.filter((p) => p.base !== 0n).length, 0, 'nothing applied');
      assert.equal(acct.openOrders.length, 0);
      assert.ok(!t.events.some((e) => e.type === 'filled'));
      const [good] = await t.venue.execute(t.sub, [
        { kind: 'placeAndTake', orders: [taker('buy', 2, 23)], requireFullFill: true },
      ]);
      assert.equal(good.ok, true);
      acct = await t.venue.getAccount(t.sub);
      assert.equal(
        acct.positions.find((p) => p.marketIndex === t.spec.marketIndex)?.base,
        t.spec.minOrderSize,
      );
      assert.equal(acct.openOrders.length, 0, 'a taker leaves nothing resting');
    });

    it('placeAndTake without requireFullFill can succeed with no fill (the caller must verify)', async () => {
      const t = await open();
      const [r] = await t.venue.execute(t.sub, [
        {
          kind: 'placeAndTake',
          orders: [t.order('sell', 5, { orderType: 'market', ioc: true, userOrderId: 31 })],
          requireFullFill: false,
        },
      ]);
      assert.equal(r.ok, true);
      const acct = await t.venue.getAccount(t.sub);
      assert.equal(acct.positions.filter((p) => p.base !== 0n).length, 0, 'no fill');
      assert.equal(acct.openOrders.length, 0, 'and nothing left resting');
    });
  });
}
