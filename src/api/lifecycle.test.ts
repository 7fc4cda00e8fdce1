/**
 * Bot lifecycle through the runner and its API: config edits become objective versions (served with their
 * diffs), duplicate names fail naming both files, archiving stops a bot (every order cancelled on its venue)
 * and hides it; and the API's guards: bad %-encoding, out-of-range cursors and foreign Host headers get a 400,
 * never a 500 or an answer.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../config/config-error.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { createLogger } from '../log/logger.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import { RunnerMetrics } from '../runner/metrics.ts';
import { Runner } from '../runner/runner.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import type { SimVenue } from '../venue/sim/sim-venue.ts';
import { type ApiServer, startApiServer } from './server.ts';

const TOKEN = 'lifecycle-token';
const example = (name: string) => new URL(`../../examples/${name}`, import.meta.url).pathname;
const gridRaw = () => readConfigFile(example('sol-grid.yaml')) as Record<string, unknown>;

/** A raw HTTP request: fetch would normalise the path and always send the right Host. */
function rawGet(api: ApiServer, path: string, host?: string): Promise<{ status: number; body: string }> {
  const u = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: 'GET', headers: host ? { host } : {} },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('bot lifecycle and API guards', () => {
  let t: TestDb;
  let runner: Runner;
  let api: ApiServer;
  let wall = Date.now();
  const logged: string[] = [];
  const tick = async (n = 1) => {
    for (let i = 0; i < n; i++) {
      wall += 1000;
      await runner.tickOnce(wall);
    }
  };
  const send = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${api.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json().catch(() => undefined)) as unknown };
  };

  before(async () => {
    t = await testDb();
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: true }),
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: (line) => logged.push(line), botId }),
    });
    const ids = await runner.ensureBots([{ raw: gridRaw(), source: '/home/me/bots/sol-grid.yaml' }]);
    assert.deepEqual(ids, ['sol-grid']);
    await runner.openAll(ids);
    api = await startApiServer({ runner, token: TOKEN, port: 0, sseThrottleMs: 0 });
    await tick(6);
  });

  after(async () => {
    await api?.close();
    await runner?.stop();
    await t?.drop();
  });

  it('refuses two files with one bot name, naming both', async () => {
    await assert.rejects(
      runner.ensureBots([
        { raw: gridRaw(), source: 'a/sol-grid.yaml' },
        { raw: { ...gridRaw(), collateral: 5 }, source: 'b/copy.yaml' },
      ]),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith('b/copy.yaml: name: "sol-grid" is also the bot name in a/sol-grid.yaml'),
    );
  });

  it('turns an edited file into a new objective version; an unchanged file keeps API edits', async () => {
    const edited = gridRaw();
    edited.grid = { ...(edited.grid as object), stepPct: 0.8 };
    edited.risk = { ...(edited.risk as object), maxLeverage: 2 };
    await runner.ensureBots([{ raw: edited, source: '/home/me/bots/sol-grid.yaml' }]);
    const line = logged.find((l) => l.includes('objective v2 from sol-grid.yaml'));
    assert.ok(line, logged.slice(-5).join('\n'));
    assert.match(line, /grid\.stepPct 0\.5 → 0\.8/);
    assert.match(line, /risk\.maxLeverage 3 → 2/);
    // The same file again: nothing new.
    await runner.ensureBots([{ raw: edited, source: 'sol-grid.yaml' }]);
    // An API edit, then a restart with the unchanged file: the API edit stays in force.
    const put = await send('PUT', '/api/bots/sol-grid/objective', { params: { levels: 12 }, note: 'more' });
    assert.equal(put.status, 200);
    await runner.ensureBots([{ raw: edited, source: 'sol-grid.yaml' }]);
    const versions = (await send('GET', '/api/bots/sol-grid/objectives')).body as {
      version: number;
      note?: string;
      createdAt: number;
      params: Record<string, unknown>;
      diff: { field: string; from: unknown; to: unknown }[];
    }[];
    assert.deepEqual(
      versions.map((v) => v.version),
      [3, 2, 1],
    );
    assert.deepEqual(versions[0]?.diff, [{ field: 'params.levels', from: 10, to: 12 }]);
    assert.deepEqual(
      versions[1]?.diff.map((d) => d.field),
      ['params.stepPct', 'risk.maxLeverage'],
    );
    assert.deepEqual(versions[2]?.diff, []);
    assert.equal(versions[2]?.note, 'created from sol-grid.yaml');
    assert.ok(versions.every((v) => typeof v.createdAt === 'number' && typeof v.params === 'object'));
    const current = (await send('GET', '/api/bots/sol-grid/objective')).body as { version: number };
    assert.equal(current.version, 3);
  });

  it('rejects a file that changes the strategy or market of a known bot', async () => {
    await assert.rejects(
      runner.ensureBots([{ raw: { ...gridRaw(), market: 'BTC-PERP' }, source: 'x.yaml' }]),
      /x\.yaml: strategy: bot "sol-grid" was created as a grid bot on SOL-PERP/,
    );
  });

  it('answers 400 to malformed paths and cursors, and to a Host that is not ours', async () => {
    assert.equal((await rawGet(api, '/api/bots/%E0%A4%A')).status, 400);
    assert.equal((await rawGet(api, '/api/bots/sol-grid%/fills')).status, 400);
    const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const c of [cursor([1e20, 'x']), cursor([-1, 'x']), cursor([1, 'a\u0000b']), 'Zm9v%', '%%%']) {
      const r = await rawGet(api, `/api/bots/sol-grid/fills?before=${c}`);
      assert.equal(r.status, 400, `${c}: ${r.body}`);
    }
    for (const c of [cursor('99999999999999999999999'), cursor('-1'), cursor(5)]) {
      const r = await rawGet(api, `/api/bots/sol-grid/verdicts?before=${c}`);
      assert.equal(r.status, 400, `${c}: ${r.body}`);
    }
    const port = new URL(api.url).port;
    assert.equal((await rawGet(api, '/api/bots', `127.0.0.1:${port}`)).status, 200);
    assert.equal((await rawGet(api, '/api/bots', `localhost:${port}`)).status, 200);
    const rebound = await rawGet(api, '/api/bots', `evil.example:${port}`);
    assert.equal(rebound.status, 400);
    assert.ok(!rebound.body.includes('sol-grid'));
    assert.equal((await rawGet(api, '/api/bots', `127.0.0.1:${Number(port) + 1}`)).status, 400);
    assert.equal(api.exposed, false);
  });

  it('archives a running bot: orders cancelled on its venue, hidden, 404 afterwards', async () => {
    const s = runner.session('sol-grid');
    assert.ok(s);
    const venue = s.venue as SimVenue;
    for (let i = 0; i < 20 && venue.exchange.openOrders(s.subaccountId).length === 0; i++) await tick(1);
    assert.ok(venue.exchange.openOrders(s.subaccountId).length > 0, 'the grid rests orders before archiving');
    assert.equal((await send('DELETE', '/api/bots/sol-grid', undefined, null)).status, 401);
    const sse = await fetch(`${api.url}/api/events`);
    const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
    const del = await send('DELETE', '/api/bots/sol-grid');
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { id: 'sol-grid', status: 'archived' });
    assert.equal(venue.exchange.openOrders(s.subaccountId).length, 0, 'nothing left resting');
    let text = '';
    while (!text.includes('event: archived')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assert.match(text, /event: archived\ndata: \{"botId":"sol-grid"\}/);
    assert.deepEqual((await send('GET', '/api/bots')).body, []);
    assert.equal((await send('GET', '/api/bots/sol-grid')).status, 404);
    assert.equal((await send('GET', '/api/bots/sol-grid/objectives')).status, 404);
    assert.equal((await send('DELETE', '/api/bots/sol-grid')).status, 404);
    assert.equal((await send('DELETE', '/api/bots/nope')).status, 404);
    const rows = await t.db.query<{ status: string }>("select status from bots where id = 'sol-grid'");
    assert.equal(rows[0]?.status, 'archived');
    const open = await t.db.query("select 1 from orders where bot_id = 'sol-grid' and status = 'open'");
    assert.equal(open.length, 0, 'no order recorded open');
    const held = await t.db.query("select 1 from leases where bot_id = 'sol-grid' and expires_at >= now()");
    assert.equal(held.length, 0, 'lease released');
    await tick(2); // the loop carries on without it
    await assert.rejects(
      runner.ensureBots([{ raw: gridRaw(), source: 'sol-grid.yaml' }]),
      /bot "sol-grid" is archived/,
    );
  });
});
