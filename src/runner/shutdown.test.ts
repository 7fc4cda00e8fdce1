/**
 * Ctrl-C on the demo (`zero-perps start` with the default configs, as `npm start` runs it): SIGINT must stop the
 * bots cleanly — exit 0, the 'shutdown complete' line, no open grid orders left in the persisted paper venue,
 * the spread bot's legs closed, leases released.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeJson, openDb } from '../store/index.ts';
import type { DurableSimState } from './durable-sim.ts';
import { getJson, startChild, waitFor } from './test-support/child-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-shutdown-'));
const env = { ZERO_PERPS_PGLITE_DIR: join(dir, 'db'), DATABASE_URL: '', RPC_URL: '', API_TOKEN: '' };

describe('SIGINT on the demo runner', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('cancels grid orders, closes spread legs, releases leases and exits 0', async () => {
    const r = await startChild(['--speed', '3000'], env);
    after(() => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    });
    await waitFor(
      async () => (/api token \(for commands\): \S{20,}/.test(r.stderr()) ? true : undefined),
      'the generated token printed once',
    );
    await waitFor(async () => {
      const d = await getJson<{ openOrders: unknown[] }>(`${r.url}/api/bots/sol-grid`);
      return d.openOrders.length > 0 ? true : undefined;
    }, 'grid orders');
    const bots = await getJson<{ id: string }[]>(`${r.url}/api/bots`);
    assert.deepEqual(bots.map((b) => b.id).sort(), ['drift-kmno-spread', 'sol-grid']);
    r.child.kill('SIGINT');
    const exit = await r.exited;
    assert.equal(exit.code, 0, r.stdout().slice(-3000));
    assert.match(r.stdout(), /"msg":"shutdown complete"/);

    const db = await openDb({ url: '', dataDir: env.ZERO_PERPS_PGLITE_DIR });
    try {
      const state = async (id: string) => {
        const row = (
          await db.query<{ state: unknown }>('select state from paper_venues where bot_id = $1', [id])
        )[0];
        assert.ok(row);
        return decodeJson<{ venue: DurableSimState }>(row.state).venue;
      };
      const grid = await state('sol-grid');
      assert.equal(grid.subs[0]?.orders.length, 0, 'no open grid orders left');
      const open = await db.query("select 1 from orders where bot_id = 'sol-grid' and status = 'open'");
      assert.equal(open.length, 0);
      const spread = await state('drift-kmno-spread');
      const legs = spread.subs[0]?.positions.filter((p) => p.base !== 0n).length ?? 0;
      // Whatever the last verdict (a PAUSE included): a close only reduces risk.
      assert.equal(legs, 0, 'spread legs closed');
      const statuses = await db.query<{ status: string }>('select status from bots order by id');
      assert.deepEqual(
        statuses.map((s) => s.status),
        ['stopped', 'stopped'],
      );
      const held = await db.query('select 1 from leases where expires_at >= now()');
      assert.equal(held.length, 0, 'leases released');
    } finally {
      await db.close();
    }
  });
});
