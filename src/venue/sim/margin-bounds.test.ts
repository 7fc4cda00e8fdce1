import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MarketSpec } from '../../domain/markets.ts';
import { type CumulativeFunding, emptyPosition, type PerpPositionState } from './ledger.ts';
import { computeMargin, liquidationPrice, type MarginInputs } from './margin.ts';
import { type FigureBounds, figureBoundsOver } from './margin-bounds.ts';
import { type DoublesMarket, planMargin } from './margin-doubles.ts';
import { gridCollateral, gridPosition } from './test-support/grid-accounts.ts';
import { int, marginSpecs, scaled, wildPositionArb } from './test-support/integer-arbitraries.ts';

/** Without and with a size premium (imf), so both margin-ratio paths are taken. */
const SPECS: MarketSpec[] = marginSpecs();

interface Case {
  collateral: bigint;
  positions: PerpPositionState[];
  /** The market the bounds are asked for. */
  marketIndex: number;
  cumulative: CumulativeFunding[];
  /** The interval, PRICE integers. */
  lo: number;
  hi: number;
  /** Where in it to compare (0..1), the ends always. */
  points: number[];
}

/** A position of any magnitude (the margin property tests' integers). */
const wildPosition = wildPositionArb;

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    price: fc.double({ min: 0.001, max: 100_000, noNaN: true }),
    down: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true })),
    up: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true })),
    points: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
    marketIndex: fc.integer({ min: 0, max: 1 }),
    // which positions: none, the asked market's, the other's, or both
    held: fc.constantFrom('none', 'asked', 'asked', 'asked', 'other', 'both'),
    wild: fc.boolean(),
    seedA: fc.nat(),
    cumulative: fc.tuple(int(10n ** 12n), int(10n ** 12n), int(10n ** 12n), int(10n ** 12n)),
  })
  .chain((r) => {
    const other = 1 - r.marketIndex;
    const pos = (i: number) => (r.wild ? wildPosition(i) : gridPosition(i, r.price));
    return fc
      .record({
        collateral: r.wild ? scaled(11) : gridCollateral,
        asked: pos(r.marketIndex),
        other: pos(other),
      })
      .map((p): Case => {
        const P = Math.round(r.price * 1e6);
        const positions =
          r.held === 'none'
            ? []
            : r.held === 'asked'
              ? [p.asked]
              : r.held === 'other'
                ? [p.other]
                : [p.asked, p.other];
        return {
          collateral: p.collateral,
          positions,
          marketIndex: r.marketIndex,
          cumulative: [
            { long: r.cumulative[0], short: r.cumulative[1] },
            { long: r.cumulative[2], short: r.cumulative[3] },
          ],
          lo: Math.floor(P * (1 - r.down)),
          hi: Math.ceil(P * (1 + r.up)),
          points: r.points,
        };
      });
  });

/** The BigInt inputs of the case with the asked market's oracle at PRICE integer `price` (the other's fixed). */
const inputsAt = (c: Case, price: number): MarginInputs => ({
  collateral: c.collateral,
  positions: c.positions,
  oraclePrice: (i) => (i === c.marketIndex ? BigInt(price) : 123_456_789n),
  market: (i) => SPECS[i],
  cumulativeFunding: (i) => c.cumulative[i],
});

function boundsOf(c: Case): FigureBounds | undefined {
  const markets: DoublesMarket[] = SPECS.map((spec, i) => ({
    spec,
    oracleNum: Number.NaN,
    cumulative: c.cumulative[i],
  }));
  const plan = planMargin(
    c.collateral,
    new Map(c.positions.map((p) => [p.marketIndex, p])),
    (i) => markets[i],
  );
  return plan === undefined ? undefined : figureBoundsOver(plan, c.marketIndex, c.lo, c.hi);
}

