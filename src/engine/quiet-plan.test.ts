import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Verdict, VerdictKind } from '../domain/intent.ts';
import { getMarket } from '../domain/markets.ts';
import { baseToInt } from '../domain/precision.ts';
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { Order } from '../domain/types.ts';
import { governExecution } from '../execution/execution-governor.ts';
import { applyPlanToLiveOrders, liveIsWanted, planOrders } from '../execution/planner.ts';
import { defaultExecutionPolicy } from '../execution/policy.ts';
import { makeLadder } from '../execution/test-support/fixtures.ts';
import { band, snapshotAt } from '../risk/test-support/fixtures.ts';
import { type PlanInputs, QuietPlan } from './quiet-plan.ts';

const SOL = getMarket('SOL-PERP');
const policy = defaultExecutionPolicy();
const TS = 1_700_000_000_000;

const verdictOf = (kind: VerdictKind, min: number, max: number): Verdict => ({
  kind,
  band: band(min, max, 0),
  reasons: [],
});

const desiredOf = (x: PlanInputs): DesiredOrder[] =>
  governExecution({
    verdict: x.verdict,
    snapshot: snapshotAt(100),
    market: SOL,
    positionBase: x.positionBase,
    ladder: x.ladder,
    policy,
    rampFactor: x.rampFactor,
  });

/** The live set the planner makes of nothing: exactly the wanted orders, as a venue would hold them. */
function liveFor(x: Omit<PlanInputs, 'live'>): Order[] {
  const desired = desiredOf({ ...x, live: [] });
  return applyPlanToLiveOrders([], planOrders(desired, [], policy, x.verdict, TS, x.positionBase), 1, TS)
    .live;
}

/** A decision of the memo's kind: its orders live, kept. */
function keptDecision(over: Partial<PlanInputs> = {}): {
  memo: QuietPlan;
  x: PlanInputs;
  desired: DesiredOrder[];
} {
  const base: Omit<PlanInputs, 'live'> = {
    ladder: makeLadder(SOL, 100, 5, 0.5, 0.1),
    verdict: verdictOf('APPROVE', -1, 1),
    positionBase: 0n,
    rampFactor: 1,
    ...over,
  };
  const x: PlanInputs = { ...base, live: over.live ?? liveFor(base) };
  const desired = desiredOf(x);
  const memo = new QuietPlan();
  memo.keep(x, desired, liveIsWanted(desired, x.live, x.verdict, x.positionBase));
  return { memo, x, desired };
}

