/**
 * A runner on a real PostgreSQL server whose connections are cut (pg_terminate_backend) keeps running; an
 * outage longer than a lease (connections refused for 20 s) pauses the bots — orders cancelled — and they
 * resume by themselves when the server takes connections again. Runs on its own throw-away database of the
 * server in DATABASE_URL; skipped without one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { getJson, startChild, waitFor } from '../../src/runner/test-support/child-runner.ts';
import { NO_SERVER_MESSAGE, serverUrl } from '../../src/store/test-support/test-db.ts';

const admin = serverUrl();
const dbName = `zp_conn_${randomBytes(4).toString('hex')}`;

interface Detail {
  riskState: string;
  openOrders: unknown[];
}

describe('PostgreSQL connection loss', { skip: admin ? false : NO_SERVER_MESSAGE }, () => {
  let client: pg.Client;
  const url = () => {
    const u = new URL(admin as string);
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  const terminate = () =>
    client.query('select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = $1', [
      dbName,
    ]);

  before(async () => {
    client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${dbName}`);
  });
  after(async () => {
    await client.query(`alter database ${dbName} allow_connections true`).catch(() => {});
    await terminate().catch(() => {});
    await client.query(`drop database if exists ${dbName}`);
    await client.end();
  });

  it('survives cut connections, pauses through an outage and resumes', async () => {
    const r = await startChild(['--speed', '3000'], {
      DATABASE_URL: url(),
      RPC_URL: '',
      API_TOKEN: 'pg-loss',
      ZERO_PERPS_PGLITE_DIR: '/nonexistent',
    });
    after(() => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    });
    const resting = () =>
      waitFor(
        async () => {
          const d = await getJson<Detail>(`${r.url}/api/bots/sol-grid`);
          return d.openOrders.length > 0 && d.riskState !== 'paused' ? true : undefined;
        },
        'grid orders resting',
        60_000,
      );
    await resting();

    // Connections cut again and again (the old runner died of the first: an unhandled 'error' event).
    for (let i = 0; i < 12; i++) {
      await terminate();
      await new Promise((res) => setTimeout(res, 100 + Math.random() * 400));
    }
    assert.equal(r.child.exitCode, null, `the runner is alive\n${r.stderr()}`);
    await waitFor(
      async () => ((await fetch(`${r.url}/api/health`)).status === 200 ? true : undefined),
      'healthy',
    );
    await resting();

    // An outage longer than the lease: no connection possible for 20 s.
    await client.query(`alter database ${dbName} allow_connections false`);
    await terminate();
    const fault = await waitFor(async () => {
      const h = await fetch(`${r.url}/api/health`);
      return h.status === 503 ? ((await h.json()) as { storage: { error: string } }) : undefined;
    }, 'the runner noticing the outage');
    assert.match(fault.storage.error, /^database connection lost/);
    const paused = await getJson<Detail>(`${r.url}/api/bots/sol-grid`);
    assert.equal(paused.riskState, 'paused');
    assert.equal(paused.openOrders.length, 0, 'orders cancelled during the outage');
    await new Promise((res) => setTimeout(res, 20_000));
    assert.equal(r.child.exitCode, null, 'still alive through the outage');
    await client.query(`alter database ${dbName} allow_connections true`);
    await waitFor(
      async () => ((await fetch(`${r.url}/api/health`)).status === 200 ? true : undefined),
      'resumed after the outage',
      90_000,
    );
    await resting();
    assert.match(r.stdout(), /"msg":"database writes work again: bots resume"/);
    // 20 s is past the lease's deadline: the bots were started again from the database and the venue.
    assert.match(r.stdout(), /"msg":"bot sol-grid re-opened after its lease lapsed"/);

    r.child.kill('SIGINT');
    assert.equal((await r.exited).code, 0, r.stdout().slice(-2000));
    const check = new pg.Client({ connectionString: url() });
    await check.connect();
    try {
      const held = await check.query('select 1 from leases where expires_at >= now()');
      assert.equal(held.rowCount, 0, 'leases released');
      const open = await check.query("select 1 from orders where bot_id = 'sol-grid' and status = 'open'");
      assert.equal(open.rowCount, 0, 'no order left open');
    } finally {
      await check.end();
    }
  });
});
