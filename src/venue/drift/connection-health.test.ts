import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionHealth } from './connection-health.ts';

const ok = async (): Promise<void> => {};
const down = async (): Promise<void> => {
  throw new Error('ECONNREFUSED');
};

describe('ConnectionHealth', () => {
  it('degrades on an error and recovers only after a probe and the recovery both succeed', async () => {
    const h = new ConnectionHealth(() => 5);
    const seen: string[] = [];
    h.onChange((s) => seen.push(s.status));
    h.degrade('websocket closed');
    assert.equal(h.healthy, false);
    let recovered = 0;
    const recover = async () => {
      recovered++;
    };
    let s = await h.beat(down, recover);
    assert.equal(s.status, 'degraded');
    assert.equal(s.status === 'degraded' && s.failedProbes, 1);
    assert.equal(recovered, 0, 'no recovery while the RPC is down');
    s = await h.beat(ok, async () => {
      throw new Error('read failed');
    });
    assert.equal(s.status === 'degraded' && s.reason, 'read failed');
    s = await h.beat(ok, recover);
    assert.equal(s.status, 'healthy');
    assert.equal(recovered, 1);
    assert.deepEqual(seen, ['degraded', 'degraded', 'degraded', 'healthy']);
  });

  it('a failed probe degrades a healthy connection; a second degrade keeps the first reason', async () => {
    const h = new ConnectionHealth();
    await h.beat(down, ok);
    assert.equal(h.state.status === 'degraded' && h.state.reason, 'ECONNREFUSED');
    h.degrade('other');
    assert.equal(h.state.status === 'degraded' && h.state.reason, 'ECONNREFUSED');
  });
});