/** The figures at `price` lie inside the bounds (what the backtest's extremes certificate rests on). */
function assertInside(c: Case, b: FigureBounds, price: number): void {
  const inputs = inputsAt(c, price);
  const f = computeMargin(inputs);
  const liq = liquidationPrice(inputs, c.marketIndex);
  const at = `at ${price} in [${c.lo}, ${c.hi}]`;
  assert.ok(f.leverage <= b.leverageHi, `leverage ${f.leverage} above ${b.leverageHi} ${at}`);
  assert.ok(f.health >= b.healthLo, `health ${f.health} below ${b.healthLo} ${at}`);
  if (b.liquidation === 'none') assert.equal(liq, undefined, `a liquidation price ${at}`);
  else if (b.liquidation === 'below')
    assert.ok(liq === undefined || Number(liq) <= b.liquidationBound, `liq ${liq} above the bound ${at}`);
  else assert.ok(liq !== undefined && Number(liq) >= b.liquidationBound, `liq ${liq} below the bound ${at}`);
}

describe('figureBoundsOver', () => {
  it('bounds the simulator’s own figures at every price of the interval (property)', () => {
    let answered = 0;
    let priced = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = boundsOf(c);
        const elsewhere = c.positions.some(
          (p) =>
            p.marketIndex !== c.marketIndex && (p.base !== 0n || p.quoteAsset !== 0n || p.openOrders !== 0),
        );
        if (b === undefined) return;
        assert.ok(!elsewhere, 'no bounds for an account active on another market');
        answered++;
        if (b.liquidation !== 'none') priced++;
        const span = c.hi - c.lo;
        for (const price of [c.lo, c.hi, ...c.points.map((t) => c.lo + Math.round(t * span))]) {
          assertInside(c, b, price);
        }
      }),
      { numRuns: 20_000, seed: 17 },
    );
    assert.ok(answered > 7_000, `bounds given for only ${answered} of 20,000`);
    assert.ok(priced > 4_500, `a liquidation price bounded for only ${priced}`);
  });

  it('over a single price they are the figures themselves (no slack: the bounds are not loose)', () => {
    let compared = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const one = { ...c, hi: c.lo };
        const b = boundsOf(one);
        if (b === undefined) return;
        compared++;
        const inputs = inputsAt(one, one.lo);
        const f = computeMargin(inputs);
        const liq = liquidationPrice(inputs, c.marketIndex);
        assert.equal(b.leverageHi, f.leverage);
        // the requirement bound takes the larger side's term: the health is the figure's but on a rare tie
        assert.ok(b.healthLo <= f.health && b.healthLo >= f.health - 1);
        if (liq !== undefined) assert.equal(b.liquidationBound, Number(liq));
      }),
      { numRuns: 5_000, seed: 18 },
    );
    assert.ok(compared > 1_800, `compared only ${compared}`);
  });

  it('gives none for an account that holds another market, or whose net value may reach zero', () => {
    const spec = SPECS[0];
    const markets: DoublesMarket[] = SPECS.map((s) => ({
      spec: s,
      oracleNum: 100,
      cumulative: { long: 0n, short: 0n },
    }));
    const long = { ...emptyPosition(0, 0n), base: 10_000_000_000n, quoteAsset: -1_000_000_000n };
    const planOf = (collateral: bigint, ps: PerpPositionState[]) => {
      const plan = planMargin(collateral, new Map(ps.map((p) => [p.marketIndex, p])), (i) => markets[i]);
      assert.ok(plan);
      return plan;
    };
    // 10 SOL bought at $100 on $100: NAV = 100 + 10·(P − 100), zero at $90
    const thin = planOf(100_000_000n, [long]);
    assert.ok(figureBoundsOver(thin, spec.marketIndex, 95_000_000, 105_000_000));
    assert.equal(figureBoundsOver(thin, spec.marketIndex, 89_000_000, 105_000_000), undefined);
    const both = planOf(100_000_000n, [long, { ...long, marketIndex: 1 }]);
    assert.equal(figureBoundsOver(both, 0, 99_000_000, 101_000_000), undefined);
    const flat = figureBoundsOver(planOf(100_000_000n, []), 0, 1, 2 ** 40);
    assert.deepEqual(flat, { leverageHi: 0, healthLo: 100, liquidation: 'none', liquidationBound: 0 });
  });
});
