import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MarketSpec } from '../../domain/markets.ts';
import { emptyPosition, type PerpPositionState } from './ledger.ts';
import { computeMargin, liquidationPrice, type MarginFigures, type MarginInputs } from './margin.ts';
import {
  type DoublesMarket,
  liquidationPriceAt,
  liquidationPriceInDoubles,
  marginAt,
  marginInDoubles,
  planMargin,
  priceInteger,
} from './margin-doubles.ts';
import {
  int,
  marginSpecs,
  openAsksArb,
  openBidsArb,
  positionFrom,
  scaled,
} from './test-support/integer-arbitraries.ts';

/** Without and with a size premium (imf), so both margin-ratio paths are taken. */
const SPECS: MarketSpec[] = marginSpecs();

interface Case {
  collateral: bigint;
  positions: PerpPositionState[];
  markets: DoublesMarket[];
}

const positionArb = (marketIndex: number) =>
  fc
    .record({
      base: fc.oneof(scaled(13), int(2n ** 50n)),
      quoteAsset: fc.oneof(scaled(12), int(2n ** 50n)),
      openBids: openBidsArb,
      openAsks: openAsksArb,
      openOrders: fc.integer({ min: 0, max: 32 }),
      last: int(10n ** 12n),
    })
    .map((r): PerpPositionState => positionFrom(marketIndex, r));

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    collateral: fc.oneof(scaled(12), int(2n ** 50n)),
    held: fc.subarray([0, 1], { minLength: 0 }),
    positions: fc.tuple(positionArb(0), positionArb(1)),
    oracles: fc.tuple(
      fc.double({ min: 1e-6, max: 2e6, noNaN: true }),
      fc.double({ min: 1e-6, max: 2e6, noNaN: true }),
    ),
    cumulative: fc.tuple(int(10n ** 13n), int(10n ** 13n), int(10n ** 13n), int(10n ** 13n)),
  })
  .map((r) => ({
    collateral: r.collateral,
    positions: r.held.map((i) => r.positions[i]),
    markets: SPECS.map((spec, i) => ({
      spec,
      oracleNum: Math.max(r.oracles[i], 1e-6),
      cumulative: { long: r.cumulative[2 * i], short: r.cumulative[2 * i + 1] },
    })),
  }));

function bigIntInputs(c: Case): MarginInputs {
  return {
    collateral: c.collateral,
    positions: c.positions,
    oraclePrice: (i) => BigInt(priceInteger(c.markets[i].oracleNum)),
    market: (i) => c.markets[i].spec,
    cumulativeFunding: (i) => c.markets[i].cumulative,
  };
}

const positionsOf = (c: Case) => new Map(c.positions.map((p) => [p.marketIndex, p]));
/** The figures as a plain object (the doubles' figures are a class with getters). */
const plain = (f: MarginFigures): MarginFigures => (f as { toJSON?: () => MarginFigures }).toJSON?.() ?? f;

/** Every input below 2^40 and prices below $100k: the doubles must answer (and agree). */
const modest = (c: Case): boolean =>
  [c.collateral, ...c.positions.flatMap((p) => [p.base, p.quoteAsset, p.openBids, p.openAsks])].every(
    (v) => v < 2n ** 40n && v > -(2n ** 40n),
  ) && c.markets.every((m) => m.oracleNum < 1e5);

