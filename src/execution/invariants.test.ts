/**
 * Property tests of the whole decision path (risk verdict → execution governor → planner → applied plan) over
 * random account states, strategy bands, ladders and live-order sets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Verdict } from '../domain/intent.ts';
import { getMarket } from '../domain/markets.ts';
import { baseToInt, baseToNumber, priceToInt } from '../domain/precision.ts';
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { Order, OrderCommand, OrderParams } from '../domain/types.ts';
import { evaluateRisk } from '../risk/governor.ts';
import { defaultRiskLimits, type RiskLimits } from '../risk/limits.ts';
import { accountAt, band, makeInputs } from '../risk/test-support/fixtures.ts';
import { governExecution } from './execution-governor.ts';
import { applyPlanToLiveOrders, liveIsWanted, planOrders, planOrdersNotWanted } from './planner.ts';
import type { ExecutionPolicy } from './policy.ts';
import { defaultExecutionPolicy } from './policy.ts';
import { makeLadder, openBaseBySide } from './test-support/fixtures.ts';

const SOL = getMarket('SOL-PERP');
const policy = defaultExecutionPolicy();
const TS = 1_700_000_000_000;

const liveOrderArb = (mark: number) =>
  fc
    .record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      offsetPct: fc.double({ min: 0.05, max: 8, noNaN: true }),
      base: fc.constantFrom(0.5, 1, 1.5, 2, 3),
      filled: fc.constantFrom(0, 0, 0, 0.25),
      reduceOnly: fc.boolean(),
      postOnly: fc.constantFrom('must' as const, 'none' as const),
      ageSec: fc.integer({ min: 0, max: 600 }),
      uid: fc.integer({ min: 0, max: 255 }),
    })
    .map((x) => ({ ...x, mark }));

const scenarioArb = fc
  .record({
    mark: fc.double({ min: 5, max: 500, noNaN: true }),
    leverageNow: fc.double({ min: -8, max: 8, noNaN: true }),
    equity: fc.double({ min: 50, max: 20_000, noNaN: true }),
    lo: fc.oneof(fc.constant(0), fc.double({ min: -3, max: -0.05, noNaN: true })),
    hi: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 3, noNaN: true })),
    levels: fc.noBias(fc.oneof(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 17, max: 25 }))),
    stepPct: fc.double({ min: 0.1, max: 2, noNaN: true }),
    levelNotionalPct: fc.oneof(
      fc.double({ min: 0.2, max: 1, noNaN: true }),
      fc.double({ min: 1, max: 50, noNaN: true }),
    ),
    div: fc.oneof(
      { arbitrary: fc.double({ min: -0.01, max: 0.01, noNaN: true }), weight: 3 },
      { arbitrary: fc.double({ min: -0.04, max: 0.04, noNaN: true }), weight: 1 },
    ),
    vol: fc.oneof(
      { arbitrary: fc.double({ min: 0, max: 1.4, noNaN: true }), weight: 3 },
      { arbitrary: fc.double({ min: 0, max: 4, noNaN: true }), weight: 1 },
    ),
    pnlPct: fc.oneof(
      { arbitrary: fc.double({ min: -0.005, max: 0.05, noNaN: true }), weight: 3 },
      { arbitrary: fc.double({ min: -0.2, max: 0.05, noNaN: true }), weight: 1 },
    ),
    manual: fc.constantFrom(false, false, false, false, false, true),
    marketRO: fc.constantFrom(false, false, false, false, false, true),
    makerPreferred: fc.boolean(),
    maxLeverage: fc.double({ min: 0.5, max: 20, noNaN: true }),
  })
  .chain((s) => fc.record({ s: fc.constant(s), live: fc.array(liveOrderArb(s.mark), { maxLength: 32 }) }));

interface World {
  q: bigint;
  policy: ExecutionPolicy;
  mark: number;
  equity: number;
  limits: RiskLimits;
  verdict: Verdict;
  verdictKind: string;
  desired: DesiredOrder[];
  live: Order[];
  commands: OrderCommand[];
  after: Order[];
}

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function buildWorld(x: Scenario): World {
  const { s } = x;
  const q = baseToInt(Math.round(((s.leverageNow * s.equity) / s.mark) * 100) / 100);
  const qf = baseToNumber(q);
  const live: Order[] = x.live.map((l, i) => {
    const px = l.side === 'buy' ? l.mark * (1 - l.offsetPct / 100) : l.mark * (1 + l.offsetPct / 100);
    return {
      marketIndex: 0,
      side: l.side,
      orderType: 'limit',
      base: baseToInt(l.base),
      price: priceToInt(Math.round(px * 10_000) / 10_000),
      reduceOnly: l.reduceOnly,
      postOnly: l.postOnly,
      ioc: false,
      userOrderId: l.uid === 0 ? 0 : ((l.uid + i * 37) % 255) + 1,
      orderId: 100 + i,
      filledBase: baseToInt(l.filled),
      status: 'open',
      placedTs: TS - l.ageSec * 1000,
    };
  });
  // userOrderIds unique among open orders, as the venue guarantees
  const seen = new Set<number>();
  for (const o of live) {
    if (o.userOrderId !== 0 && seen.has(o.userOrderId)) o.userOrderId = 0;
    seen.add(o.userOrderId);
  }
  const open = openBaseBySide(live, 0);
  const limits: RiskLimits = {
    ...defaultRiskLimits(),
    maxLeverage: s.maxLeverage,
    maxNotional: s.equity * 4,
  };
  const equityScale = (s.equity / s.mark) * 2;
  const inputs = makeInputs({
    ts: TS,
    mark: s.mark,
    band: band(s.lo * equityScale, s.hi * equityScale, 0),
    account: {
      ...accountAt(s.mark, qf, s.equity),
      openBidBase: open.bid,
      openAskBase: open.ask,
      dailyPnl: s.pnlPct * s.equity,
    },
    snapshot: { oracle: s.mark * (1 + s.div), vol: s.vol, reduceOnly: s.marketRO },
    manualReduceOnly: s.manual,
  });
  const { verdict } = evaluateRisk(inputs, limits);
  const p = { ...policy, makerPreferred: s.makerPreferred };
  const basePerLevel = (s.levelNotionalPct / 100) * (s.equity / s.mark);
  const ladder = makeLadder(SOL, s.mark, s.levels, s.stepPct, Math.max(0.01, basePerLevel));
  const desired = governExecution({
    verdict,
    snapshot: inputs.snapshot,
    market: SOL,
    positionBase: q,
    ladder,
    policy: p,
  });
  const commands = planOrders(desired, live, p, verdict, TS, q);
  const after = applyPlanToLiveOrders(live, commands, 10_000, TS).live;
  return {
    q,
    policy: p,
    mark: s.mark,
    equity: s.equity,
    limits,
    verdict,
    verdictKind: verdict.kind,
    desired,
    live,
    commands,
    after,
  };
}

/** Every order that can still fill after the plan: resting ones plus the taker orders just sent. */
function exposureOrders(w: World): { side: 'buy' | 'sell'; base: bigint }[] {
  const takers: OrderParams[] = w.commands.flatMap((c) =>
    c.kind === 'place' && c.order.ioc ? [c.order] : [],
  );
  return [...w.after.map((o) => ({ side: o.side, base: o.base - o.filledBase })), ...takers];
}

