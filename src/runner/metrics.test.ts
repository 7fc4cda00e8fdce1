import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunnerMetrics } from './metrics.ts';

describe('RunnerMetrics (prom-client)', () => {
  it('counters are typed counter, with escaped labels, and value() sums the matching series', async () => {
    const m = new RunnerMetrics();
    m.fills.inc({ bot: 'a"b', symbol: 'SOL-PERP', side: 'buy' });
    m.fills.inc({ bot: 'a"b', symbol: 'SOL-PERP', side: 'sell' }, 2);
    m.ticks.inc();
    const text = await m.render();
    assert.match(text, /^# TYPE zp_fills_total counter$/m);
    assert.match(text, /^# TYPE zp_ticks_total counter$/m);
    assert.match(text, /^zp_fills_total\{bot="a\\"b",symbol="SOL-PERP",side="sell"\} 2$/m);
    assert.equal(await m.value(m.fills, { bot: 'a"b' }), 3);
    assert.equal(await m.value(m.fills, { side: 'buy' }), 1);
    assert.equal(await m.value(m.rpcErrors), 0);
  });

  it('histograms keep cumulative buckets per bot', async () => {
    const m = new RunnerMetrics();
    for (const s of [0.0004, 0.004, 5]) m.loopLatency.observe({ bot: 'g' }, s);
    const text = await m.render();
    assert.match(text, /^# TYPE zp_loop_latency_seconds histogram$/m);
    assert.match(text, /^zp_loop_latency_seconds_bucket\{le="0.0005",bot="g"\} 1$/m);
    assert.match(text, /^zp_loop_latency_seconds_bucket\{le="0.005",bot="g"\} 2$/m);
    assert.match(text, /^zp_loop_latency_seconds_bucket\{le="\+Inf",bot="g"\} 3$/m);
    assert.match(text, /^zp_loop_latency_seconds_count\{bot="g"\} 3$/m);
  });

  it('a gauge is read at scrape time; process metrics only when asked', async () => {
    let n = 1;
    const m = new RunnerMetrics();
    m.gauge('zp_test_gauge', 'test', () => n);
    assert.match(await m.render(), /^zp_test_gauge 1$/m);
    n = 7;
    assert.match(await m.render(), /^zp_test_gauge 7$/m);
    assert.doesNotMatch(await m.render(), /process_resident_memory_bytes/);
    assert.match(
      await new RunnerMetrics({ processMetrics: true }).render(),
      /^process_resident_memory_bytes \d+/m,
    );
  });
});
