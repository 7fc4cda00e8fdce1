import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyFill,
  type CumulativeFunding,
  emptyPosition,
  entryPrice,
  fundingOwed,
  type PerpPositionState,
  settleFunding,
  settlePnl,
  trackOrderPlaced,
  trackOrderReduced,
  unrealizedFundingPnl,
  unrealizedPnl,
} from './ledger.ts';

const SOL = 1_000_000_000n; // 1 base unit
const USD = 1_000_000n; // 1 quote unit
const NO_FUNDING: CumulativeFunding = { long: 0n, short: 0n };

const buy = (base: bigint, quote: bigint, fee = 0n) => ({ side: 'buy' as const, base, quote, fee });
const sell = (base: bigint, quote: bigint, fee = 0n) => ({ side: 'sell' as const, base, quote, fee });

function long10at100(): PerpPositionState {
  return applyFill(emptyPosition(0, 0n), buy(10n * SOL, 1000n * USD), NO_FUNDING).pos;
}

describe('ledger: fills booked as Drift books them', () => {
  it('opens: quote and entry carry the cost, break-even and quote also carry the fee', () => {
    const r = applyFill(emptyPosition(0, 0n), buy(10n * SOL, 1000n * USD, 350_000n), { long: 5n, short: 7n });
    assert.equal(r.pos.base, 10n * SOL);
    assert.equal(r.pos.quoteEntry, -1000n * USD);
    assert.equal(r.pos.quoteBreakEven, -1_000_350_000n);
    assert.equal(r.pos.quoteAsset, -1_000_350_000n);
    assert.equal(r.pos.lastCumulativeFundingRate, 5n); // stamped with the long rate
    assert.equal(r.realizedPnl, 0n);
    assert.equal(entryPrice(r.pos), 100n * USD);
  });

  it('adds: entry accumulates, nothing realized', () => {
    const p = applyFill(
      applyFill(emptyPosition(0, 0n), buy(10n * SOL, 1000n * USD, 350_000n), NO_FUNDING).pos,
      buy(5n * SOL, 550n * USD, 192_500n),
      NO_FUNDING,
    );
    assert.equal(p.pos.base, 15n * SOL);
    assert.equal(p.pos.quoteEntry, -1550n * USD);
    assert.equal(p.pos.quoteBreakEven, -1_550_542_500n);
    assert.equal(p.pos.quoteAsset, -1_550_542_500n);
    assert.equal(p.realizedPnl, 0n);
  });

  it('reduces: the entry shrinks pro rata and the difference is realized', () => {
    const start = applyFill(long10at100(), buy(5n * SOL, 550n * USD), NO_FUNDING).pos; // 15 @ 103.33
    const r = applyFill(start, sell(6n * SOL, 720n * USD, 100_000n), NO_FUNDING);
    assert.equal(r.pos.base, 9n * SOL);
    assert.equal(r.pos.quoteEntry, -930n * USD); // −1550 + 1550 × 6/15
    assert.equal(r.realizedPnl, 100n * USD); // 6 × (120 − 103.333…)
    assert.equal(r.pos.quoteAsset, -1550n * USD + 720n * USD - 100_000n);
    assert.equal(r.pos.quoteBreakEven, -930n * USD - 100_000n);
  });

  it('reduces with Drift rounding: the entry removed is truncated toward zero', () => {
    const start = applyFill(emptyPosition(0, 0n), buy(3n * SOL, 1000n * USD), NO_FUNDING).pos;
    const r = applyFill(start, sell(1n * SOL, 400n * USD), NO_FUNDING);
    assert.equal(r.pos.quoteEntry, -666_666_667n); // −1000 − trunc(−1000/3)
    assert.equal(r.realizedPnl, 66_666_667n); // −333.333333 + 400
  });

  it('flips: old position realized in full, the rest opens at the fill price', () => {
    const r = applyFill(long10at100(), sell(15n * SOL, 1350n * USD), { long: 11n, short: 13n });
    assert.equal(r.pos.base, -5n * SOL);
    assert.equal(r.pos.quoteEntry, 450n * USD); // short 5 at 90
    assert.equal(r.pos.quoteBreakEven, 450n * USD);
    assert.equal(r.realizedPnl, -100n * USD); // 10 × (90 − 100)
    assert.equal(r.pos.quoteAsset, 350n * USD);
    assert.equal(r.pos.lastCumulativeFundingRate, 13n); // stamped with the short rate
  });

  it('closes: entry and funding stamp reset, the fee lands in quote but not in break-even', () => {
    const r = applyFill(long10at100(), sell(10n * SOL, 1050n * USD, 367_500n), NO_FUNDING);
    assert.equal(r.pos.base, 0n);
    assert.equal(r.pos.quoteEntry, 0n);
    assert.equal(r.pos.quoteBreakEven, 0n);
    assert.equal(r.realizedPnl, 50n * USD);
    assert.equal(r.pos.quoteAsset, 49_632_500n); // 50 − 0.3675, unsettled until settlePnl
    assert.equal(r.pos.lastCumulativeFundingRate, 0n);
  });

  it('books a maker rebate as quote received', () => {
    const r = applyFill(emptyPosition(0, 0n), sell(1n * SOL, 100n * USD, -2_500n), NO_FUNDING);
    assert.equal(r.pos.quoteAsset, 100_002_500n);
    assert.equal(r.pos.quoteBreakEven, 100_002_500n);
  });

  it('refuses malformed fills (a bug upstream, not a venue outcome)', () => {
    assert.throws(() => applyFill(emptyPosition(0, 0n), buy(0n, 0n), NO_FUNDING), /positive/);
    assert.throws(() => applyFill(emptyPosition(0, 0n), buy(1n, -1n), NO_FUNDING), /unsigned/);
  });
});

