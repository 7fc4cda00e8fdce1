import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import { getMarket } from '../../../domain/markets.ts';
import { emptyPosition, type PerpPositionState } from '../../sim/ledger.ts';
import { createOfflineDrift } from './harness.ts';

const drift = createOfflineDrift();

/** 10 SOL long bought at 100 (quote −1000), no fees. */
const tenSolLong = (): PerpPositionState => ({
  ...emptyPosition(0, 0n),
  base: 10_000_000_000n,
  quoteAsset: -1_000_000_000n,
  quoteEntry: -1_000_000_000n,
  quoteBreakEven: -1_000_000_000n,
});

describe('offline SDK harness', () => {
  it('reproduces the known answer: 200 USDC, 10 SOL long at 100, ratios 1000/500', () => {
    const sol = getMarket('SOL-PERP', { marginRatioInitial: 1000, marginRatioMaintenance: 500 });
    const f = drift.evaluate({
      collateral: 200_000_000n,
      positions: [tenSolLong()],
      oraclePrices: { 0: 100_000_000n },
      markets: { 0: sol },
    });
    assert.equal(f.leverageTenThousandths, 50_000n); // 5x
    assert.equal(f.health, 75);
    assert.equal(f.liquidationPrices[0], 84_210_527n); // 100 − 150/9.5
    assert.equal(f.totalCollateralMaintenance, 200_000_000n);
    assert.equal(f.maintenanceMarginRequirement, 50_000_000n);
    assert.equal(f.initialMarginRequirement, 100_000_000n);
    assert.equal(f.freeCollateral, 100_000_000n);
    assert.equal(f.unrealizedPnl, 0n);
    assert.equal(f.canBeLiquidated, false);
  });

  it('serves the SDK a new state on every call (no leftovers from the previous one)', () => {
    const sol = getMarket('SOL-PERP', { marginRatioInitial: 1000, marginRatioMaintenance: 500 });
    const a = drift.evaluate({ collateral: 50_000_000n, positions: [], oraclePrices: { 0: 100_000_000n } });
    assert.equal(a.totalCollateralInitial, 50_000_000n);
    assert.equal(a.leverageTenThousandths, 0n);
    assert.equal(a.health, 100);
    const b = drift.evaluate({
      collateral: 60_000_000n,
      positions: [tenSolLong()],
      oraclePrices: { 0: 95_000_000n },
      markets: { 0: sol },
    });
    // pnl −50 → total collateral 10; maintenance requirement 950 × 5% = 47.5 → liquidatable
    assert.equal(b.unrealizedPnl, -50_000_000n);
    assert.equal(b.totalCollateralMaintenance, 10_000_000n);
    assert.equal(b.canBeLiquidated, true);
    assert.equal(b.health, 0);
  });

  it('never opens a socket: the SDK maths run offline', () => {
    const sockets: unknown[] = [];
    const onSocket = (m: unknown) => sockets.push(m);
    diagnostics.subscribe('net.client.socket', onSocket);
    try {
      const fresh = createOfflineDrift();
      const f = fresh.evaluate({ collateral: 1n, positions: [tenSolLong()], oraclePrices: { 0: 1n } });
      assert.equal(f.unrealizedPnl, -1_000_000_000n + 10n);
    } finally {
      diagnostics.unsubscribe('net.client.socket', onSocket);
    }
    assert.equal(sockets.length, 0);
  });
});
