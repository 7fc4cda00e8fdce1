import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../data/types.ts';
import { MarketSnapshotBuilder } from './snapshot-builder.ts';

const MIN = 60_000;
const bar = (ts: number, close: number, extra: Partial<Candle> = {}): Candle => ({
  ts,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
  ...extra,
});

describe('MarketSnapshotBuilder', () => {
  it('mark, bid/ask around it, divergence, next funding on the hour, ts at the bar close', () => {
    const b = new MarketSnapshotBuilder({ marketIndex: 30, spreadBps: 10 });
    const t0 = Date.UTC(2025, 2, 1, 10, 44);
    const s = b.onBar(bar(t0, 100, { oracleClose: 99.5 }), 15 * MIN);
    assert.equal(s.ts, t0 + 15 * MIN);
    assert.equal(s.mark, 100);
    assert.equal(s.bid, 100 * (1 - 0.0005));
    assert.equal(s.ask, 100 * (1 + 0.0005));
    assert.equal(s.oracle, 99.5);
    assert.equal(s.divergence, 0.5 / 99.5);
    assert.equal(s.oracleStale, false);
    assert.equal(s.oracleAgeMs, 0);
    // bar closes at 10:59 → next funding 11:00
    assert.equal(s.nextFundingTs, Date.UTC(2025, 2, 1, 11, 0));
    assert.equal(s.marketIndex, 30);
  });

  it('an unobserved oracle (export gap): last observation carried with its age, the bar price as estimate, not stale', () => {
    const b = new MarketSnapshotBuilder({ marketIndex: 30, oracleStaleMs: 30 * MIN });
    const q = 15 * MIN;
    b.onBar(bar(0, 1.0, { oracleClose: 1.01 }), q);
    let s = b.onBar(bar(q, 1.02, { oracleClose: 1.01, oracleStale: true }), q);
    assert.equal(s.oracleObserved, false);
    assert.equal(s.lastObservedOracle, 1.01, 'the last observation is carried forward');
    assert.equal(s.oracle, 1.02, "the bar's own price is the estimate");
    assert.equal(s.divergence, 0, 'no divergence is read into an estimate');
    assert.equal(s.oracleAgeMs, q);
    assert.equal(s.oracleStale, false, 'a gap in the export is not a stale oracle');
    b.onBar(bar(2 * q, 1.03, { oracleClose: 1.01, oracleStale: true }), q);
    s = b.onBar(bar(3 * q, 1.04, { oracleClose: 1.01, oracleStale: true }), q);
    assert.equal(s.oracleAgeMs, 3 * q, 'the age keeps growing past the limit');
    assert.equal(s.oracleStale, false);
    s = b.onBar(bar(4 * q, 1.05, { oracleClose: 1.049 }), q);
    assert.equal(s.oracleObserved, true);
    assert.equal(s.oracle, 1.049);
    assert.equal(s.lastObservedOracle, 1.049);
    assert.equal(s.oracleAgeMs, 0);
    assert.equal(s.oracleStale, false);
  });

  it('a live oracle whose slot lags is stale once the lag passes the limit', () => {
    const b = new MarketSnapshotBuilder({ marketIndex: 30, oracleStaleMs: 30_000 });
    let s = b.onBar(bar(0, 1.0, { oracleClose: 1.0, oracleLagMs: 2_000 }), 15_000);
    assert.equal(s.oracleAgeMs, 2_000);
    assert.equal(s.oracleStale, false);
    s = b.onBar(bar(15_000, 1.0, { oracleClose: 1.0, oracleLagMs: 45_000 }), 15_000);
    assert.equal(s.oracleObserved, true);
    assert.equal(s.oracleAgeMs, 45_000);
    assert.equal(s.oracleStale, true);
  });

  it('uses the mark as oracle for sources without one, unless told not to', () => {
    const withMark = new MarketSnapshotBuilder({ marketIndex: 0 });
    const s = withMark.onBar(bar(0, 150), MIN);
    assert.equal(s.oracle, 150);
    assert.equal(s.oracleStale, false);
    const without = new MarketSnapshotBuilder({ marketIndex: 0, oracleFromMark: false });
    const t = without.onBar(bar(0, 150), MIN);
    assert.equal(t.oracleStale, true);
    assert.equal(t.oracleAgeMs, Number.POSITIVE_INFINITY);
  });

  it('takes the funding rate from records as an hourly fraction', () => {
    const b = new MarketSnapshotBuilder({ marketIndex: 0 });
    b.onBar(bar(0, 150), MIN);
    b.onFunding({ ts: 3_600_000, rateFraction: 0.0008, periodHours: 8 });
    assert.equal(b.current.fundingRate, 0.0001);
    assert.equal(b.current.nextFundingTs, 2 * 3_600_000);
    const kept = b.snapshot();
    b.onBar(bar(3_600_000, 151), MIN);
    assert.equal(kept.mark, 150, 'snapshot() is a copy');
    assert.equal(b.current.mark, 151);
  });

  it('without funding records, estimates Drift’s formula from mark and oracle; a record takes over', () => {
    const t0 = Date.UTC(2025, 2, 1, 10, 0);
    // mark = oracle: the rate is the 1/5000 daily premium alone, longs pay about 0.00083% an hour (7.3%/yr)
    const even = new MarketSnapshotBuilder({ marketIndex: 0, contractTier: 'A' });
    for (let i = 0; i < 30; i++) even.onBar(bar(t0 + i * MIN, 100, { oracleClose: 100 }), MIN);
    assert.ok(Math.abs(even.current.fundingRate - 1 / 5000 / 24) < 1e-12, `${even.current.fundingRate}`);
    // mark 1% over the oracle: the premium plus 1/5000, per day, paid hourly
    const rich = new MarketSnapshotBuilder({ marketIndex: 0, contractTier: 'A' });
    for (let i = 0; i < 30; i++) rich.onBar(bar(t0 + i * MIN, 101, { oracleClose: 100 }), MIN);
    assert.ok(Math.abs(rich.current.fundingRate - (0.01 + 1 / 5000) / 24) < 1e-12);
    // 5% over: clamped at oracle / 33 for a tier-A market, oracle / 20 for tier C
    const clamped = (tier: 'A' | 'C') => {
      const b = new MarketSnapshotBuilder({ marketIndex: 0, contractTier: tier });
      for (let i = 0; i < 30; i++) b.onBar(bar(t0 + i * MIN, 105, { oracleClose: 100 }), MIN);
      return b.current.fundingRate;
    };
    assert.ok(Math.abs(clamped('A') - 1 / 33 / 24) < 1e-12);
    assert.ok(Math.abs(clamped('C') - 1 / 20 / 24) < 1e-12);
    // a funding record is the truth from then on
    rich.onFunding({ ts: t0 + 31 * MIN, rateFraction: -0.0001, periodHours: 1 });
    rich.onBar(bar(t0 + 31 * MIN, 101, { oracleClose: 100 }), MIN);
    assert.equal(rich.current.fundingRate, -0.0001);
  });

  it('vol rises with larger moves (annualised realised vol of log returns)', () => {
    const calm = new MarketSnapshotBuilder({ marketIndex: 0, volWindow: 10 });
    const wild = new MarketSnapshotBuilder({ marketIndex: 0, volWindow: 10 });
    for (let i = 0; i < 30; i++) {
      calm.onBar(bar(i * MIN, 100 * (i % 2 ? 1.001 : 1)), MIN);
      wild.onBar(bar(i * MIN, 100 * (i % 2 ? 1.01 : 1)), MIN);
    }
    assert.ok(calm.current.vol > 0);
    assert.ok(wild.current.vol > 9 * calm.current.vol);
  });
});
