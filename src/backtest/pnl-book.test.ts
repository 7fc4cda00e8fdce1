import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BASE_PRECISION } from '../domain/precision.ts';
import type { VenueEvent } from '../domain/types.ts';
import { Drawdown } from './drawdown.ts';
import { PnlBook } from './pnl-book.ts';

const B = BASE_PRECISION;
const fill = (side: 'buy' | 'sell', base: bigint, price: bigint, fee = 0n): VenueEvent => ({
  type: 'filled',
  ts: 0,
  subaccountId: 0,
  remainingBase: 0n,
  fill: {
    ts: 0,
    marketIndex: 0,
    orderId: 1,
    userOrderId: 1,
    side,
    price,
    base,
    quote: (base * price) / B,
    fee,
    maker: true,
    reduceOnly: false,
  },
});

describe('PnL book', () => {
  it('books open, partial close and flip with hand-computed figures', () => {
    const b = new PnlBook();
    b.onEvent(fill('buy', 10n * B, 100_000_000n, 1_000n)); // long 10 @ 100
    assert.equal(b.realized(), 0n);
    assert.equal(
      b.unrealized(() => 110_000_000n),
      100_000_000n,
      '+10 × 10 USDC',
    );
    b.onEvent(fill('sell', 4n * B, 110_000_000n)); // close 4 @ 110: +40
    assert.equal(b.realized(), 40_000_000n);
    b.onEvent(fill('sell', 10n * B, 90_000_000n)); // close 6 @ 90 (−60), open short 4 @ 90
    assert.equal(b.realized(), -20_000_000n);
    assert.equal(b.base(0), -4n * B);
    assert.equal(
      b.unrealized(() => 80_000_000n),
      40_000_000n,
      'short 4 from 90 to 80',
    );
    assert.equal(b.fees, 1_000n);
    assert.equal(b.fills, 3);
  });

  it('realized + unrealized is the mark-to-market of all trades, exactly, for any sequence', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            buy: fc.boolean(),
            base: fc.bigInt({ min: 1n, max: 50n * B }),
            price: fc.bigInt({ min: 1_000n, max: 500_000_000n }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.bigInt({ min: 1_000n, max: 500_000_000n }),
        (trades, oracle) => {
          const b = new PnlBook();
          let base = 0n;
          for (const t of trades) {
            b.onEvent(fill(t.buy ? 'buy' : 'sell', t.base, t.price));
            base += t.buy ? t.base : -t.base;
          }
          const mtm = b.cash + (base * oracle) / B;
          return b.realized() + b.unrealized(() => oracle) === mtm && b.base(0) === base;
        },
      ),
      { seed: 11 },
    );
  });
});

describe('equity in doubles', () => {
  it('is the BigInt sum, to the micro-USDC, after any trades and funding (NaN only beyond 2^48)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            buy: fc.boolean(),
            // any base, and multiples of a market's step (0.01 and 0.5 SOL), whose reduced product takes the
            // one-division path of truncMulDiv
            base: fc.oneof(
              fc.bigInt({ min: 1n, max: 50n * B }),
              fc.bigInt({ min: 1n, max: 2n ** 50n }),
              fc.bigInt({ min: 1n, max: 5_000n }).map((k) => k * (B / 100n)),
              fc.bigInt({ min: 1n, max: 100n }).map((k) => k * (B / 2n)),
            ),
            price: fc.bigInt({ min: 1n, max: 5_000_000_000n }),
            funding: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
          }),
          { minLength: 0, maxLength: 40 },
        ),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 5_000_000_000n }),
        (trades, deposit, oracle) => {
          const b = new PnlBook();
          for (const t of trades) {
            b.onEvent(fill(t.buy ? 'buy' : 'sell', t.base, t.price));
            const funding = { marketIndex: 0, amount: t.funding };
            b.onEvent({ type: 'funding', ts: 0, subaccountId: 0, payment: funding } as never);
          }
          const exact = deposit + b.realized() + b.unrealized(() => oracle) + b.funding - b.fees;
          const fast = b.equityInDoubles(Number(deposit), () => Number(oracle));
          if (Number.isNaN(fast)) {
            const parts = [b.base(0), b.cash, b.fees, b.funding, b.realized(), b.unrealized(() => oracle)];
            const big = parts.some((v) => v >= 2n ** 46n || v <= -(2n ** 46n));
            assert.ok(big, `NaN for an ordinary book (${exact})`);
          } else assert.equal(BigInt(fast), exact);
          assert.equal(b.baseUnits(0), Number(b.base(0)) / 1e9);
        },
      ),
      { seed: 12, numRuns: 2000 },
    );
  });
});

describe('drawdown', () => {
  it('is the largest fall from a running peak, exactly', () => {
    const d = new Drawdown();
    for (const v of [1_000_000_000n, 1_100_000_001n, 900_000_000n, 1_200_000_000n, 1_150_000_000n]) d.push(v);
    assert.equal(d.max, 200_000_001n);
  });
});

describe('drawdown in doubles', () => {
  it('gives the BigInt record’s figure for any mix of integer doubles and BigInts', () => {
    const value = fc.oneof(
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((v) => ({ big: false, v: BigInt(v) })),
      fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map((v) => ({ big: true, v })),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), (values) => {
        const reference = new Drawdown();
        const mixed = new Drawdown();
        for (const { big, v } of values) {
          reference.push(v);
          if (big) mixed.push(v);
          else mixed.pushInteger(Number(v));
        }
        assert.equal(mixed.max, reference.max);
      }),
      { seed: 5, numRuns: 2000 },
    );
  });
});
