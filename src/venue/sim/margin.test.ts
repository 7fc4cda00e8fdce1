import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMarket } from '../../domain/markets.ts';
import type { Order } from '../../domain/types.ts';
import { toAccountState } from './account-state.ts';
import { emptyPosition, type PerpPositionState } from './ledger.ts';
import {
  computeMargin,
  isLiquidatable,
  liquidationPrice,
  type MarginInputs,
  marginRatioFor,
  type PnlAssetWeights,
} from './margin.ts';

const SOL = 1_000_000_000n;
const USD = 1_000_000n;
const sol1000 = getMarket('SOL-PERP', { marginRatioInitial: 1000, marginRatioMaintenance: 500 });

function position(
  base: bigint,
  entryPrice: bigint,
  extra: Partial<PerpPositionState> = {},
): PerpPositionState {
  const quote = -(base * entryPrice) / SOL;
  return {
    ...emptyPosition(0, 0n),
    base,
    quoteAsset: quote,
    quoteEntry: quote,
    quoteBreakEven: quote,
    ...extra,
  };
}

function inputs(
  collateral: bigint,
  positions: PerpPositionState[],
  oracle: bigint,
  more: { cumLong?: bigint; weights?: PnlAssetWeights } = {},
): MarginInputs {
  return {
    collateral,
    positions,
    oraclePrice: () => oracle,
    market: () => sol1000,
    cumulativeFunding: () => ({ long: more.cumLong ?? 0n, short: 0n }),
    pnlWeights: more.weights ? () => more.weights as PnlAssetWeights : undefined,
  };
}

describe('margin (hand-computed)', () => {
  it('the known answer: 200 USDC, 10 SOL long at 100 → 5x, health 75, liquidation 84.210527', () => {
    const i = inputs(200n * USD, [position(10n * SOL, 100n * USD)], 100n * USD);
    const f = computeMargin(i);
    assert.equal(f.leverage, 5);
    assert.equal(f.health, 75);
    assert.equal(f.initialMarginRequirement, 100n * USD);
    assert.equal(f.maintenanceMarginRequirement, 50n * USD);
    assert.equal(f.freeCollateral, 100n * USD);
    assert.equal(f.totalNotional, 1000n * USD);
    assert.equal(liquidationPrice(i, 0), 84_210_527n);
    assert.equal(liquidationPrice(i, 1), undefined); // no position there
  });

  it('open orders: worst side of (base + bids, base + asks) plus $0.01 per order', () => {
    // long 10; bids 5 → 15 × 100 = 1500; asks −20 → −10 × 100 = 1000; worst is the bid side
    const p = position(10n * SOL, 100n * USD, { openOrders: 2, openBids: 5n * SOL, openAsks: -20n * SOL });
    const f = computeMargin(inputs(200n * USD, [p], 100n * USD));
    assert.equal(f.initialMarginRequirement, 150_020_000n);
    assert.equal(f.maintenanceMarginRequirement, 75_020_000n);
    assert.equal(f.leverageTenThousandths, 75_000n); // 1500 / 200, open orders included as the SDK does
    assert.equal(f.totalNotional, 1000n * USD); // notional is the position alone
  });

  it('positive pnl counts 0% for initial and 100% for maintenance by default; weights are configurable', () => {
    const i = inputs(100n * USD, [position(10n * SOL, 100n * USD)], 110n * USD); // pnl +100
    const f = computeMargin(i);
    assert.equal(f.unrealizedPnl, 100n * USD);
    assert.equal(f.initialTotalCollateral, 100n * USD);
    assert.equal(f.totalCollateral, 200n * USD);
    assert.equal(f.freeCollateral, 0n); // 100 − 110 initial requirement, floored
    const half = computeMargin({ ...i, pnlWeights: () => ({ initial: 5000, maintenance: 10_000 }) });
    assert.equal(half.initialTotalCollateral, 150n * USD);
    assert.equal(half.freeCollateral, 40n * USD);
  });

  it('negative pnl and unsettled funding count in full', () => {
    const i = inputs(200n * USD, [position(10n * SOL, 100n * USD)], 95n * USD, { cumLong: 1_000_000_000n });
    const f = computeMargin(i);
    assert.equal(f.unrealizedPnl, -50n * USD);
    assert.equal(f.unrealizedFundingPnl, -10n * USD); // 1 USDC per SOL owed by the long
    assert.equal(f.totalCollateral, 140n * USD);
    assert.equal(f.initialTotalCollateral, 140n * USD);
  });

  it('a short is liquidated above the oracle: 100 + 150 / 10.5', () => {
    const i = inputs(200n * USD, [position(-10n * SOL, 100n * USD)], 100n * USD);
    assert.equal(liquidationPrice(i, 0), 114_285_714n);
  });

  it('a USDC borrow is a liability: it adds to both requirements and to leverage', () => {
    const i = inputs(-50n * USD, [position(10n * SOL, 100n * USD)], 120n * USD); // pnl +200
    const f = computeMargin(i);
    assert.equal(f.totalCollateral, 200n * USD);
    assert.equal(f.maintenanceMarginRequirement, 110n * USD); // 1200 × 5% + 50
    assert.equal(f.initialMarginRequirement, 170n * USD);
    assert.equal(f.leverageTenThousandths, 83_333n); // (1200 + 50) / (200 − 50)
  });

  it('is liquidatable only strictly below the maintenance requirement; health follows', () => {
    // collateral 0, long 10 at 100, oracle 105: total collateral 50 < requirement 1050 × 5% = 52.5
    const below = computeMargin(inputs(0n, [position(10n * SOL, 100n * USD)], 105n * USD));
    assert.equal(isLiquidatable(below), true);
    assert.equal(below.health, 0);
    // exactly at the requirement: 52.5 collateral
    const at = computeMargin(inputs(2_500_000n, [position(10n * SOL, 100n * USD)], 105n * USD));
    assert.equal(at.totalCollateral, at.maintenanceMarginRequirement);
    assert.equal(isLiquidatable(at), false);
    const flat = computeMargin(inputs(10n * USD, [], 100n * USD));
    assert.deepEqual([flat.health, flat.leverage, isLiquidatable(flat)], [100, 0, false]);
  });
});

