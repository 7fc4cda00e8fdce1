import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FundingTracker } from './tracker.ts';

const H = 3_600_000;

describe('FundingTracker', () => {
  it('estimates continuously, reconciles against the settled truth and records the difference', () => {
    // long 10 SOL, rate 0.01 USDC per SOL per hour (longs pay)
    const t = new FundingTracker({ marketIndex: 0, startTs: 0, position: 10, ratePerBase: 0.01 });
    assert.ok(t.estimate(0) === 0);
    assert.ok(Math.abs(t.estimate(H / 2) - -0.05) < 1e-12, 'half an hour: −10 × 0.01 × ½');
    // at 30 min the position doubles: the second half accrues at 20
    t.onPosition(H / 2, 20);
    assert.ok(Math.abs(t.estimate(H) - -0.15) < 1e-12);
    // Drift charges the position held at the update the whole hour: 20 × 0.01 = 0.20 paid
    const r = t.onSettlement({
      ts: H,
      marketIndex: 0,
      base: 20_000_000_000n,
      rate: 10_000_000n,
      amount: -200_000n,
    });
    assert.deepEqual(r, {
      ts: H,
      marketIndex: 0,
      estimated: -150_000n,
      settled: -200_000n,
      difference: -50_000n,
    });
    // the accrual restarts at the settlement
    assert.equal(t.estimate(H), 0);
  });

  it('follows rate changes and short positions (shorts receive when the rate is positive)', () => {
    const t = new FundingTracker({ marketIndex: 30, startTs: 0, position: -1000, ratePerBase: 0.0002 });
    t.onRate(H / 4, -0.0004); // first quarter: +1000 × 0.0002 × ¼ = +0.05; then shorts pay
    // remaining three quarters: −(−1000) × (−0.0004) × ¾ = −0.3 → total −0.25
    assert.ok(Math.abs(t.estimate(H) - -0.25) < 1e-12);
    const r = t.onSettlement({
      ts: H,
      marketIndex: 30,
      base: -1_000_000_000_000n,
      rate: -400_000n,
      amount: -400_000n,
    });
    assert.equal(r.estimated, -250_000n);
    assert.equal(r.difference, -150_000n);
    // second hour, estimate matches the truth exactly: zero difference
    const r2 = t.onSettlement({
      ts: 2 * H,
      marketIndex: 30,
      base: -1_000_000_000_000n,
      rate: -400_000n,
      amount: -400_000n,
    });
    assert.equal(r2.estimated, -400_000n);
    assert.equal(r2.difference, 0n);
    assert.deepEqual(t.totals(2 * H), { settled: -800_000n, pendingEstimate: 0, difference: -150_000n });
    assert.equal(t.reconciliations().length, 2);
  });

  it('rejects updates out of time order and payments for another market', () => {
    const t = new FundingTracker({ marketIndex: 0, startTs: 1000 });
    assert.throws(() => t.onPosition(999, 1), /time order/);
    assert.throws(
      () => t.onSettlement({ ts: 2000, marketIndex: 1, base: 0n, rate: 0n, amount: 0n }),
      /market 1 sent to market 0/,
    );
  });
});