describe('ledger: funding', () => {
  it('longs pay and shorts receive when the cumulative rate rises', () => {
    const rate = 1_000_000n; // 0.001 quote per base
    assert.equal(fundingOwed(10n * SOL, 0n, rate), -10_000n);
    assert.equal(fundingOwed(-10n * SOL, 0n, rate), 10_000n);
    assert.equal(fundingOwed(10n * SOL, 0n, -rate), 10_000n); // negative funding: longs receive
  });

  it('truncates toward zero like Drift (the payer pays the rounded-down magnitude)', () => {
    assert.equal(fundingOwed(3n * SOL, 0n, 333_333_333n), -999_999n);
    assert.equal(fundingOwed(-3n * SOL, 0n, 333_333_333n), 999_999n);
    assert.equal(fundingOwed(1n, 0n, 1n), 0n);
  });

  it('settles into quote and break-even and restamps; a second settlement is zero', () => {
    const p = long10at100();
    const s = settleFunding(p, 2_000_000n, 1_000_000n);
    assert.equal(s.payment, -20_000n);
    assert.equal(s.pos.quoteAsset, p.quoteAsset - 20_000n);
    assert.equal(s.pos.quoteBreakEven, p.quoteBreakEven - 20_000n);
    assert.equal(s.pos.quoteEntry, p.quoteEntry);
    assert.equal(s.pos.lastCumulativeFundingRate, 2_000_000n);
    assert.equal(settleFunding(s.pos, 2_000_000n, 1_000_000n).payment, 0n);
    assert.equal(unrealizedFundingPnl(p, 2_000_000n, 1_000_000n), -20_000n);
  });

  it('a fill settles pending funding first, as fill_perp_order does', () => {
    const r = applyFill(long10at100(), sell(4n * SOL, 400n * USD), { long: 3_000_000n, short: 0n });
    assert.equal(r.fundingPayment, -30_000n);
    assert.equal(r.pos.quoteAsset, -1000n * USD - 30_000n + 400n * USD);
    assert.equal(r.pos.lastCumulativeFundingRate, 3_000_000n);
  });
});

describe('ledger: pnl and orders', () => {
  it('values pnl at the oracle, truncating toward zero', () => {
    assert.equal(unrealizedPnl(long10at100(), 101_500_000n), 15n * USD);
    const short: PerpPositionState = { ...emptyPosition(1, 0n), base: -3n * SOL, quoteAsset: 300n * USD };
    assert.equal(unrealizedPnl(short, 100_000_001n), -3n);
    const dust: PerpPositionState = { ...emptyPosition(1, 0n), base: -1n };
    assert.equal(unrealizedPnl(dust, 1_500_000n), 0n);
  });

  it('settles pnl into collateral without touching entry', () => {
    const p = long10at100();
    const s = settlePnl(500n * USD, p, 90n * USD);
    assert.equal(s.settled, -100n * USD);
    assert.equal(s.collateral, 400n * USD);
    assert.equal(s.pos.quoteAsset, -900n * USD);
    assert.equal(s.pos.quoteEntry, p.quoteEntry);
    assert.equal(unrealizedPnl(s.pos, 90n * USD), 0n);
  });

  it('tracks open bids (≥ 0) and asks (≤ 0) as Drift does, clamped at zero', () => {
    let p = trackOrderPlaced(emptyPosition(0, 0n), 'buy', 2n * SOL);
    p = trackOrderPlaced(p, 'sell', 3n * SOL);
    assert.deepEqual([p.openOrders, p.openBids, p.openAsks], [2, 2n * SOL, -3n * SOL]);
    p = trackOrderReduced(p, 'sell', 1n * SOL, false); // partial fill
    assert.deepEqual([p.openOrders, p.openAsks], [2, -2n * SOL]);
    p = trackOrderReduced(p, 'buy', 5n * SOL, true); // more than open: clamped
    assert.deepEqual([p.openOrders, p.openBids], [1, 0n]);
  });
});

describe('ledger: nothing drifts', () => {
  it('quoteAsset − quoteEntry equals realized pnl − fees + funding, to the micro-unit, over any fill sequence', () => {
    const step = fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      lots: fc.integer({ min: 1, max: 5000 }),
      price: fc.integer({ min: 1, max: 1_000_000_000 }),
      feeBps: fc.integer({ min: -3, max: 10 }),
      fundingMove: fc.integer({ min: -50_000_000, max: 50_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        let pos = emptyPosition(0, 0n);
        let cum = 0n;
        let realized = 0n;
        let fees = 0n;
        let funding = 0n;
        for (const s of steps) {
          cum += BigInt(s.fundingMove);
          const base = BigInt(s.lots) * 10_000_000n;
          const quote = (base * BigInt(s.price)) / SOL;
          const fee = (quote * BigInt(s.feeBps)) / 10_000n;
          const r = applyFill(pos, { side: s.side, base, quote, fee }, { long: cum, short: cum });
          pos = r.pos;
          realized += r.realizedPnl;
          fees += fee;
          funding += r.fundingPayment;
          if (pos.quoteAsset - pos.quoteEntry !== realized - fees + funding) return false;
          if (pos.base === 0n && pos.quoteEntry !== 0n) return false;
        }
        return true;
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });
});