describe('size premium and the initial pnl cap (hand-computed)', () => {
  const withImf = (imf: number) =>
    getMarket('SOL-PERP', { marginRatioInitial: 1000, marginRatioMaintenance: 500, imfFactor: imf });

  it('the ratio is max(ratio, 4/5 ratio + √(10·size + 1) × imf / 1e7)', () => {
    // 10 SOL: √(1e11 + 1) = 316227 → 800 + 31 = 831 < 1000: no premium
    assert.equal(marginRatioFor(1000, 1000, 10n * SOL), 1000);
    // 1000 SOL: √(1e13 + 1) = 3162277 → 800 + 316 = 1116
    assert.equal(marginRatioFor(1000, 1000, 1000n * SOL), 1116);
    assert.equal(marginRatioFor(1000, 0, 1000n * SOL), 1000);
    assert.equal(marginRatioFor(500, undefined, 10n ** 15n), 500);
  });

  it('a large position needs more margin, on the worst case of its open orders too', () => {
    const i = {
      ...inputs(50_000n * USD, [position(1000n * SOL, 100n * USD)], 100n * USD),
      market: () => withImf(1000),
    };
    const f = computeMargin(i);
    // notional 100,000: initial 11.16%, maintenance max(500, 400 + 316) = 716 → 7.16%
    assert.equal(f.initialMarginRequirement, 11_160n * USD);
    assert.equal(f.maintenanceMarginRequirement, 7_160n * USD);
    const plain = computeMargin({ ...i, market: () => withImf(0) });
    assert.equal(plain.initialMarginRequirement, 10_000n * USD);
  });

  it('counts at most $100 of weighted positive pnl per position for initial margin, all of it for maintenance', () => {
    // long 10 at 100, oracle 150: +500 pnl at 100% initial weight → capped at 100; maintenance takes 500
    const i = inputs(200n * USD, [position(10n * SOL, 100n * USD)], 150n * USD, {
      weights: { initial: 10_000, maintenance: 10_000 },
    });
    const f = computeMargin(i);
    assert.equal(f.initialTotalCollateral, 300n * USD);
    assert.equal(f.totalCollateral, 700n * USD);
    assert.equal(f.freeCollateral, 300n * USD - 150n * USD); // initial requirement 1500 × 10%
  });
});

describe('toAccountState', () => {
  it('reports positions with base or unsettled quote, open orders only, and the margin figures', () => {
    const open = position(10n * SOL, 100n * USD);
    const closedUnsettled: PerpPositionState = { ...emptyPosition(1, 0n), quoteAsset: 5n * USD };
    const ordersOnly: PerpPositionState = { ...emptyPosition(28, 0n), openOrders: 1, openBids: SOL };
    const i = inputs(200n * USD, [open, closedUnsettled, ordersOnly], 100n * USD);
    const figures = computeMargin({ ...i, market: (m) => (m === 0 ? sol1000 : getMarket(m)) });
    const order = { orderId: 1, status: 'open' } as Order;
    const done = { orderId: 2, status: 'filled' } as Order;
    const s = toAccountState({
      subaccountId: 3,
      collateral: 200n * USD,
      positions: [open, closedUnsettled, ordersOnly],
      openOrders: [order, done],
      figures,
    });
    assert.equal(s.subaccountId, 3);
    assert.deepEqual(
      s.positions.map((p) => [p.marketIndex, p.base, p.quoteAsset]),
      [
        [0, 10n * SOL, -1000n * USD],
        [1, 0n, 5n * USD],
      ],
    );
    assert.deepEqual(
      s.openOrders.map((o) => o.orderId),
      [1],
    );
    assert.equal(s.totalCollateral, figures.totalCollateral);
    assert.equal(s.freeCollateral, figures.freeCollateral);
    assert.equal(s.health, figures.health);
    assert.equal(s.leverage, figures.leverage);
  });
});
