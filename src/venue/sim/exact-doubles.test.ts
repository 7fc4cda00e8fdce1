import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EXACT_LIMIT, exactNumber, floorDiv, floorMulDiv, truncMulDiv } from './exact-doubles.ts';

const floorBig = (n: bigint, d: bigint): bigint => {
  const q = n / d;
  return n % d !== 0n && n < 0n !== d < 0n ? q - 1n : q;
};

/** A double's exact answer, or NaN: floorMulDiv may give up (NaN) only where the true result is ≥ 2^51. */
function check(a: number, b: number, d: number): void {
  const exact = (BigInt(a) * BigInt(b)) / BigInt(d);
  const got = floorMulDiv(a, b, d);
  if (Number.isNaN(got)) {
    assert.ok(exact >= 2n ** 51n, `${a}·${b}/${d}: NaN for ${exact}`);
    return;
  }
  assert.equal(BigInt(got), exact, `${a}·${b}/${d}`);
}

// integers spread over every magnitude up to 2^53 (fast-check's maxSafeNat is uniform, so mostly huge)
const magnitude = (maxBits: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxBits }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([bits, f]) => Math.min(Number.MAX_SAFE_INTEGER, Math.floor(f * 2 ** bits)));

describe('exact-doubles: integer arithmetic in doubles, checked against BigInt', () => {
  it('floorDiv is ⌊x/d⌋ for |x| < 2^52, also where the rounded quotient lands on the integer above', () => {
    for (let k = 1; k < 5000; k++) {
      const d = 2 ** 30 + k;
      const x = (2 ** 22 - k) * d - 1; // one below a multiple of d, near 2^52
      assert.equal(BigInt(floorDiv(x, d)), floorBig(BigInt(x), BigInt(d)), `${x}/${d}`);
      assert.equal(BigInt(floorDiv(-x, d)), floorBig(BigInt(-x), BigInt(d)), `${-x}/${d}`);
    }
    fc.assert(
      fc.property(magnitude(52), fc.boolean(), magnitude(47), (x0, neg, d0) => {
        const x = Math.min(x0, EXACT_LIMIT - 1) * (neg ? -1 : 1);
        const d = Math.max(1, d0);
        assert.equal(BigInt(floorDiv(x, d)), floorBig(BigInt(x), BigInt(d)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('floorMulDiv is ⌊a·b/d⌋ wherever it answers, and answers below 2^51', () => {
    fc.assert(
      fc.property(magnitude(53), magnitude(53), magnitude(48), (a, b, d0) => {
        check(a, b, Math.max(1, Math.min(d0, 2 ** 48 - 1)));
      }),
      { numRuns: 50_000 },
    );
  });

  it('the margin maths’ shapes: base (1e9) × price (1e6) / 1e9, and × ratio / 1e4', () => {
    fc.assert(
      fc.property(magnitude(50), magnitude(40), (base, price) => {
        check(base, price, 1e9);
        check(base % 2 ** 40, 10_000, 1e4);
        check(price, 1e6, Math.max(1, base % 2 ** 47));
      }),
      { numRuns: 20_000 },
    );
  });

  it('edges: products next to 2^52 and 2^53, remainders of 0 and d − 1, quotients next to an integer', () => {
    const cases: [number, number, number][] = [
      [2 ** 26, 2 ** 26, 1],
      [2 ** 26, 2 ** 26 - 1, 3],
      [2 ** 26 + 1, 2 ** 26 + 1, 7],
      [2 ** 27, 2 ** 26, 1e9],
      [2 ** 53 - 1, 2 ** 53 - 1, 2 ** 48 - 1],
      [2 ** 53 - 1, 3, 7],
      [999_999_999, 999_999_999, 1e9],
      [1e9 * 123_456, 1e6 * 150 + 1, 1e9],
      [5_000_000_000, 150_123_456, 1_000_000_000],
      [4_503_599_627_370_495, 1, 1],
      [4_503_599_627_370_496, 1, 2],
      [0, 2 ** 53 - 1, 5],
    ];
    for (const [a, b, d] of cases) check(a, b, d);
    // a·b one below or above a multiple of d, far above 2^53: the rounded quotient lands on the integer
    for (const d of [1_000_000_007, 1e9, 999_983, 10_000, 2 ** 47 - 1]) {
      for (let t = 1; t < 400; t++) {
        const a = 1 + ((t * 7919) % 2 ** 20) * d;
        if (a >= 2 ** 53) continue;
        check(a, d - 1, d); // ≡ −1 (mod d)
        check(a, d + 1, d); // ≡ +1
        check(a, 2 * d - 1, d);
      }
    }
    // a·b a multiple of d, and one less than a multiple: the two sides of an integer quotient
    for (let k = 1; k < 2000; k++) {
      const d = 1_000_000_007;
      const a = 2 ** 40 + k * 97;
      check(a, d, d);
      check(a, d - 1, d);
      check(a * 3, d + 1, d);
    }
  });

  it('truncMulDiv truncates toward zero, as BigInt division does', () => {
    fc.assert(
      fc.property(
        magnitude(50),
        fc.boolean(),
        magnitude(40),
        fc.boolean(),
        magnitude(40),
        (n0, nn, m0, mn, d0) => {
          const n = nn ? -n0 : n0;
          const m = mn ? -m0 : m0;
          const d = Math.max(1, d0);
          const got = truncMulDiv(n, m, d);
          const exact = (BigInt(n) * BigInt(m)) / BigInt(d);
          if (Number.isNaN(got)) assert.ok(exact >= 2n ** 51n || exact <= -(2n ** 51n));
          else assert.equal(BigInt(got), exact);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('operands out of range give NaN, never a wrong answer', () => {
    assert.ok(Number.isNaN(floorMulDiv(-1, 5, 3)));
    assert.ok(Number.isNaN(floorMulDiv(2 ** 53, 5, 3)));
    assert.ok(Number.isNaN(floorMulDiv(5, 5, 0)));
    assert.ok(Number.isNaN(floorMulDiv(5, 5, 2 ** 48)));
    assert.ok(Number.isNaN(floorMulDiv(2 ** 52, 2 ** 20, 1)));
    assert.ok(Number.isNaN(floorMulDiv(Number.NaN, 1, 1)));
    assert.ok(Number.isNaN(exactNumber(2n ** 52n)));
    assert.ok(Number.isNaN(exactNumber(-(2n ** 60n))));
    assert.equal(exactNumber(2n ** 52n - 1n), 2 ** 52 - 1);
    assert.equal(exactNumber(-123n, 1000), -123);
    assert.ok(Number.isNaN(exactNumber(1000n, 1000)));
  });
});
