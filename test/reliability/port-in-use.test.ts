/**
 * A port already in use fails the start before any bot is registered or leased: exit 2, one line naming the
 * port, nothing in the database but its tables (the old runner took the leases, then died 17 s later).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN } from '../../src/runner/test-support/child-runner.ts';
import { openDb } from '../../src/store/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-port-'));

describe('port in use', () => {
  let server: Server;
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails in one line before any lease is taken', async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const dataDir = join(dir, 'db');
    const started = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'start', '--port', String(port)], {
      env: { ...process.env, ZERO_PERPS_PGLITE_DIR: dataDir, DATABASE_URL: '', RPC_URL: '', API_TOKEN: 'x' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr.trim(),
      `zero-perps start: port ${port} on 127.0.0.1 is in use (another runner?); pick another with --port N`,
    );
    assert.ok(Date.now() - started < 30_000);
    const db = await openDb({ url: '', dataDir });
    try {
      assert.deepEqual(await db.query('select id from bots'), []);
      assert.deepEqual(await db.query('select bot_id from leases'), []);
    } finally {
      await db.close();
    }
  });
});
