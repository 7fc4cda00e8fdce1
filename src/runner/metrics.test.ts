import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Histogram, RunnerMetrics } from './metrics.ts';

describe('metrics', () => {
  it('renders counters with escaped labels', () => {
    const c = new Counter('x_total', 'help');
    c.inc({ bot: 'a"b' });
    c.inc({ bot: 'a"b' }, 2);
    assert.equal(c.get({ bot: 'a"b' }), 3);
    assert.match(c.render(), /x_total\{bot="a\\"b"\} 3/);
  });

  it('renders cumulative histogram buckets', () => {
    const h = new Histogram('lat', 'help', [0.01, 0.1]);
    h.observe(0.005);
    h.observe(0.05);
    h.observe(5);
    const text = h.render();
    assert.match(text, /lat_bucket\{le="0.01"\} 1/);
    assert.match(text, /lat_bucket\{le="0.1"\} 2/);
    assert.match(text, /lat_bucket\{le="\+Inf"\} 3/);
    assert.match(text, /lat_count 3/);
  });

  it('includes gauges in the runner registry', () => {
    const m = new RunnerMetrics();
    m.gauge('zp_bots', 'bots', () => 7);
    assert.match(m.render(), /zp_bots 7\n/);
  });
});
