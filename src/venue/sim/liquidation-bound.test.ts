import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MarketSpec } from '../../domain/markets.ts';
import { type CumulativeFunding, emptyPosition, type PerpPositionState } from './ledger.ts';
import { holdersSafeAlong, liquidationBoundOf, safeFromLiquidation } from './liquidation-bound.ts';
import { computeMargin, isLiquidatable } from './margin.ts';
import { priceInteger } from './margin-doubles.ts';
import type { SimMarket, SimSubaccount } from './state.ts';
import { int, marginSpecs, scaled, wildPositionArb } from './test-support/integer-arbitraries.ts';

/** Without and with a size premium (imf), so both margin-ratio paths are taken. */
const SPECS: MarketSpec[] = marginSpecs();

interface Case {
  collateral: bigint;
  pos: PerpPositionState;
  spec: MarketSpec;
  cumulative: CumulativeFunding;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    spec: fc.constantFrom(...SPECS),
    collateral: scaled(11),
    long: int(10n ** 12n),
    short: int(10n ** 12n),
  })
  .chain((r) =>
    wildPositionArb(r.spec.marketIndex).map((pos) => ({
      collateral: r.collateral,
      spec: r.spec,
      cumulative: { long: r.long, short: r.short },
      pos,
    })),
  );

/** The simulator's full check, in BigInt (margin.ts): total collateral below the maintenance requirement. */
function liquidatableAt(c: Case, price: bigint): boolean {
  return isLiquidatable(
    computeMargin({
      collateral: c.collateral,
      positions: [c.pos],
      oraclePrice: () => price,
      market: () => c.spec,
      cumulativeFunding: () => c.cumulative,
    }),
  );
}

/** A price: anywhere, or right at and beside the bound's edges (where a wrong rounding would show). */
const pick = (c: Case, choice: number, anywhere: bigint): bigint | undefined => {
  const b = liquidationBoundOf(c.collateral, c.pos, c.spec, c.cumulative);
  const edges = [b.lo - 1, b.lo, b.lo + 1, b.hi - 1, b.hi, b.hi + 1].filter(
    (p) => Number.isFinite(p) && p >= 0 && p < 2 ** 53,
  );
  if (choice === 0 || edges.length === 0) return anywhere;
  return BigInt(edges[choice % edges.length]);
};

describe('liquidationBoundOf', () => {
  it('a price inside the bound is never liquidatable by the full check', () => {
    let inside = 0;
    fc.assert(
      fc.property(caseArb, fc.nat(6), scaled(12), (c, choice, anywhere) => {
        const price = pick(c, choice, anywhere < 0n ? -anywhere : anywhere);
        if (price === undefined) return;
        const b = liquidationBoundOf(c.collateral, c.pos, c.spec, c.cumulative);
        const p = Number(price);
        if (p >= b.lo && p <= b.hi) {
          inside++;
          assert.equal(liquidatableAt(c, price), false, `price ${price} inside [${b.lo}, ${b.hi}]`);
        }
      }),
      { numRuns: 20_000 },
    );
    // the property said something: many of the prices fell inside a bound
    assert.ok(inside > 2_000, `only ${inside} prices inside a bound`);
  });

  it('covers an ordinary account: a 2x long is safe from just above its liquidation price up', () => {
    const spec = SPECS[0];
    // 10 SOL long bought at 100 (quote −1000), 500 USDC, orders of 2 SOL each side
    const pos: PerpPositionState = {
      ...emptyPosition(spec.marketIndex, 0n),
      base: 10_000_000_000n,
      quoteAsset: -1_000_000_000n,
      openBids: 2_000_000_000n,
      openAsks: -2_000_000_000n,
      openOrders: 2,
    };
    const c: Case = { collateral: 500_000_000n, pos, spec, cumulative: { long: 0n, short: 0n } };
    const b = liquidationBoundOf(c.collateral, pos, spec, c.cumulative);
    assert.equal(b.hi, 2 ** 53);
    // liquidatable somewhere below the bound, never inside it
    assert.ok(b.lo > 40_000_000 && b.lo < 60_000_000, `lo ${b.lo}`);
    assert.equal(liquidatableAt(c, BigInt(b.lo)), false);
    assert.equal(liquidatableAt(c, 40_000_000n), true);
  });

  it('is empty for an account already under water at every price', () => {
    const spec = SPECS[0];
    const pos = { ...emptyPosition(spec.marketIndex, 0n), openOrders: 1 };
    const b = liquidationBoundOf(-1n, pos, spec, { long: 0n, short: 0n });
    assert.ok(b.lo > b.hi);
  });
});