describe('margin in doubles: the BigInt path’s integers, or none', () => {
  it('margin figures equal computeMargin’s wherever the doubles answer, and they answer for ordinary accounts', () => {
    let answered = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const fast = marginInDoubles(c.collateral, positionsOf(c), (i) => c.markets[i]);
        if (fast === undefined) {
          assert.ok(!modest(c), 'an ordinary account must not need the BigInt path');
          return;
        }
        answered++;
        assert.deepEqual(plain(fast), computeMargin(bigIntInputs(c)));
      }),
      { numRuns: 20_000 },
    );
    assert.ok(answered > 4_000, `the doubles answered only ${answered} of 20,000`);
  });

  it('the liquidation price equals liquidationPrice’s wherever the doubles answer', () => {
    let answered = 0;
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 1 }), (c, marketIndex) => {
        const fast = liquidationPriceInDoubles(
          c.collateral,
          positionsOf(c),
          (i) => c.markets[i],
          marketIndex,
        );
        const exact = liquidationPrice(bigIntInputs(c), marketIndex);
        if (Number.isNaN(fast)) {
          // a dust position's price may lie beyond any price (a quotient too large), or below zero
          const ordinary = modest(c) && exact !== undefined && exact < 2n ** 48n;
          assert.ok(!ordinary, 'an ordinary account must not need the BigInt path');
          return;
        }
        answered++;
        assert.equal(fast < 0 ? undefined : BigInt(fast), exact);
      }),
      { numRuns: 20_000 },
    );
    assert.ok(answered > 4_000, `the doubles answered only ${answered} of 20,000`);
  });

  it('a figure read twice is the same BigInt, and the lazy figures list every field computeMargin returns', () => {
    const c: Case = {
      collateral: 1_000_000_000n,
      positions: [
        { ...emptyPosition(0, 0n), base: 5_000_000_000n, quoteAsset: -750_000_000n, openOrders: 3 },
      ],
      markets: SPECS.map((spec) => ({ spec, oracleNum: 151.234567, cumulative: { long: 0n, short: 0n } })),
    };
    const fast = marginInDoubles(c.collateral, positionsOf(c), (i) => c.markets[i]) as MarginFigures;
    assert.equal(fast.totalCollateral, fast.totalCollateral);
    const exact = computeMargin(bigIntInputs(c));
    assert.deepEqual(Object.keys(plain(fast)).sort(), Object.keys(exact).sort());
    assert.equal(exact.totalCollateral, 1_006_172_835n);
    assert.deepEqual(plain(fast), exact);
  });

  it('inputs beyond 2^48 and more than 8 positions take the BigInt path', () => {
    const markets = SPECS.map((spec) => ({ spec, oracleNum: 100, cumulative: { long: 0n, short: 0n } }));
    const huge = new Map([[0, { ...emptyPosition(0, 0n), base: 2n ** 49n }]]);
    assert.equal(
      marginInDoubles(0n, huge, (i) => markets[i]),
      undefined,
    );
    assert.ok(Number.isNaN(liquidationPriceInDoubles(0n, huge, (i) => markets[i], 0)));
    assert.equal(
      marginInDoubles(2n ** 60n, new Map(), (i) => markets[i]),
      undefined,
    );
    const many = new Map(
      Array.from(
        { length: 9 },
        (_, i) => [i, { ...emptyPosition(i % 2, 0n), base: 1_000_000_000n }] as const,
      ),
    );
    assert.equal(
      marginInDoubles(1_000_000n, many, (i) => markets[i % 2]),
      undefined,
    );
  });
});

describe('a margin plan priced at moving oracles', () => {
  // The simulator plans an account once per state and prices the plan at every bar's oracle (margin-memo.ts):
  // each pricing must be what the BigInt path computes from scratch at that oracle.
  it('gives computeMargin’s figures and liquidationPrice’s prices at every oracle it is priced at', () => {
    let priced = 0;
    // each step moves both oracles; the figures are asked first (the liquidation price then takes their sums) or
    // not at all (it computes its own)
    const walk = fc.array(
      fc.tuple(
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.boolean(),
      ),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(caseArb, walk, (c, moves) => {
        const plan = planMargin(c.collateral, positionsOf(c), (i) => c.markets[i]);
        assert.ok(plan !== undefined, 'two positions are always planned');
        for (const [a, b, figuresFirst] of moves) {
          // the plan reads the markets' oracles when priced: move them in place, as the simulator does
          c.markets[0].oracleNum *= a;
          c.markets[1].oracleNum *= b;
          const fast: MarginFigures | undefined = figuresFirst ? marginAt(plan) : undefined;
          if (fast !== undefined) {
            priced++;
            assert.deepEqual(plain(fast), computeMargin(bigIntInputs(c)));
          }
          for (const marketIndex of [0, 1]) {
            const liq = liquidationPriceAt(plan, marketIndex);
            if (!Number.isNaN(liq))
              assert.equal(liq < 0 ? undefined : BigInt(liq), liquidationPrice(bigIntInputs(c), marketIndex));
          }
        }
      }),
      { seed: 17, numRuns: 3_000 },
    );
    assert.ok(priced > 1_500, `the plans answered only ${priced} times`);
  });
});
