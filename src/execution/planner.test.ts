import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict, VerdictKind } from '../domain/intent.ts';
import { getMarket } from '../domain/markets.ts';
import { baseToInt, priceToInt } from '../domain/precision.ts';
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { Order, OrderCommand } from '../domain/types.ts';
import { band } from '../risk/test-support/fixtures.ts';
import { applyPlanToLiveOrders, planOrders } from './planner.ts';
import { defaultExecutionPolicy } from './policy.ts';
import { makeLadder } from './test-support/fixtures.ts';

const SOL = getMarket('SOL-PERP');
const policy = defaultExecutionPolicy();
const TS = 1_700_000_000_000;
const verdict = (kind: VerdictKind = 'APPROVE'): Verdict => ({ kind, band: band(-100, 100, 0), reasons: [] });

/** Plans and applies; returns the commands and the resulting live set. */
function step(desired: DesiredOrder[], live: Order[], v = verdict(), ts = TS, next = 1000) {
  const commands = planOrders(desired, live, policy, v, ts);
  return { commands, ...applyPlanToLiveOrders(live, commands, next, ts) };
}
const kinds = (cs: OrderCommand[]): string[] => cs.map((c) => c.kind);

describe('planOrders', () => {
  const ladder = makeLadder(SOL, 100, 5, 0.5, 1);

  it('places a fresh ladder as post-only limits with unique userOrderIds', () => {
    const { commands, live } = step(ladder, []);
    assert.equal(commands.length, 10);
    for (const c of commands) {
      assert.equal(c.kind, 'place');
      if (c.kind !== 'place') continue;
      assert.equal(c.order.orderType, 'limit');
      assert.equal(c.order.postOnly, 'must');
      assert.equal(c.order.ioc, false);
    }
    assert.deepEqual(
      live.map((o) => o.userOrderId).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it('keeps orders within the requote threshold and does nothing', () => {
    const { live } = step(ladder, []);
    // A 5 bps move of the anchor is inside the 10 bps threshold.
    const moved = makeLadder(SOL, 100.05, 5, 0.5, 1);
    assert.deepEqual(planOrders(moved, live, policy, verdict(), TS + 1000), []);
  });

  it('one level moving beyond the threshold is one modify', () => {
    const { live } = step(ladder, []);
    const moved = ladder.map((o) =>
      o.side === 'buy' && o.level === 5 ? { ...o, price: priceToInt(97) } : o,
    );
    const cs = planOrders(moved, live, policy, verdict(), TS + 1000);
    assert.deepEqual(kinds(cs), ['modify']);
  });

  it('many levels moving on a side is one atomic cancelAndPlace for that side', () => {
    const { live } = step(ladder, []);
    const moved = makeLadder(SOL, 100.3, 5, 0.5, 1);
    const cs = planOrders(moved, live, policy, verdict(), TS + 1000);
    assert.deepEqual(kinds(cs), ['cancelAndPlace', 'cancelAndPlace']);
    for (const c of cs) {
      assert.ok(c.kind === 'cancelAndPlace');
      const sides = new Set(c.place.map((p) => p.side));
      assert.equal(sides.size, 1);
      assert.ok(c.cancelOrderIds.every((id) => live.find((o) => o.orderId === id)?.side === c.place[0].side));
    }
  });

  it('TTL without churn: an order past its TTL that is exactly what is wanted stays; an unwanted one goes', () => {
    const { live } = step(ladder.slice(0, 2), []);
    const cs = planOrders(ladder.slice(0, 1), live, policy, verdict(), TS + policy.ttlSec * 1000);
    // the wanted one is identical: kept (refreshed); the other one is no longer wanted: cancelled
    assert.deepEqual(kinds(cs), ['cancel']);
    assert.deepEqual(
      planOrders(ladder.slice(0, 2), live, policy, verdict(), TS + 10 * policy.ttlSec * 1000),
      [],
    );
  });

  it('TTL: an order within the requote threshold but not exact is kept until its TTL, then requoted', () => {
    const { live } = step(ladder.slice(0, 1), []);
    const near = [{ ...ladder[0], price: ladder[0].price + 1000n }]; // 0.001 away: well within 10 bps
    assert.deepEqual(planOrders(near, live, policy, verdict(), TS + 1000), [], 'fresh: kept');
    const late = planOrders(near, live, policy, verdict(), TS + policy.ttlSec * 1000);
    assert.deepEqual(kinds(late), ['modify'], 'past its TTL: requoted to the exact price');
  });

  it('a partially filled order is not kept for a full-size level', () => {
    const { live } = step(ladder.slice(0, 1), []);
    const partial = [{ ...live[0], filledBase: baseToInt(0.4) }];
    const cs = planOrders(ladder.slice(0, 1), partial, policy, verdict(), TS + 1);
    assert.deepEqual(kinds(cs), ['cancel', 'place']);
  });

  it('respects the 32-order cap, farthest levels dropped first', () => {
    const big = makeLadder(SOL, 100, 20, 0.25, 1);
    const { commands, live } = step(big, []);
    assert.equal(live.length, 32);
    const levels = commands.flatMap((c) => (c.kind === 'place' ? [c.order.price] : []));
    assert.equal(levels.length, 32);
    const maxLevel = Math.max(
      ...big.filter((d) => live.some((o) => o.price === d.price)).map((d) => d.level),
    );
    assert.equal(maxLevel, 16);
  });

  it('at the cap, a replacement that needs the cancelled slot is one atomic cancelAndPlace', () => {
    const big = makeLadder(SOL, 100, 20, 0.25, 1);
    const { live } = step(big, []);
    assert.equal(live.length, 32);
    // The nearest bid was partly filled: its level wants a full-size order again (no modify of a partial fill).
    const nearest = live.find((o) => o.side === 'buy' && o.price === big[0].price);
    assert.ok(nearest);
    const partly = live.map((o) => (o === nearest ? { ...o, filledBase: baseToInt(0.4) } : o));
    const cs = planOrders(big, partly, policy, verdict(), TS + 1);
    assert.equal(cs.length, 1);
    const [c] = cs;
    assert.ok(c.kind === 'cancelAndPlace');
    assert.deepEqual(c.cancelOrderIds, [nearest.orderId]);
    assert.deepEqual(
      c.place.map((p) => [p.side, p.price, p.base]),
      [['buy', big[0].price, big[0].base]],
    );
    assert.ok(!partly.some((o) => o.userOrderId === c.place[0].userOrderId));
    // (Below the cap the same replacement stays a plain cancel and place: the partial-fill case above.)
  });

  it('avoids userOrderIds in use by live orders', () => {
    const { live } = step(ladder.slice(0, 2), []);
    const cs = planOrders(ladder.slice(0, 3), live, policy, verdict(), TS);
    assert.deepEqual(
      cs.map((c) => (c.kind === 'place' ? c.order.userOrderId : -1)),
      [3],
    );
  });

  it('taker orders go out as market IOC with the price limit, right after the cancels', () => {
    const taker: DesiredOrder = { ...ladder[1], taker: true, postOnly: false, reduceOnly: true, level: 0 };
    const { live } = step(ladder.slice(0, 1), []);
    const cs = planOrders([ladder[2], taker], live, policy, verdict(), TS);
    assert.deepEqual(kinds(cs), ['place', 'modify']);
    const t = cs[0];
    assert.ok(t.kind === 'place');
    assert.deepEqual(
      { type: t.order.orderType, ioc: t.order.ioc, post: t.order.postOnly, price: t.order.price },
      { type: 'market', ioc: true, post: 'none', price: taker.price },
    );
  });

  it('PAUSE is exactly one cancelAll, or nothing when nothing is live', () => {
    const { live } = step(ladder, []);
    assert.deepEqual(planOrders(ladder, live, policy, verdict('PAUSE'), TS), [
      { kind: 'cancelAll', marketIndex: 0 },
    ]);
    assert.deepEqual(planOrders(ladder, [], policy, verdict('PAUSE'), TS), []);
  });

  it('REDUCE_ONLY with the position: no order on the growing side, closing side ≤ |position|, all flagged', () => {
    const { live } = step(ladder, []);
    const cs = planOrders(ladder, live, policy, verdict('REDUCE_ONLY'), TS, baseToInt(2.5));
    const after = applyPlanToLiveOrders(live, cs, 1000, TS).live;
    assert.ok(after.every((o) => o.side === 'sell' && o.reduceOnly));
    assert.equal(
      after.reduce((s, o) => s + o.base, 0n),
      baseToInt(2),
    );
  });

  it('applying a plan and planning again is a no-op', () => {
    const first = step(ladder, []);
    const moved = makeLadder(SOL, 100.7, 5, 0.5, 1.5);
    const second = step(moved, first.live, verdict(), TS + 5000, first.nextOrderId);
    assert.ok(second.commands.length > 0);
    assert.deepEqual(planOrders(moved, second.live, policy, verdict(), TS + 5000), []);
  });
});

describe('applyPlanToLiveOrders', () => {
  it('cancels, places, modifies (new orderId, same userOrderId) and drops IOC orders', () => {
    const ladder = makeLadder(SOL, 100, 1, 0.5, 1);
    const placed = applyPlanToLiveOrders([], planOrders(ladder, [], policy, verdict(), TS), 1, TS);
    assert.equal(placed.nextOrderId, 3);
    const [bid] = placed.live;
    const r = applyPlanToLiveOrders(
      placed.live,
      [
        { kind: 'modify', orderId: bid.orderId, price: priceToInt(98) },
        { kind: 'place', order: { ...bid, ioc: true, orderType: 'market' } },
        { kind: 'cancelByUserOrderId', userOrderId: 2 },
      ],
      placed.nextOrderId,
      TS + 1,
    );
    assert.equal(r.live.length, 1);
    assert.deepEqual(
      { id: r.live[0].orderId, uid: r.live[0].userOrderId, price: r.live[0].price, ts: r.live[0].placedTs },
      { id: 3, uid: bid.userOrderId, price: priceToInt(98), ts: TS + 1 },
    );
    assert.equal(r.nextOrderId, 5);
    assert.deepEqual(applyPlanToLiveOrders(r.live, [{ kind: 'cancelAll' }], 5).live, []);
  });
});
