/**
 * The spread bot over the real Drift DRIFT-PERP / KMNO-PERP hourly candles (data/drift/price).
 * About 23% of DRIFT hours and 63% of KMNO hours are zero-volume candles whose oracle is a repeat, not a
 * reading: on those hours the bot must not open anything. It must still trade on the fresh hours.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDriftCandles } from '../../data/index.ts';
import type { Candle } from '../../data/types.ts';
import { initialSpreadState, spreadCycle } from './cycle.ts';
import { spreadParams } from './params.ts';
import { applyFills, snap } from './test-support/fixtures.ts';
import { DRIFT_MARKET_INDEX as D, KMNO_MARKET_INDEX as K, type LegPosition } from './types.ts';

const DATA = new URL('../../../data/drift/price/', import.meta.url);
const load = async (name: string): Promise<Candle[]> =>
  (await loadDriftCandles(fileURLToPath(new URL(name, DATA)))).candles;

/** A snapshot from a candle: mark = last fill, a 10 bps wide book around it, the candle's stale flag. */
const fromCandle = (marketIndex: number, c: Candle) =>
  snap(marketIndex, c.close, {
    ts: c.ts,
    bid: c.close * (1 - 0.0005),
    ask: c.close * (1 + 0.0005),
    oracle: c.oracleClose ?? c.close,
    oracleStale: c.oracleStale ?? false,
  });

describe('spread bot on the real Drift hourly candles', () => {
  it('never opens on a stale hour, and does trade on fresh ones', async () => {
    const [drift, kmno] = await Promise.all([load('drift_1h_90days.json'), load('kmno_1h_90days.json')]);
    const kmnoByTs = new Map(kmno.map((c) => [c.ts, c]));
    const hours = drift.filter((c) => kmnoByTs.has(c.ts));
    assert.ok(hours.length > 2000, `aligned hours ${hours.length}`);

    const params = spreadParams({ driftQuantity: 100, kmnoQuantity: 1000 });
    let state = initialSpreadState(params);
    let positions: LegPosition[] = [];
    let staleHours = 0;
    let entries = 0;
    let exits = 0;
    for (const d of hours) {
      const k = kmnoByTs.get(d.ts) as Candle;
      const stale = Boolean(d.oracleStale || k.oracleStale);
      const before = state.holding;
      const r = spreadCycle(
        state,
        { ts: d.ts, drift: fromCandle(D, d), kmno: fromCandle(K, k), positions, lastOrderResults: [] },
        params,
      );
      const opening = r.orders.filter((o) => !o.reduceOnly);
      if (stale) {
        staleHours += 1;
        assert.deepEqual(opening, [], `opening order on stale hour ${new Date(d.ts).toISOString()}`);
        assert.equal(r.state.holding, before, 'no direction change on a stale hour');
      }
      if (opening.length > 0 && r.state.holding !== 'FLAT') entries += 1;
      if (before !== 'FLAT' && r.state.holding !== before) exits += 1;
      positions = applyFills(positions, r.orders);
      state = r.state;
      assert.equal(state.health.status, 'HEALTHY');
    }
    assert.ok(
      staleHours > hours.length / 2,
      `stale hours ${staleHours} of ${hours.length}: the data has its quirk`,
    );
    assert.ok(entries >= 2, `entries ${entries}`);
    assert.ok(exits >= 1, `exits ${exits}`);
  });
});
