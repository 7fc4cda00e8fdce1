import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { testAccount, testOrder } from '../domain/test-support/accounts.ts';
import type { AccountState, Order } from '../domain/types.ts';
import { exposureOf, worstCaseBaseOf } from './account-figures.ts';

const arbOrder = fc
  .record({
    marketIndex: fc.constantFrom(0, 1),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    base: fc.bigInt({ min: 1n, max: 10n ** 13n }),
    filledPart: fc.double({ min: 0, max: 1, noNaN: true }),
    unfilled: fc.boolean(),
    status: fc.constantFrom('open' as const, 'filled' as const, 'cancelled' as const),
  })
  .map((r) =>
    testOrder({
      marketIndex: r.marketIndex,
      side: r.side,
      base: r.base,
      status: r.status,
      filledBase: r.unfilled ? 0n : (r.base * BigInt(Math.floor(r.filledPart * 1000))) / 1000n,
    }),
  );

const account = (openOrders: Order[], base: bigint): AccountState =>
  testAccount({
    openOrders,
    positions:
      base === 0n
        ? []
        : [{ marketIndex: 0, base, quoteEntry: -base / 10n, quoteAsset: 0n, lastCumulativeFundingRate: 0n }],
  });

describe('account exposure', () => {
  it('sums what each open order of the market has left, as the BigInt difference would', () => {
    fc.assert(
      fc.property(
        fc.array(arbOrder, { maxLength: 24 }),
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        (orders, base) => {
          const a = account(orders, base);
          let bids = 0;
          let asks = 0;
          for (const o of orders) {
            if (o.marketIndex !== 0 || o.status !== 'open') continue;
            const left = Number(o.base - o.filledBase) / 1e9;
            if (o.side === 'buy') bids += left;
            else asks += left;
          }
          const e = exposureOf(a, 0);
          assert.equal(e.openBidBase, bids);
          assert.equal(e.openAskBase, asks);
          assert.equal(e.positionBase, Number(base) / 1e9);
          const pos = Number(base) / 1e9;
          assert.equal(worstCaseBaseOf(a, 0), Math.max(Math.abs(pos + bids), Math.abs(pos - asks)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
