import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarketSnapshot } from '../domain/snapshot.ts';
import { testAccount } from '../domain/test-support/accounts.ts';
import type { AccountState } from '../domain/types.ts';
import { FundingBook } from './funding-book.ts';

const HOUR = 3_600_000;
const account = (base: bigint): AccountState =>
  testAccount({
    positions: [{ marketIndex: 0, base, quoteEntry: 0n, quoteAsset: 0n, lastCumulativeFundingRate: 0n }],
  });
const snap = { oracle: 100, fundingRate: 0.0001 } as MarketSnapshot; // 0.01 USDC per base per hour

describe('funding book', () => {
  it('estimates between settlements and records the difference against what the venue settled', () => {
    const book = new FundingBook([0]);
    book.observe(0, account(10_000_000_000n), () => snap); // long 10
    book.observe(HOUR / 2, account(10_000_000_000n), () => snap);
    assert.ok(Math.abs(book.pending(HOUR / 2) - -0.05) < 1e-12, 'half an hour of 10 × 0.01 paid');
    // The venue charges the whole hour: −0.1 USDC (Drift charges the position held at the update).
    book.settle({ ts: HOUR, marketIndex: 0, base: 10_000_000_000n, rate: 10_000_000n, amount: -100_000n });
    const [row] = book.rows(HOUR);
    assert.equal(row.settled, -100_000n);
    assert.equal(row.estimated, -100_000n, 'a full hour at a steady rate: the estimate was right');
    assert.equal(book.pending(HOUR), 0);
    // Next hour the position doubles half way: estimate 0.15, the venue charges 0.2.
    book.observe(HOUR + HOUR / 2, account(20_000_000_000n), () => snap);
    book.settle({
      ts: 2 * HOUR,
      marketIndex: 0,
      base: 20_000_000_000n,
      rate: 10_000_000n,
      amount: -200_000n,
    });
    const [after] = book.rows(2 * HOUR);
    assert.equal(after.settled, -300_000n);
    assert.equal(after.estimated, -250_000n);
  });

  it('continues from a restart baseline', () => {
    const book = new FundingBook([0, 1], new Map([[0, { settled: -1_000n, difference: -10n }]]));
    const rows = book.rows(0);
    assert.deepEqual(rows, [
      { marketIndex: 0, settled: -1_000n, estimated: -990n },
      { marketIndex: 1, settled: 0n, estimated: 0n },
    ]);
  });
});
