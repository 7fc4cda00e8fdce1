import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMarket } from '../../domain/markets.ts';
import { ResearchTape } from './research-tape.ts';

const SOL = getMarket('SOL-PERP');
const BTC = getMarket('BTC-PERP');
const MINUTE = 60_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const totals = { collateral: 1_000, fills: [], realizedPnl: 0, unrealizedPnl: 0, fundingPnl: 0, feesPaid: 0 };

describe('ResearchTape', () => {
  it('counts the bars holding the primary position, and takes the last mark for buy and hold', () => {
    const tape = new ResearchTape(
      [SOL],
      () => Number.NaN,
      () => Number.NaN,
    );
    const holding = [false, true, true, false];
    holding.forEach((h, k) => {
      tape.onBar(T0 + (k + 1) * MINUTE, 100 + k, 1_000, 100 + k, 100 + k, h, 'APPROVE', false);
    });
    const { metrics } = tape.finish(totals);
    assert.equal(metrics.exposurePct, 50);
    // first open 100, last mark 103
    assert.equal(metrics.buyAndHoldReturnPct, (103 / 100 - 1) * 100);
  });

  it('in a spread run a bar is exposed when any leg holds a position', () => {
    let btcBase = 0;
    const tape = new ResearchTape(
      [SOL, BTC],
      (i) => (i === BTC.marketIndex ? btcBase : 0),
      () => 50,
    );
    tape.onBar(T0 + MINUTE, 100, 1_000, 100, 100, false, 'APPROVE', false);
    btcBase = -0.5;
    tape.onBar(T0 + 2 * MINUTE, 100, 1_000, 100, 100, false, 'APPROVE', false);
    tape.onBar(T0 + 3 * MINUTE, 100, 1_000, 100, 100, false, 'APPROVE', false);
    assert.equal(tape.finish(totals).metrics.exposurePct, (2 / 3) * 100);
  });
});
