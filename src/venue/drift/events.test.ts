import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testAccount } from '../../domain/test-support/accounts.ts';
import type { Order, Position } from '../../domain/types.ts';
import { diffAccountStates, type PolledAccount } from './events.ts';
import type { DriftUserTotals } from './polled-ledger.ts';

const order = (orderId: number, extra: Partial<Order> = {}): Order => ({
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: 2_000_000_000n,
  price: 100_000_000n,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: orderId + 100,
  orderId,
  filledBase: 0n,
  status: 'open',
  placedTs: 0,
  ...extra,
});
const position = (base: bigint, extra: Partial<Position> = {}): Position => ({
  marketIndex: 0,
  base,
  quoteEntry: 0n,
  quoteAsset: 0n,
  lastCumulativeFundingRate: 0n,
  ...extra,
});
const state = (
  openOrders: Order[],
  positions: Position[] = [],
  totals: Partial<DriftUserTotals> = {},
): PolledAccount => ({
  ...testAccount({ subaccountId: 4, positions, openOrders }),
  totals: { cumulativePerpFunding: 0n, settledPerpPnl: 0n, ...totals },
});

describe('diffAccountStates (polling events)', () => {
  it('reports a new order as accepted', () => {
    const e = diffAccountStates(state([]), state([order(1)]), 50);
    assert.deepEqual(e, [{ type: 'accepted', ts: 50, subaccountId: 4, order: order(1) }]);
  });

  it('reports growth of an open order’s filled amount as a fill at its price', () => {
    const e = diffAccountStates(
      state([order(1)]),
      state([order(1, { filledBase: 500_000_000n })], [position(500_000_000n)]),
      60,
    );
    assert.equal(e.length, 1);
    assert.ok(e[0].type === 'filled');
    assert.equal(e[0].fill.base, 500_000_000n);
    assert.equal(e[0].fill.quote, 50_000_000n);
    assert.equal(e[0].fill.maker, true);
    assert.equal(e[0].fill.userOrderId, 101);
    assert.equal(e[0].remainingBase, 1_500_000_000n);
  });

  it('tells a vanished order filled (position moved by its remainder) from one cancelled', () => {
    const filled = diffAccountStates(state([order(1)]), state([], [position(2_000_000_000n)]), 70);
    assert.deepEqual(
      filled.map((e) => e.type),
      ['filled'],
    );
    const cancelled = diffAccountStates(state([order(1)]), state([]), 70);
    assert.deepEqual(
      cancelled.map((e) => (e.type === 'cancelled' ? [e.type, e.orderId, e.userOrderId] : e.type)),
      [['cancelled', 1, 101]],
    );
    // Two vanished buys, the position grew by one's size: one fill, one cancel — not two fills.
    const both = diffAccountStates(state([order(1), order(2)]), state([], [position(2_000_000_000n)]), 70);
    assert.deepEqual(
      both.map((e) => e.type),
      ['filled', 'cancelled'],
    );
  });

  it('reports funding as the change of cumulativePerpFunding, on the market whose stamp moved', () => {
    const before = position(1_000_000_000n, { quoteAsset: -100_000_000n, lastCumulativeFundingRate: 10n });
    // Drift's formula: −Δrate × base / (FUNDING_RATE × BASE / QUOTE) = −250_000_000 × 1e9 / 1e12 = −250_000.
    const after = position(1_000_000_000n, {
      quoteAsset: -100_250_000n,
      lastCumulativeFundingRate: 250_000_010n,
    });
    const e = diffAccountStates(
      state([], [before]),
      state([], [after], { cumulativePerpFunding: -250_000n }),
      80,
    );
    assert.deepEqual(e, [
      {
        type: 'funding',
        ts: 80,
        subaccountId: 4,
        payment: { ts: 80, marketIndex: 0, base: 1_000_000_000n, rate: 250_000_000n, amount: -250_000n },
      },
    ]);
  });

  it("books a fill's fee from the quote change: a maker rebate on a buy", () => {
    // Bought 2 at 100 as maker with a 2 bps rebate (40_000): quote −200 + 0.04.
    const e = diffAccountStates(
      state([order(1)]),
      state([], [position(2_000_000_000n, { quoteAsset: -199_960_000n })]),
      90,
    );
    assert.ok(e[0]?.type === 'filled');
    assert.equal(e[0].fill.quote, 200_000_000n);
    assert.equal(e[0].fill.fee, -40_000n);
  });

  it("shares one window's fees over its fills by quote, and the total is exact", () => {
    const sells = [
      order(1, { side: 'sell', base: 1_000_000_000n, price: 101_000_000n }),
      order(2, { side: 'sell', base: 3_000_000_000n, price: 102_000_000n }),
    ];
    const before = position(4_000_000_000n, { quoteAsset: -400_000_000n, lastCumulativeFundingRate: 7n });
    // Both filled and the position closed; its pnl (407 − 400 − fees 0.081_001) settled into collateral.
    const fees = 81_001n;
    const settled = 101_000_000n + 306_000_000n - 400_000_000n - fees;
    const e = diffAccountStates(state(sells, [before]), state([], [], { settledPerpPnl: settled }), 95);
    const fills = e.flatMap((x) => (x.type === 'filled' ? [x.fill] : []));
    assert.deepEqual(
      fills.map((f) => f.orderId),
      [1, 2],
    );
    assert.equal(fills[0].fee + fills[1].fee, fees);
    assert.equal(fills[0].fee, (fees * 101_000_000n) / 407_000_000n);
    assert.deepEqual(
      e.filter((x) => x.type === 'funding'),
      [],
    );
  });

  it('gives funding settled on a position that then closed to that market, and keeps it out of the fees', () => {
    const before = position(-1_000_000_000n, { quoteAsset: 100_000_000n, lastCumulativeFundingRate: 5n });
    // Funding +30_000 received at the fill, then the short was bought back at 99 (taker fee 9_900), settled.
    const funding = 30_000n;
    const fee = 9_900n;
    const settled = 100_000_000n + funding - 99_000_000n - fee;
    const e = diffAccountStates(
      state(
        [order(1, { side: 'buy', base: 1_000_000_000n, price: 99_000_000n, postOnly: 'none' })],
        [before],
      ),
      state([], [], { cumulativePerpFunding: funding, settledPerpPnl: settled }),
      99,
    );
    const filled = e.find((x) => x.type === 'filled');
    const paid = e.find((x) => x.type === 'funding');
    assert.ok(filled?.type === 'filled' && paid?.type === 'funding');
    assert.equal(filled.fill.fee, fee);
    assert.equal(filled.fill.maker, false);
    assert.equal(paid.payment.amount, funding);
    assert.equal(paid.payment.marketIndex, 0);
    assert.equal(paid.payment.base, -1_000_000_000n);
  });

  it("settled pnl alone (a keeper's settle_pnl) is neither a fill, a fee nor funding", () => {
    const before = position(1_000_000_000n, { quoteAsset: -90_000_000n, lastCumulativeFundingRate: 3n });
    const after = { ...before, quoteAsset: -100_000_000n };
    assert.deepEqual(
      diffAccountStates(state([], [before]), state([], [after], { settledPerpPnl: 10_000_000n }), 5),
      [],
    );
  });

  it('emits nothing when nothing changed', () => {
    assert.deepEqual(
      diffAccountStates(state([order(1)], [position(1n)]), state([order(1)], [position(1n)]), 1),
      [],
    );
  });
});
