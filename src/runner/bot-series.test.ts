import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BotSeries } from './bot-series.ts';
import { RunnerMetrics } from './metrics.ts';

describe('BotSeries', () => {
  it('counts the same series and values as the inline labelled calls', async () => {
    const inline = new RunnerMetrics();
    const cached = new RunnerMetrics();
    const a = new BotSeries(cached, 'grid-a');
    const b = new BotSeries(cached, 'grid-b');
    for (const [bot, series] of [
      ['grid-a', a],
      ['grid-b', b],
    ] as const) {
      for (const trigger of ['venueEvent', 'cadence', 'venueEvent']) {
        inline.decisions.inc({ bot, trigger });
        series.decision(trigger);
      }
      for (const kind of ['ok', 'reduce', 'ok']) {
        inline.verdicts.inc({ bot, kind });
        series.verdict(kind);
      }
      for (const kind of ['cancelAndPlace', 'place']) {
        inline.ordersSent.inc({ bot, kind });
        series.orderSent(kind);
      }
      const symbols = ['SOL-PERP', 'DRIFT-PERP'];
      for (const [marketIndex, side] of [
        [0, 'buy'],
        [0, 'sell'],
        [1, 'buy'],
        [0, 'buy'],
      ] as const) {
        inline.fills.inc({ bot, symbol: symbols[marketIndex] as string, side });
        series.fill(marketIndex, side, () => symbols[marketIndex] as string);
      }
      for (const s of [0.0004, 0.02, 3]) {
        inline.loopLatency.observe({ bot }, s);
        series.loop(s);
      }
    }
    assert.equal(await cached.render(), await inline.render());
    assert.equal(await cached.value(cached.decisions, { bot: 'grid-a', trigger: 'venueEvent' }), 2);
    assert.equal(await cached.value(cached.fills, { bot: 'grid-b', symbol: 'SOL-PERP', side: 'buy' }), 2);
    // counted after a read: added once at the next read, not again at the one after
    a.decision('venueEvent');
    inline.decisions.inc({ bot: 'grid-a', trigger: 'venueEvent' });
    assert.equal(await cached.value(cached.decisions, { bot: 'grid-a', trigger: 'venueEvent' }), 3);
    assert.equal(await cached.render(), await inline.render());
    // more cycles than a series keeps before handing them over (64), then a read, then a few more
    for (let k = 0; k < 150; k++) {
      const s = (k % 13) * 0.004 + 0.0001;
      inline.loopLatency.observe({ bot: 'grid-b' }, s);
      b.loop(s);
      if (k === 100) assert.equal(await cached.render(), await inline.render());
    }
    assert.equal(await cached.render(), await inline.render());
    const count = async (m: RunnerMetrics) =>
      (await m.loopLatency.get()).values.find(
        (v) => v.metricName === 'zp_loop_latency_seconds_count' && v.labels.bot === 'grid-b',
      )?.value;
    assert.equal(await count(cached), 153);
    // a direct inc on a counter that also has tallies is kept
    cached.decisions.inc({ bot: 'grid-a', trigger: 'venueEvent' });
    assert.equal(await cached.value(cached.decisions, { bot: 'grid-a', trigger: 'venueEvent' }), 4);
  });
});
