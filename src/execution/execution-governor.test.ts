import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RiskReason, Verdict, VerdictKind } from '../domain/intent.ts';
import { getMarket } from '../domain/markets.ts';
import { baseToInt, priceToInt } from '../domain/precision.ts';
import { band, snapshotAt } from '../risk/test-support/fixtures.ts';
import { governExecution, governInFull } from './execution-governor.ts';
import { defaultExecutionPolicy } from './policy.ts';
import { makeLadder } from './test-support/fixtures.ts';

const SOL = getMarket('SOL-PERP');
const snapshot = snapshotAt(100); // bid 99.99, ask 100.01
const ladder = makeLadder(SOL, 100, 5, 0.5, 1);
const policy = defaultExecutionPolicy();
const verdict = (kind: VerdictKind, lo: number, hi: number, reasons: RiskReason[] = []): Verdict => ({
  kind,
  band: band(lo, hi, 0),
  reasons,
});
const A_INSIDE: RiskReason = {
  rule: 'A_liquidation_buffer',
  action: 'REDUCE_ONLY',
  measured: 12,
  limit: 15,
  message: '',
};
const run = (v: Verdict, position: number, over: Partial<Parameters<typeof governExecution>[0]> = {}) =>
  governExecution({
    verdict: v,
    snapshot,
    market: SOL,
    positionBase: baseToInt(position),
    ladder,
    policy,
    ...over,
  });
const total = (orders: { base: bigint }[]): bigint => orders.reduce((s, o) => s + o.base, 0n);