describe('QuietPlan', () => {
  it('knows nothing before a decision is kept', () => {
    const { x } = keptDecision();
    assert.equal(new QuietPlan().desiredIfQuiet(x), undefined);
  });

  it('gives the kept desired orders back for the same inputs, with a new list of the same live orders', () => {
    const { memo, x, desired } = keptDecision();
    assert.ok(desired.length > 0);
    assert.equal(memo.desiredIfQuiet(x), desired);
    assert.equal(memo.desiredIfQuiet({ ...x, live: [...x.live] }), desired);
  });

  it('misses when any input moved', () => {
    const { memo, x } = keptDecision();
    const cases: [string, PlanInputs][] = [
      ['a new ladder array (same orders)', { ...x, ladder: [...x.ladder] }],
      ['verdict kind', { ...x, verdict: verdictOf('CLAMP', -1, 1) }],
      ['band min', { ...x, verdict: verdictOf('APPROVE', -0.9, 1) }],
      ['band max', { ...x, verdict: verdictOf('APPROVE', -1, 0.9) }],
      ['position', { ...x, positionBase: baseToInt(0.1) }],
      ['ramp-in', { ...x, rampFactor: 0.5 }],
      ['an order gone', { ...x, live: x.live.slice(1) }],
      ['an order replaced by a copy', { ...x, live: [{ ...x.live[0] }, ...x.live.slice(1)] }],
      ['two orders swapped', { ...x, live: [x.live[1], x.live[0], ...x.live.slice(2)] }],
    ];
    for (const [what, changed] of cases) assert.equal(memo.desiredIfQuiet(changed), undefined, what);
  });

  it('misses when the venue gave a live order a new object (fill, floating reprice, cancel)', () => {
    const changes: [string, (o: Order) => Order][] = [
      ['partial fill', (o) => ({ ...o, filledBase: SOL.stepSize })],
      ['price', (o) => ({ ...o, price: o.price + SOL.tickSize })],
      ['status', (o) => ({ ...o, status: 'cancelled' })],
    ];
    for (const [what, change] of changes) {
      const { memo, x } = keptDecision();
      const live = [...x.live];
      live[2] = change(live[2]);
      assert.equal(memo.desiredIfQuiet({ ...x, live }), undefined, what);
    }
  });

  it('keeps nothing from a decision whose orders were not all live, or with a correction or a flatten', () => {
    const notLive = keptDecision({ live: [] });
    assert.equal(notLive.memo.desiredIfQuiet(notLive.x), undefined);
    // long 0.5 in a band up to 0.2: the governor adds a reduce-only correction (level 0)
    const correcting = keptDecision({ positionBase: baseToInt(0.5), verdict: verdictOf('CLAMP', -0.2, 0.2) });
    assert.ok(correcting.desired.some((o) => o.level === 0));
    assert.equal(correcting.memo.desiredIfQuiet(correcting.x), undefined);
    const flattening: Verdict = { ...verdictOf('REDUCE_ONLY', 0, 0), flatten: { sinceTs: TS, taker: false } };
    const f = keptDecision({ verdict: flattening });
    assert.equal(f.memo.desiredIfQuiet(f.x), undefined);
  });

  it('a later decision that is not quiet forgets the kept one', () => {
    const { memo, x, desired } = keptDecision();
    memo.keep({ ...x, positionBase: 1n }, desired, false);
    assert.equal(memo.desiredIfQuiet(x), undefined);
  });

  // The exactness claim: whenever the memo answers, the governor would want those very orders and the planner
  // would send nothing, at any time (TTL included).
  it('answers only what governExecution and planOrders would give (property)', () => {
    const kinds: VerdictKind[] = ['APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'];
    const arb = fc.record({
      levels: fc.integer({ min: 0, max: 12 }),
      stepPct: fc.constantFrom(0.1, 0.5, 1),
      size: fc.constantFrom(0.05, 0.1, 0.37),
      kind: fc.constantFrom(...kinds),
      min: fc.constantFrom(-Infinity, -2, -0.5, -0.1, 0),
      max: fc.constantFrom(0, 0.1, 0.5, 2, Infinity),
      position: fc.constantFrom(-0.4, -0.1, 0, 0.1, 0.4),
      ramp: fc.constantFrom(0.25, 0.5, 1),
      mutation: fc.integer({ min: 0, max: 8 }),
      at: fc.integer({ min: 0, max: 3 }),
      later: fc.integer({ min: 0, max: 10 * 86_400_000 }),
    });
    let answered = 0;
    fc.assert(
      fc.property(arb, (p) => {
        const { memo, x } = keptDecision({
          ladder: makeLadder(SOL, 100, p.levels, p.stepPct, p.size),
          verdict: verdictOf(p.kind, p.min, p.max),
          positionBase: baseToInt(p.position),
          rampFactor: p.ramp,
        });
        const live = [...x.live];
        const at = p.at % Math.max(1, live.length);
        const o = live[at];
        let y: PlanInputs = { ...x, live };
        // the venue gives a changed order a new object (orders are values)
        if (p.mutation === 1 && o) live[at] = { ...o, filledBase: SOL.stepSize };
        if (p.mutation === 2 && o) live[at] = { ...o, price: o.price + SOL.tickSize };
        if (p.mutation === 3 && o) live[at] = { ...o, status: 'filled' };
        if (p.mutation === 4) y = { ...y, positionBase: y.positionBase + SOL.stepSize };
        if (p.mutation === 5) y = { ...y, rampFactor: 1 - y.rampFactor / 2 };
        if (p.mutation === 6) y = { ...y, verdict: verdictOf('PAUSE', p.min, p.max) };
        if (p.mutation === 7) y = { ...y, live: live.slice(1) };
        const kept = memo.desiredIfQuiet(y);
        if (kept === undefined) return;
        answered++;
        assert.deepEqual(kept, desiredOf(y));
        assert.deepEqual(planOrders(kept, y.live, policy, y.verdict, TS + p.later, y.positionBase), []);
      }),
      { numRuns: 400 },
    );
    // the claim is about something: a good share of the cases are answered
    assert.ok(answered > 40, `only ${answered} answered`);
  });
});