describe('safeFromLiquidation', () => {
  const spec = SPECS[0];
  const market = { spec, cumulative: { long: 0n, short: 0n } } as unknown as SimMarket;
  const long = (base: bigint): PerpPositionState => ({
    ...emptyPosition(spec.marketIndex, 0n),
    base,
    quoteAsset: -(base / 10n), // bought at 100
  });
  const subWith = (collateral: bigint, pos: PerpPositionState[]): SimSubaccount =>
    ({ collateral, positions: new Map(pos.map((p) => [p.marketIndex, p])) }) as unknown as SimSubaccount;
  const at = (sub: SimSubaccount, m: SimMarket, price: number) => safeFromLiquidation(sub, m, price, price);

  it('keeps the bound while the state holds and makes it again when the state changes', () => {
    const sub = subWith(100_000_000n, [long(1_000_000_000n)]);
    assert.equal(at(sub, market, 100_000_000), true);
    const first = sub.liquidationBound;
    assert.equal(at(sub, market, 90_000_000), true);
    assert.equal(sub.liquidationBound, first, 'the same state keeps its bound');
    // a larger position (a new ledger object): 100 SOL long on 100 USDC goes under near 99
    sub.positions.set(spec.marketIndex, long(100_000_000_000n));
    assert.equal(at(sub, market, 90_000_000), false);
    assert.notEqual(sub.liquidationBound, first);
    // new collateral (a deposit) and new cumulative funding each make it again
    const second = sub.liquidationBound;
    sub.collateral = 10_000_000_000n;
    assert.equal(at(sub, market, 90_000_000), true);
    assert.notEqual(sub.liquidationBound, second);
    const third = sub.liquidationBound;
    const moved = { ...market, cumulative: { long: 1n, short: 1n } } as SimMarket;
    at(sub, moved, 90_000_000);
    assert.notEqual(sub.liquidationBound, third);
  });

  it('asks the whole range to be inside the bound', () => {
    const sub = subWith(100_000_000n, [long(10_000_000_000n)]);
    const b = liquidationBoundOf(sub.collateral, long(10_000_000_000n), spec, market.cumulative);
    assert.ok(b.lo > 0 && b.lo < 100_000_000);
    assert.equal(safeFromLiquidation(sub, market, b.lo, 100_000_000), true);
    assert.equal(safeFromLiquidation(sub, market, b.lo - 1, 100_000_000), false);
  });

  it('does not decide for an account with more than one position, or an unknown price', () => {
    const other = { ...long(1_000_000_000n), marketIndex: spec.marketIndex + 1 };
    assert.equal(at(subWith(10n ** 12n, [long(1n), other]), market, 100_000_000), false);
    assert.equal(at(subWith(10n ** 12n, [long(1n)]), market, Number.NaN), false);
  });
});

describe('holdersSafeAlong', () => {
  const spec = SPECS[0];
  const pos = (base: bigint): PerpPositionState => ({
    ...emptyPosition(spec.marketIndex, 0n),
    base,
    quoteAsset: -(base / 10n),
  });
  const marketWith = (...holders: SimSubaccount[]) =>
    ({ spec, cumulative: { long: 0n, short: 0n }, holders }) as unknown as SimMarket;
  const subWith = (collateral: bigint, p: PerpPositionState) =>
    ({ collateral, positions: new Map([[p.marketIndex, p]]) }) as unknown as SimSubaccount;

  it('is true only when every holder is safe at every point of the path', () => {
    const safe = subWith(1_000_000_000n, pos(1_000_000_000n)); // 1 SOL long on 1000 USDC
    const thin = subWith(60_000_000n, pos(10_000_000_000n)); // 10 SOL long on 60 USDC: under below ~98.95
    assert.equal(holdersSafeAlong(marketWith(safe), [101, 99, 100], 3), true);
    assert.equal(holdersSafeAlong(marketWith(safe, thin), [101, 100.5, 100.2], 3), true);
    // the low point reaches the thin account's liquidation: the full check must run
    assert.equal(holdersSafeAlong(marketWith(safe, thin), [101, 95, 100.2], 3), false);
    // only the first n points count
    assert.equal(holdersSafeAlong(marketWith(thin), [101, 100.5, 95], 2), true);
    assert.equal(holdersSafeAlong(marketWith(safe), [101, Number.NaN, 100], 3), false);
  });

  it('matches the full check: where it says safe, no holder is liquidatable at any point', () => {
    fc.assert(
      fc.property(
        fc.array(caseArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 10 ** 9 }), { minLength: 1, maxLength: 3 }),
        fc.nat(6),
        (cases, anywhere, choice) => {
          // one market: every case's position moved into SOL-PERP, each its own subaccount
          const holders = cases.map((c) =>
            subWith(c.collateral, { ...c.pos, marketIndex: spec.marketIndex }),
          );
          const m = marketWith(...holders);
          // a point at or beside an edge of the first holder's bound, where an off-by-one would show
          const edge = pick({ ...cases[0], spec, cumulative: m.cumulative }, choice, 0n);
          const prices = edge === undefined || edge === 0n ? anywhere : [...anywhere, Number(edge)];
          const path = prices.map((p) => p / 1e6);
          if (!holdersSafeAlong(m, path, path.length)) return;
          for (const [k, c] of cases.entries()) {
            const pos = holders[k].positions.get(spec.marketIndex) as PerpPositionState;
            // at the PRICE integer the simulator's exact check makes of the point
            for (const usd of path) {
              const price = BigInt(priceInteger(usd));
              assert.equal(liquidatableAt({ ...c, spec, pos, cumulative: m.cumulative }, price), false);
            }
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