describe('governExecution', () => {
  it('PAUSE → no orders at all, not even a reduction', () => {
    assert.deepEqual(run(verdict('PAUSE', 0, 0), 10), []);
  });

  it('liquidation defense comes first: one taker reduce-only order to the safe size, slippage-capped', () => {
    const out = run(verdict('REDUCE_ONLY', -4.321, 4.321, [A_INSIDE]), 10);
    const d = out[0];
    assert.equal(d.taker, true);
    assert.equal(d.reduceOnly, true);
    assert.equal(d.side, 'sell');
    assert.equal(d.base, baseToInt(5.68)); // 10 − 4.321 rounded UP onto the 0.01 step
    // 99.99 × (1 − 25 bps) = 99.740025 → the sell limit rounds UP on the 0.0001 tick (less slippage, not more)
    assert.equal(d.price, priceToInt(99.7401));
    // the rest of the closing ladder fits in what is left of the position
    assert.ok(out.slice(1).every((o) => o.side === 'sell' && o.reduceOnly && !o.taker));
    assert.ok(total(out) <= baseToInt(10));
  });

  it('a short in danger buys back with the ask-side cap', () => {
    const [d] = run(verdict('REDUCE_ONLY', -2, 2, [A_INSIDE]), -3);
    assert.equal(d.side, 'buy');
    assert.equal(d.base, baseToInt(1));
    assert.equal(d.price, priceToInt(100.26)); // 100.01 × 1.0025 = 100.260025 → down on tick
  });

  it('exposure reduction uses an aggressive post-only maker, or a taker when makerPreferred is off', () => {
    const [m] = run(verdict('CLAMP', -5, 5), 8);
    assert.deepEqual(
      {
        side: m.side,
        base: m.base,
        taker: m.taker,
        postOnly: m.postOnly,
        reduceOnly: m.reduceOnly,
        price: m.price,
      },
      {
        side: 'sell',
        base: baseToInt(3),
        taker: false,
        postOnly: true,
        reduceOnly: true,
        price: priceToInt(100.0099),
      },
    );
    const [t] = run(verdict('CLAMP', -5, 5), 8, { policy: { ...policy, makerPreferred: false } });
    assert.equal(t.taker, true);
  });

  it('a daily-loss flatten closes the whole position as a resting maker first, as a taker once it is time', () => {
    const c: RiskReason = {
      rule: 'C_daily_loss',
      action: 'REDUCE_ONLY',
      measured: 70,
      limit: 60,
      message: '',
    };
    const flatten = (taker: boolean): Verdict => ({
      ...verdict('REDUCE_ONLY', 0, 0, [c]),
      flatten: { sinceTs: 0, taker },
    });
    const [maker] = run(flatten(false), 3);
    assert.deepEqual(
      [maker.side, maker.base, maker.reduceOnly, maker.taker, maker.postOnly],
      ['sell', baseToInt(3), true, false, true],
    );
    assert.equal(maker.price, priceToInt(100.0099), 'one tick inside the spread');
    const out = run(flatten(true), 3);
    assert.equal(out.length, 1, 'only the close: no ladder order beside it');
    assert.deepEqual([out[0].side, out[0].base, out[0].taker], ['sell', baseToInt(3), true]);
    assert.equal(out[0].price, priceToInt(99.7401), 'worst price 25 bps below the bid (99.99), rounded up');
  });

  it('REDUCE_ONLY keeps only the closing side, flagged, within |position|', () => {
    const out = run(verdict('REDUCE_ONLY', -10, 10), 2.5);
    assert.deepEqual(
      out.map((o) => [o.side, o.level, o.base, o.reduceOnly]),
      [
        ['sell', 1, baseToInt(1), true],
        ['sell', 2, baseToInt(1), true],
        ['sell', 3, baseToInt(0.5), true],
      ],
    );
    assert.deepEqual(run(verdict('REDUCE_ONLY', -10, 10), 0), []);
  });

  it('CLAMP trims levels so every side filling stays inside the band', () => {
    const out = run(verdict('CLAMP', -2, 3), 0.5);
    assert.equal(total(out.filter((o) => o.side === 'buy')), baseToInt(2.5));
    assert.equal(total(out.filter((o) => o.side === 'sell')), baseToInt(2.5));
    assert.deepEqual(
      out.filter((o) => o.side === 'buy').map((o) => o.level),
      [1, 2, 3],
    );
  });

  it('ramp-in opens the ladder gradually', () => {
    const out = run(verdict('APPROVE', -10, 10), 0, { rampFactor: 0.4 });
    assert.deepEqual(
      out.map((o) => `${o.side}${o.level}`),
      ['buy1', 'buy2', 'sell1', 'sell2'],
    );
  });

  it('gives the ladder back as it is when it passes whole, and equals the full path always (property)', () => {
    const bidsThenAsks = [
      ...ladder.filter((o) => o.side === 'buy'),
      ...ladder.filter((o) => o.side === 'sell'),
    ];
    assert.equal(run(verdict('APPROVE', -100, 100), 0, { ladder: bidsThenAsks }), bidsThenAsks);
    let passedWhole = 0;
    /** An edit now and then: most orders keep their field. */
    const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
      fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: arb, weight: 1 });
    const bound = fc.oneof(
      fc.double({ min: -40, max: 40, noNaN: true }),
      fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<VerdictKind>('APPROVE', 'APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'),
        bound,
        bound,
        fc.integer({ min: -600, max: 600 }),
        fc.constantFrom(true, true, true, false),
        fc.array(
          fc.record({
            i: fc.nat(),
            base: rarely(
              fc.constantFrom(0n, 1_000_000n, 10_000_000n, 500_000_000n, 1_000_000_000n, 3_000_000_000n),
            ),
            reduceOnly: rarely(fc.boolean()),
            taker: rarely(fc.constant(true)),
            otherMarket: rarely(fc.constant(true)),
            level: rarely(fc.integer({ min: 0, max: 6 })),
          }),
          { maxLength: 3 },
        ),
        fc.constantFrom(undefined, 1, 0.5, 2, Number.NaN),
        (kind, a, b, q, sorted, edits, rampFactor) => {
          const base = sorted ? bidsThenAsks : ladder;
          const l = base.map((o) => ({ ...o }));
          for (const e of edits) {
            const o = l[e.i % l.length];
            Object.assign(o, {
              base: e.base ?? o.base,
              reduceOnly: e.reduceOnly ?? o.reduceOnly,
              taker: e.taker ?? o.taker,
              level: e.level ?? o.level,
              marketIndex: e.otherMarket ? SOL.marketIndex + 1 : SOL.marketIndex,
            });
          }
          const x = {
            verdict: verdict(kind, Math.min(a, b), Math.max(a, b)),
            snapshot,
            market: SOL,
            positionBase: baseToInt(q / 100),
            ladder: l,
            policy,
            rampFactor,
          };
          const out = governExecution(x);
          assert.deepEqual(out, governInFull(x));
          if (out === l) passedWhole++;
        },
      ),
      { seed: 11, numRuns: 5000 },
    );
    // the check must have had both answers to compare
    assert.ok(passedWhole > 100, `passed whole ${passedWhole} times`);
  });
});
