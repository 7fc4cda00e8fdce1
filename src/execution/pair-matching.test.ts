/**
 * matchClosest against the plainest model of closest-first matching: every admissible pair as an object, all
 * of them sorted, taken greedily. Sizes run past the scratch space's first capacities (64 live orders, 256
 * pairs, ~1,500 here) and past the insertion sort's limit, and a small set follows a large one on the same
 * scratch space.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { Order } from '../domain/types.ts';
import { compatible, type MatchRules, matchClosest } from './pair-matching.ts';

const TS = 1_700_000_000_000;

/** The pairs kept, as [desired index, live index] in the order they were taken. */
function naiveMatching(wanted: DesiredOrder[], live: Order[], r: MatchRules): [number, number][] {
  const pairs: { di: number; li: number; bps: number }[] = [];
  wanted.forEach((d, di) => {
    if (d.taker) return;
    live.forEach((l, li) => {
      if (r.reduceOnly && !l.reduceOnly) return;
      const bps = (Math.abs(Number(l.price) - Number(d.price)) * 10_000) / Number(d.price);
      const fresh = r.ts - l.placedTs < r.ttlMs;
      if (bps <= r.limitBps && compatible(l, d) && (fresh || l.price === d.price))
        pairs.push({ di, li, bps });
    });
  });
  pairs.sort((a, b) => a.bps - b.bps || a.di - b.di || live[a.li].orderId - live[b.li].orderId);
  const takenD = new Set<number>();
  const takenL = new Set<number>();
  const out: [number, number][] = [];
  for (const p of pairs) {
    if (takenD.has(p.di) || takenL.has(p.li)) continue;
    takenD.add(p.di);
    takenL.add(p.li);
    out.push([p.di, p.li]);
  }
  return out;
}

const priceArb = (spread: number) =>
  fc.integer({ min: -spread, max: spread }).map((k) => BigInt(150_000_000 + k * 30_000));
// two sizes past 2^53 one unit apart: Number() makes them the same double, yet they are different sizes
const baseArb = fc.constantFrom(500_000_000n, 1_000_000_000n, 2n ** 60n, 2n ** 60n + 1n);

/** `varied`: flags and sizes vary (few pairs); else they are alike, so most same-side pairs are admissible. */
const desiredArb = (spread: number, varied = true) =>
  fc.record({
    marketIndex: fc.constant(0),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    price: priceArb(spread),
    base: varied ? baseArb : fc.constant(1_000_000_000n),
    postOnly: varied ? fc.boolean() : fc.constant(true),
    reduceOnly: varied ? fc.boolean() : fc.constant(true),
    level: fc.integer({ min: 0, max: 20 }),
    taker: fc.constantFrom(false, false, false, true),
  });

const liveArb = (spread: number, varied = true) =>
  fc.record({
    side: fc.constantFrom('buy' as const, 'sell' as const),
    price: priceArb(spread),
    base: varied ? baseArb : fc.constant(1_000_000_000n),
    reduceOnly: varied ? fc.boolean() : fc.constant(true),
    postOnly: varied ? fc.constantFrom('must' as const, 'none' as const) : fc.constant('must' as const),
    age: fc.integer({ min: 0, max: 600_000 }),
    orderId: fc.integer({ min: 1, max: 500 }),
    // partly filled orders: what is left (not the order's size) must match the desired size
    filledBase: varied ? fc.constantFrom(0n, 0n, 500_000_000n) : fc.constant(0n),
  });

interface LiveSpec {
  side: 'buy' | 'sell';
  price: bigint;
  base: bigint;
  reduceOnly: boolean;
  postOnly: 'must' | 'none';
  age: number;
  orderId: number;
  filledBase: bigint;
}

const toOrders = (ls: LiveSpec[]): Order[] =>
  ls.map((l) => ({
    marketIndex: 0,
    side: l.side,
    orderType: 'limit',
    base: l.base,
    price: l.price,
    reduceOnly: l.reduceOnly,
    postOnly: l.postOnly,
    ioc: false,
    userOrderId: 1,
    orderId: l.orderId,
    filledBase: l.filledBase,
    status: 'open',
    placedTs: TS - l.age,
  }));

