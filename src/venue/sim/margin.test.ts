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
