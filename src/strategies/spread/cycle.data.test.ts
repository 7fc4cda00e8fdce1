/**
 * The spread bot's pure cycle over the real Drift DRIFT-PERP / KMNO-PERP hourly candles (data/drift/price),
 * through the same snapshot builder the bots use. About 23% of DRIFT hours and 63% of KMNO hours are
 * zero-volume candles whose oracle is a repeat: a gap in the export, not a stale oracle on Drift
 * (data/README.md). Those hours carry the last observation with its age and use the bar's prices as the
 * estimate, so the signal moves on every aligned hour and no hour is skipped as stale.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDriftCandles } from '../../data/index.ts';
import type { Candle } from '../../data/types.ts';
import { MarketSnapshotBuilder } from '../../marketdata/snapshot-builder.ts';
import { initialSpreadState } from './bot-state.ts';
import { spreadCycle } from './cycle.ts';
import { spreadParams } from './params.ts';
import { applyFills, deepBook } from './test-support/fixtures.ts';
import { DRIFT_MARKET_INDEX as D, KMNO_MARKET_INDEX as K, type LegPosition } from './types.ts';

const DATA = new URL('../../../data/drift/price/', import.meta.url);
const load = async (name: string): Promise<Candle[]> =>
  (await loadDriftCandles(fileURLToPath(new URL(name, DATA)))).bars.toCandles();
const HOUR = 3_600_000;

describe('spread bot on the real Drift hourly candles', () => {
  it('reads unobserved oracles as estimates, not stale: the signal moves every hour and the pair trades', async () => {
    const [drift, kmno] = await Promise.all([load('drift_1h_90days.json'), load('kmno_1h_90days.json')]);
    const kmnoByTs = new Map(kmno.map((c) => [c.ts, c]));
    const hours = drift.filter((c) => kmnoByTs.has(c.ts));
    assert.ok(hours.length > 2000, `aligned hours ${hours.length}`);

    const builders = [
      new MarketSnapshotBuilder({ marketIndex: D }),
      new MarketSnapshotBuilder({ marketIndex: K }),
    ];
    const params = spreadParams({ driftQuantity: 100, kmnoQuantity: 1000 });
    let state = initialSpreadState(params);
    let positions: LegPosition[] = [];
    let unobserved = 0;
    let entries = 0;
    let exits = 0;
    for (const d of hours) {
      const k = kmnoByTs.get(d.ts) as Candle;
      if (d.oracleStale || k.oracleStale) unobserved += 1;
      const drift = { ...builders[0].onBar(d, HOUR) };
      const kmnoSnap = { ...builders[1].onBar(k, HOUR) };
      assert.equal(drift.oracleStale || kmnoSnap.oracleStale, false, 'no replayed hour is a stale oracle');
      const before = state.holding;
      const r = spreadCycle(
        state,
        {
          ts: d.ts + HOUR,
          drift: { ...drift, book: deepBook(drift) },
          kmno: { ...kmnoSnap, book: deepBook(kmnoSnap) },
          positions,
          lastOrderResults: [],
        },
        params,
      );
      if (r.orders.some((o) => !o.reduceOnly) && r.state.holding !== 'FLAT') entries += 1;
      if (before !== 'FLAT' && r.state.holding !== before) exits += 1;
      positions = applyFills(positions, r.orders);
      state = r.state;
      assert.equal(state.health.status, 'HEALTHY');
    }
    assert.ok(
      unobserved > hours.length / 2,
      `unobserved hours ${unobserved} of ${hours.length}: the data's quirk`,
    );
    process.stderr.write(
      `real hourly data: ${hours.length} hours, ${unobserved} unobserved, ${entries} entries, ${exits} exits\n`,
    );
    assert.ok(entries >= 6, `entries ${entries}`);
    assert.ok(exits >= 5, `exits ${exits}`);
  });
});
