import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RiskRuleId, Verdict, VerdictKind } from '../domain/intent.ts';
import { hasSignature, verdictSignature } from './verdict-signature.ts';

/**
 * The signature as it was first written: one key string per verdict, compared as strings. The part-by-part
 * comparison must agree with it on every pair of verdicts (−0 and 0, NaN, infinities, flatten flags included).
 */
function keyOf(v: Verdict, size: number): string {
  const lv = (x: number): number =>
    Number.isFinite(x) ? Math.trunc(x / size) : x > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  let key = `${v.kind}|${lv(v.band.minBase)}|${lv(v.band.maxBase)}|${v.flatten?.taker ?? '-'}`;
  for (const r of v.reasons) key += `|${r.rule}:${r.action}`;
  return key;
}

const kinds: VerdictKind[] = ['APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'];
const rules: RiskRuleId[] = [
  'A_liquidation_buffer',
  'B_leverage',
  'C_daily_loss',
  'F_divergence',
  'V_volatility',
];
const edge = fc.constantFrom(0, -0, 0.49, -0.49, 0.5, -0.5, 1, -1.2, Number.NaN, Infinity, -Infinity);
const base = fc.oneof(edge, fc.double({ min: -5, max: 5, noNaN: true }));

const verdict: fc.Arbitrary<Verdict> = fc.record({
  kind: fc.constantFrom(...kinds),
  band: fc.record({
    kind: fc.constant('band' as const),
    marketIndex: fc.constant(0),
    minBase: base,
    maxBase: base,
    preferredBase: fc.constant(0),
  }),
  reasons: fc.array(
    fc.record({
      rule: fc.constantFrom(...rules),
      action: fc.constantFrom(...kinds),
      measured: fc.constant(1),
      limit: fc.constant(1),
      message: fc.constant(''),
    }),
    { maxLength: 3 },
  ),
  flatten: fc.option(fc.record({ sinceTs: fc.constant(0), taker: fc.boolean() }), { nil: undefined }),
});

describe('verdict signature', () => {
  it('hasSignature agrees with comparing the key strings', () => {
    const setup = { grid: { baseSizePerLevel: 0.5 } };
    fc.assert(
      fc.property(verdict, verdict, (a, b) => {
        assert.equal(hasSignature(a, verdictSignature(b, setup), setup), keyOf(a, 0.5) === keyOf(b, 0.5));
      }),
      { numRuns: 3000 },
    );
    // pairs that differ only by one part are the ones random pairs rarely make
    fc.assert(
      fc.property(verdict, base, (a, minBase) => {
        const b: Verdict = { ...a, band: { ...a.band, minBase } };
        assert.equal(hasSignature(a, verdictSignature(b, setup), setup), keyOf(a, 0.5) === keyOf(b, 0.5));
        assert.ok(hasSignature(a, verdictSignature(a, setup), setup));
      }),
      { numRuns: 3000 },
    );
  });
});
