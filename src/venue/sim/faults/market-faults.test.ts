import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateCandles } from '../../../data/synthetic.ts';
import type { Candle, MarketEvent } from '../../../data/types.ts';
import { emptyFaultCounts, type MarketFaultRates, NO_FAULTS } from './fault-config.ts';
import { injectMarketFaults } from './market-faults.ts';
import { createPrng } from './prng.ts';

const MIN = 60_000;
const clean: MarketEvent[] = generateCandles(600, { seed: 3, startPrice: 100 }).flatMap((c, i) => {
  const bar: MarketEvent = {
    type: 'bar',
    market: 'SOL-PERP',
    candle: { ...c, oracleOpen: c.open, oracleHigh: c.high, oracleLow: c.low, oracleClose: c.close },
    intervalMs: MIN,
  };
  return i % 60 === 0 && i > 0
    ? [
        { type: 'funding', market: 'SOL-PERP', record: { ts: c.ts, rateFraction: 0.00001, periodHours: 1 } },
        bar,
      ]
    : [bar];
});
const rates = (r: Partial<MarketFaultRates>): MarketFaultRates => ({ ...NO_FAULTS.market, ...r });
const candles = (evs: MarketEvent[]): Candle[] => evs.flatMap((e) => (e.type === 'bar' ? [e.candle] : []));

describe('market faults', () => {
  it('with no faults returns the stream unchanged', () => {
    const out = injectMarketFaults(clean, NO_FAULTS.market, 1, emptyFaultCounts());
    assert.deepEqual(out.events, clean);
    assert.equal(out.injected.length, 0);
  });

  it('a price gap moves the market by gapPct within gapBars and it stays there', () => {
    const counts = emptyFaultCounts();
    const out = injectMarketFaults(clean, rates({ priceGap: 0.01, gapPct: 30, gapBars: [3, 3] }), 5, counts);
    const gap = out.injected.find((f) => f.kind === 'priceGap');
    assert.ok(gap, 'a gap was injected');
    assert.equal(counts.priceGap, out.injected.filter((f) => f.kind === 'priceGap').length);
    const cleanC = candles(clean);
    const faulty = candles(out.events);
    const i = cleanC.findIndex((c) => c.ts === gap.ts);
    const ratio = (faulty[i + 2] as Candle).close / (cleanC[i + 2] as Candle).close;
    assert.ok(
      Math.abs(ratio - (1 + (gap.move as number))) < 1e-9,
      `after 3 bars the move is complete (${ratio})`,
    );
    // Every candle stays a valid bar.
    for (const c of faulty)
      assert.ok(c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close));
  });

  it('stale oracle runs freeze the oracle with a growing slot lag; missing oracle runs drop the fields', () => {
    const stale = injectMarketFaults(clean, rates({ staleOracle: 0.02 }), 9, emptyFaultCounts());
    const lagging = candles(stale.events).filter((c) => (c.oracleLagMs ?? 0) > 0);
    assert.ok(lagging.length > 0);
    for (const c of lagging)
      assert.equal(c.oracleStale, false, 'a live oracle that lags is observed, not a gap');
    // The lag grows by one bar per bar within a run.
    const lags = lagging.map((c) => c.oracleLagMs as number);
    assert.ok(lags.some((l, i) => i > 0 && l > (lags[i - 1] as number)));
    const missing = injectMarketFaults(clean, rates({ missingOracle: 0.02 }), 9, emptyFaultCounts());
    assert.ok(candles(missing.events).some((c) => c.oracleClose === undefined));
  });

  it('funding spikes are 0.5–2 % per hour; missing bars disappear; the same seed gives the same stream', () => {
    const r = rates({ fundingSpike: 1, missingBar: 0.05 });
    const a = injectMarketFaults(clean, r, 11, emptyFaultCounts());
    for (const e of a.events) {
      if (e.type === 'funding')
        assert.ok(Math.abs(e.record.rateFraction) >= 0.005 && Math.abs(e.record.rateFraction) <= 0.02);
    }
    assert.ok(candles(a.events).length < 600);
    assert.deepEqual(injectMarketFaults(clean, r, 11, emptyFaultCounts()), a);
    assert.notDeepEqual(injectMarketFaults(clean, r, 12, emptyFaultCounts()).events, a.events);
  });
});

describe('prng', () => {
  it('is deterministic and honours its bounds', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    for (let i = 0; i < 100; i++) {
      const x = a.int(3, 7);
      assert.equal(x, b.int(3, 7));
      assert.ok(x >= 3 && x <= 7);
    }
    assert.equal(a.chance(0), false);
    assert.equal(a.chance(1), true);
  });
});
