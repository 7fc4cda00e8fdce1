import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LegFigures } from './metrics-timeline.ts';
import { MetricsTimelineBuilder } from './metrics-timeline.ts';

const leg = fc
  .tuple(
    fc.oneof(fc.double(), fc.constant(0), fc.constant(-0)),
    fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(Number.NaN)),
  )
  .map(([base, oracle]) => ({ base, oracle }));
/** A row's legs: none, the run's two markets in its order, the other order, or another set of markets. */
const legs: fc.Arbitrary<LegFigures | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.tuple(leg, leg).map(([d, k]) => ({ 'DRIFT-PERP': d, 'KMNO-PERP': k })) },
  { weight: 1, arbitrary: fc.tuple(leg, leg).map(([d, k]) => ({ 'KMNO-PERP': k, 'DRIFT-PERP': d })) },
  { weight: 1, arbitrary: leg.map((s) => ({ 'SOL-PERP': s })) },
  { weight: 1, arbitrary: fc.constant({}) },
);

describe("a spread run's legs by column", () => {
  it("gives back every row's legs as pushed, keys in their order, across growth", () => {
    fc.assert(
      // up to 70 rows from a room of 16 to 40 (the builder's least is 16): most runs grow the columns at least once
      fc.property(
        fc.array(legs, { maxLength: 70, size: 'max' }),
        fc.integer({ min: 1, max: 40 }),
        (rows, expected) => {
          const b = new MetricsTimelineBuilder(expected);
          rows.forEach((l, i) => {
            b.pushFigures(i, 1000, 1, 1, false, 'APPROVE', l);
          });
          const view = b.view();
          assert.equal(view.length, rows.length);
          rows.forEach((l, i) => {
            const got = view.legs(i);
            assert.deepEqual(got, l, `row ${i}`);
            // the same keys in the same order (the metrics walk them in order), -0 and NaN kept
            if (l !== undefined && got !== undefined) {
              assert.deepEqual(Object.keys(got), Object.keys(l));
              for (const m of Object.keys(l)) {
                assert.ok(Object.is(got[m]?.base, l[m]?.base), `row ${i} ${m} base`);
                assert.ok(Object.is(got[m]?.oracle, l[m]?.oracle), `row ${i} ${m} oracle`);
              }
            }
          });
          assert.equal(view.legs(rows.length), undefined, 'past the last row');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes legs given by column as it takes them as objects', () => {
    const figures = fc.array(fc.tuple(leg, leg), { maxLength: 60, size: 'max' });
    const order = fc.constantFrom<readonly string[]>(
      ['DRIFT-PERP', 'KMNO-PERP'],
      ['KMNO-PERP', 'DRIFT-PERP'],
    );
    fc.assert(
      fc.property(figures, fc.array(order, { minLength: 60, maxLength: 60 }), (rows, orders) => {
        const byObject = new MetricsTimelineBuilder(16);
        const byColumn = new MetricsTimelineBuilder(16);
        // the same market array every row, as the research tape passes it; another order now and then
        const usual = ['DRIFT-PERP', 'KMNO-PERP'];
        rows.forEach(([a, b], i) => {
          const markets = orders[i]?.[0] === 'DRIFT-PERP' ? usual : (orders[i] as readonly string[]);
          const legs: LegFigures = { [markets[0] as string]: a, [markets[1] as string]: b };
          byObject.pushFigures(i, 1, 1, 1, false, 'APPROVE', legs);
          byColumn.pushFiguresWithLegs(i, 1, 1, 1, false, 'APPROVE', {
            markets,
            base: [a.base, b.base],
            oracle: [a.oracle, b.oracle],
          });
        });
        const [o, c] = [byObject.view(), byColumn.view()];
        rows.forEach((_, i) => {
          assert.deepEqual(c.legs(i), o.legs(i), `row ${i}`);
          assert.deepEqual(Object.keys(c.legs(i) ?? {}), Object.keys(o.legs(i) ?? {}), `row ${i} order`);
        });
      }),
      { numRuns: 200 },
    );
  });
});