function worstCase(w: World): { long: bigint; short: bigint } {
  let long = w.q;
  let short = w.q;
  for (const o of exposureOrders(w)) {
    if (o.side === 'buy') long += o.base;
    else short -= o.base;
  }
  return { long, short };
}

const absBig = (v: bigint): bigint => (v < 0n ? -v : v);
const RUNS = { seed: 20260122, numRuns: 400 };

describe('decision-path invariants (property)', () => {
  it('under REDUCE_ONLY no order can increase |position|, even if all of them fill', () => {
    let seen = 0;
    fc.assert(
      fc.property(scenarioArb, (x) => {
        const w = buildWorld(x);
        if (w.verdictKind !== 'REDUCE_ONLY') return;
        seen++;
        const orders = exposureOrders(w);
        const closing = w.q > 0n ? 'sell' : 'buy';
        assert.ok(w.q !== 0n || orders.length === 0, 'flat: nothing may be placed');
        assert.ok(orders.every((o) => o.side === closing));
        assert.ok(orders.reduce((s, o) => s + o.base, 0n) <= absBig(w.q));
        assert.ok(w.after.every((o) => o.reduceOnly));
      }),
      RUNS,
    );
    assert.ok(seen > 20, `only ${seen} REDUCE_ONLY cases generated`);
  });

  it('under PAUSE the plan is exactly a cancel-all and nothing stays live', () => {
    let seen = 0;
    fc.assert(
      fc.property(scenarioArb, (x) => {
        const w = buildWorld(x);
        if (w.verdictKind !== 'PAUSE') return;
        seen++;
        assert.deepEqual(w.commands, w.live.length > 0 ? [{ kind: 'cancelAll', marketIndex: 0 }] : []);
        assert.deepEqual(w.after, []);
      }),
      RUNS,
    );
    assert.ok(seen > 10, `only ${seen} PAUSE cases generated`);
  });

  it('no plan pushes worst-case leverage past maxLeverage or notional past maxNotional', () => {
    fc.assert(
      fc.property(scenarioArb, (x) => {
        const w = buildWorld(x);
        const wc = worstCase(w);
        const worst = baseToNumber(absBig(wc.long) > absBig(wc.short) ? absBig(wc.long) : absBig(wc.short));
        const now = Math.abs(baseToNumber(w.q));
        const tol = 1 + 1e-9;
        // A position already beyond a limit cannot be fixed by placing orders; the plan must not add to it.
        const levCap = Math.max(w.limits.maxLeverage, (now * w.mark) / w.equity);
        const notionalCap = Math.max(w.limits.maxNotional, now * w.mark);
        assert.ok(
          (worst * w.mark) / w.equity <= levCap * tol,
          `leverage ${(worst * w.mark) / w.equity} > ${levCap}`,
        );
        assert.ok(worst * w.mark <= notionalCap * tol, `notional ${worst * w.mark} > ${notionalCap}`);
      }),
      RUNS,
    );
  });

  it('never more than 32 live orders after the plan, with unique userOrderIds in 1..255', () => {
    let overCap = 0;
    fc.assert(
      fc.property(scenarioArb, (x) => {
        const w = buildWorld(x);
        if (w.desired.length > 32) overCap++;
        assert.ok(w.after.length <= 32);
        const ids = w.after.map((o) => o.userOrderId).filter((id) => id !== 0);
        assert.equal(new Set(ids).size, ids.length);
        assert.ok(ids.every((id) => id >= 1 && id <= 255));
      }),
      RUNS,
    );
    assert.ok(overCap > 10, `only ${overCap} cases wanted more than 32 orders`);
  });

  it('plan → apply → plan is a no-op (only one-shot taker orders repeat)', () => {
    fc.assert(
      fc.property(scenarioArb, (x) => {
        const w = buildWorld(x);
        const p = { ...policy, makerPreferred: x.s.makerPreferred };
        const again = planOrders(w.desired, w.after, p, w.verdict, TS, w.q);
        assert.ok(
          again.every((c) => c.kind === 'place' && c.order.ioc),
          `second plan: ${JSON.stringify(again, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`,
        );
      }),
      RUNS,
    );
  });

  it('the fast path: liveIsWanted means an empty plan, and planOrdersNotWanted is planOrders when it says no', () => {
    let wanted = 0;
    let notWanted = 0;
    fc.assert(
      fc.property(scenarioArb, (x) => {
        const w = buildWorld(x);
        // the live set as it comes in, and as the plan leaves it (often exactly the wanted set)
        for (const live of [w.live, w.after]) {
          const plan = planOrders(w.desired, live, w.policy, w.verdict, TS, w.q);
          if (liveIsWanted(w.desired, live, w.verdict, w.q)) {
            wanted++;
            assert.deepEqual(plan, []);
          } else {
            notWanted++;
            assert.deepEqual(planOrdersNotWanted(w.desired, live, w.policy, w.verdict, TS, w.q), plan);
          }
        }
      }),
      RUNS,
    );
    assert.ok(wanted > 50 && notWanted > 50, `wanted ${wanted}, not wanted ${notWanted}`);
  });
});