function check(wanted: DesiredOrder[], live: Order[], rules: MatchRules): void {
  const expected = naiveMatching(wanted, live, rules);
  const m = matchClosest(wanted, live, rules);
  const got: [number, number][] = [];
  for (let k = 0; k < m.kept; k++) {
    const li = m.keptOrder[k] as number;
    got.push([m.keptBy[li] as number, li]);
  }
  assert.deepEqual(got, expected);
  for (let di = 0; di < wanted.length; di++) {
    assert.equal(
      m.matchedD[di] === 1,
      expected.some(([d]) => d === di),
      `desired ${di}`,
    );
  }
  for (let li = 0; li < live.length; li++) {
    const pair = expected.find(([, l]) => l === li);
    assert.equal(m.keptBy[li], pair ? pair[0] : -1, `live ${li}`);
  }
}

const rulesArb = fc.record({
  limitBps: fc.constantFrom(0 + 1e-9, 5 + 1e-9, 50 + 1e-9, 5000),
  ttlMs: fc.constantFrom(60_000, 300_000),
  ts: fc.constant(TS),
  reduceOnly: fc.boolean(),
});

describe('matchClosest', () => {
  it('keeps what the plain closest-first greedy matching keeps (ladder-sized sets)', () => {
    fc.assert(
      fc.property(
        fc.array(desiredArb(8), { maxLength: 24 }),
        fc.array(liveArb(8), { maxLength: 24 }),
        rulesArb,
        (ws, ls, r) => check(ws, toOrders(ls), r),
      ),
      { numRuns: 400 },
    );
  });

  it('tells apart sizes and prices that are one unit apart past 2^53 (where doubles cannot)', () => {
    const big = 2n ** 60n;
    const rules: MatchRules = { limitBps: 5 + 1e-9, ttlMs: 60_000, ts: TS, reduceOnly: false };
    const want = (price: bigint, base: bigint): DesiredOrder => ({
      marketIndex: 0,
      side: 'buy',
      price,
      base,
      postOnly: true,
      reduceOnly: false,
      level: 1,
      taker: false,
    });
    const live = (price: bigint, base: bigint, age: number): LiveSpec => ({
      side: 'buy',
      price,
      base,
      reduceOnly: false,
      postOnly: 'must',
      age,
      orderId: 7,
      filledBase: 0n,
    });
    // the size differs by one unit: never kept
    check([want(150_000_000n, big)], toOrders([live(150_000_000n, big + 1n, 0)]), rules);
    assert.equal(
      matchClosest([want(150_000_000n, big)], toOrders([live(150_000_000n, big + 1n, 0)]), rules).kept,
      0,
    );
    assert.equal(
      matchClosest([want(150_000_000n, big)], toOrders([live(150_000_000n, big, 0)]), rules).kept,
      1,
    );
    // past its TTL only the exact price is kept: one unit off at 2^60 is not
    check([want(big, 1_000_000_000n)], toOrders([live(big + 1n, 1_000_000_000n, 120_000)]), rules);
    assert.equal(
      matchClosest([want(big, 1_000_000_000n)], toOrders([live(big + 1n, 1_000_000_000n, 120_000)]), rules)
        .kept,
      0,
    );
    assert.equal(
      matchClosest([want(big, 1_000_000_000n)], toOrders([live(big, 1_000_000_000n, 120_000)]), rules).kept,
      1,
    );
  });

  it('stays exact past its first capacities, and for a small set right after a large one', () => {
    fc.assert(
      fc.property(
        fc.array(desiredArb(3, false), { minLength: 60, maxLength: 90 }),
        fc.array(liveArb(3, false), { minLength: 60, maxLength: 90 }),
        fc.array(desiredArb(3), { maxLength: 6 }),
        fc.array(liveArb(3), { maxLength: 6 }),
        rulesArb,
        (bigW, bigL, smallW, smallL, r) => {
          const rules = { ...r, limitBps: 5000 };
          check(bigW, toOrders(bigL), rules);
          check(smallW, toOrders(smallL), rules);
          // the same again once the scratch space has grown
          check(bigW, toOrders(bigL), rules);
        },
      ),
      { numRuns: 40 },
    );
  });
});
