import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfigFile } from '../config/read-config-file.ts';
import { createLogger } from '../log/logger.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import { RunnerMetrics } from '../runner/metrics.ts';
import { Runner } from '../runner/runner.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import type { SimVenue } from '../venue/sim/sim-venue.ts';
import { type ApiServer, startApiServer } from './server.ts';

const TOKEN = 'test-token-123';
const root = new URL('../../', import.meta.url);
const example = (name: string) => new URL(`examples/${name}`, root).pathname;

describe('HTTP API', () => {
  let t: TestDb;
  let runner: Runner;
  let api: ApiServer;
  let web: string;
  let wall = Date.now();
  const tick = async (n = 1) => {
    for (let i = 0; i < n; i++) {
      wall += 1000;
      await runner.tickOnce(wall);
    }
  };
  const get = async (path: string) => {
    const r = await fetch(`${api.url}${path}`);
    return { status: r.status, headers: r.headers, body: await r.json().catch(() => undefined) };
  };
  const send = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${api.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json().catch(() => undefined)) as Record<string, unknown> };
  };

  before(async () => {
    t = await testDb();
    const quiet = (botId: string) => createLogger({ write: () => {}, botId });
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      // 1 data hour per wall second of the test clock.
      openBot: paperReplayFactory({ speed: 3600, loop: true }),
      metrics: new RunnerMetrics(),
      logger: quiet,
    });
    await runner.ensureBots([
      { raw: readConfigFile(example('sol-grid.yaml')) as Record<string, unknown>, source: 'sol-grid.yaml' },
      {
        raw: readConfigFile(example('drift-kmno-spread.yaml')) as Record<string, unknown>,
        source: 'spread.yaml',
      },
    ]);
    await runner.openAll();
    web = mkdtempSync(join(tmpdir(), 'zp-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>zp</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    api = await startApiServer({ runner, token: TOKEN, port: 0, webDist: web, sseThrottleMs: 0 });
    await tick(6);
  });

  after(async () => {
    await api?.close();
    await runner?.stop();
    await t?.drop();
  });

  it('lists the bots with their risk state, health and pnl', async () => {
    const r = await get('/api/bots');
    assert.equal(r.status, 200);
    const bots = r.body as Record<string, unknown>[];
    assert.deepEqual(bots.map((b) => b.id).sort(), ['drift-kmno-spread', 'sol-grid']);
    for (const b of bots) {
      assert.ok(['normal', 'reduce_only', 'paused'].includes(b.riskState as string));
      assert.equal(typeof b.health, 'number');
      assert.deepEqual(Object.keys(b.pnl as object).sort(), [
        'fees',
        'funding',
        'fundingPending',
        'realized',
        'total',
        'unrealized',
      ]);
      assert.equal(b.mode, 'paper');
    }
    assert.equal(r.headers.get('content-security-policy')?.includes("default-src 'self'"), true);
  });

  it('shows a grid bot in full, and a spread bot with its legs', async () => {
    let g = (await get('/api/bots/sol-grid')).body as Record<string, unknown>;
    // Under heavy machine load the first ticks can pass before the ladder is placed: give it a few more.
    for (let i = 0; i < 20 && (g.openOrders as unknown[]).length === 0; i++) {
      await tick();
      g = (await get('/api/bots/sol-grid')).body as Record<string, unknown>;
    }
    for (const k of [
      'position',
      'leverage',
      'liqPrice',
      'liqDistancePct',
      'pnl',
      'riskState',
      'riskReasons',
      'openOrders',
      'params',
      'range',
    ]) {
      assert.ok(k in g, `missing ${k}`);
    }
    const orders = g.openOrders as { side: string; price: number; base: number }[];
    assert.ok(orders.length > 0, 'the grid has a live ladder');
    assert.equal((g.params as { levels: number }).levels, 10);
    assert.equal((g.position as { markPrice: number }).markPrice > 0, true);
    const s = (await get('/api/bots/drift-kmno-spread')).body as {
      spread: { legs: unknown[]; health: string };
    };
    assert.equal(s.spread.legs.length, 2);
    assert.ok(['HEALTHY', 'DEGRADED', 'EMERGENCY'].includes(s.spread.health));
  });

  it('answers 404 for an unknown bot or route', async () => {
    assert.equal((await get('/api/bots/nope')).status, 404);
    assert.equal((await get('/api/bots/sol-grid/nope')).status, 404);
    assert.equal((await get('/api/nothing')).status, 404);
    assert.equal((await send('POST', '/api/bots/nope/pause')).status, 404);
  });

  it('pages fills and verdicts', async () => {
    await tick(20);
    const first = (await get('/api/bots/sol-grid/fills?limit=2')).body as {
      items: { id: string; ts: number }[];
      nextBefore: string | null;
    };
    assert.ok(first.items.length > 0, 'the grid filled something in 26 data hours');
    if (first.nextBefore) {
      const next = (await get(`/api/bots/sol-grid/fills?limit=2&before=${first.nextBefore}`)).body as {
        items: { id: string; ts: number }[];
      };
      for (const f of next.items) assert.ok(!first.items.some((x) => x.id === f.id));
      assert.ok((next.items[0]?.ts ?? 0) <= (first.items[1]?.ts ?? Infinity));
    }
    const v = (await get('/api/bots/sol-grid/verdicts?limit=1')).body as { items: { kind: string }[] };
    assert.equal(v.items.length, 1);
    assert.equal((await get('/api/bots/sol-grid/fills?limit=0')).body.field, 'limit');
    assert.equal((await get('/api/bots/sol-grid/fills?before=%%%')).status, 400);
  });

  it('serves history points and the objective', async () => {
    const h = (await get('/api/bots/sol-grid/history')).body as { points: Record<string, unknown>[] };
    assert.ok(h.points.length > 1);
    assert.ok(h.points.every((p, i) => i === 0 || (p.ts as number) > (h.points[i - 1]?.ts as number)));
    // The shape the dashboard reads: numbers, null where there is none, lo/hi once the grid has a range.
    const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
    for (const p of h.points) {
      const optional = ['hi', 'lo'].filter((k) => k in p);
      assert.deepEqual(
        Object.keys(p).sort(),
        ['base', 'equity', ...optional, 'liqPrice', 'mark', 'ts'].sort(),
      );
      assert.ok(num(p.ts) && num(p.equity) && num(p.base), JSON.stringify(p));
      for (const k of ['mark', 'liqPrice', 'lo', 'hi'])
        assert.ok(p[k] === null || p[k] === undefined || num(p[k]));
    }
    assert.ok(h.points.some((p) => num(p.lo) && num(p.hi) && num(p.mark)));
    // Equity as the account had it: whole micro-USDC (a 32-bit float would be off by tens of them at $1,000).
    for (const p of h.points) {
      const micros = (p.equity as number) * 1e6;
      assert.ok(Math.abs(micros - Math.round(micros)) < 1e-3, `equity ${p.equity}`);
    }
    const tail = (await get('/api/bots/sol-grid/history?limit=2')).body as { points: unknown[] };
    assert.deepEqual(tail.points, h.points.slice(-2));
    const o = (await get('/api/bots/sol-grid/objective')).body as { version: number; strategy: string };
    assert.equal(o.strategy, 'grid');
    assert.equal(o.version, 1);
  });

  it('refuses commands without the right token', async () => {
    assert.equal((await send('POST', '/api/bots/sol-grid/pause', undefined, null)).status, 401);
    assert.equal((await send('POST', '/api/bots/sol-grid/pause', undefined, 'wrong')).status, 401);
    assert.equal((await send('PUT', '/api/bots/sol-grid/objective', {}, null)).status, 401);
    assert.equal((await send('POST', '/api/bots', {}, null)).status, 401);
  });

  it('pauses within one loop iteration: PAUSE, every order cancelled on the venue', async () => {
    const r = await send('POST', '/api/bots/sol-grid/pause');
    assert.equal(r.status, 200);
    assert.equal((r.body.manual as { pause: boolean }).pause, true);
    await tick(1);
    const s = runner.session('sol-grid');
    const venue = s?.venue as SimVenue;
    assert.equal(venue.exchange.openOrders(s?.subaccountId ?? 0).length, 0);
    const g = (await get('/api/bots/sol-grid')).body as { riskState: string; openOrders: unknown[] };
    assert.equal(g.riskState, 'paused');
    assert.equal(g.openOrders.length, 0);
    await tick(3);
    assert.equal(venue.exchange.openOrders(s?.subaccountId ?? 0).length, 0, 'stays flat while paused');
    const resumed = await send('POST', '/api/bots/sol-grid/resume');
    assert.equal((resumed.body.manual as { pause: boolean }).pause, false);
    await tick(3);
    assert.ok(venue.exchange.openOrders(s?.subaccountId ?? 0).length > 0, 'quotes again after resume');
  });

  it('toggles reduce-only, or sets it from {on}', async () => {
    const set = await send('POST', '/api/bots/sol-grid/reduce-only', { on: true });
    assert.equal((set.body.manual as { reduceOnly: boolean }).reduceOnly, true);
    assert.equal(set.body.riskState, 'reduce_only');
    const toggled = await send('POST', '/api/bots/sol-grid/reduce-only');
    assert.equal((toggled.body.manual as { reduceOnly: boolean }).reduceOnly, false);
    const bad = await send('POST', '/api/bots/sol-grid/reduce-only', { on: 'yes' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'on');
    const badJson = await send('POST', '/api/bots/sol-grid/reduce-only', '{not json');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.field, 'body');
  });

  it('edits the objective into a new version, naming bad fields', async () => {
    const ok = await send('PUT', '/api/bots/sol-grid/objective', { params: { stepPct: 0.6 }, note: 'wider' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.version, 2);
    const g = (await get('/api/bots/sol-grid')).body as {
      params: { stepPct: number };
      objectiveVersion: number;
    };
    assert.equal(g.params.stepPct, 0.6);
    assert.equal(g.objectiveVersion, 2);
    const bad = await send('PUT', '/api/bots/sol-grid/objective', { params: { levels: -3 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'params.levels');
    const unknown = await send('PUT', '/api/bots/sol-grid/objective', { colour: 'red' });
    assert.equal(unknown.body.field, 'colour');
    const risk = await send('PUT', '/api/bots/sol-grid/objective', { risk: { maxLeverage: 'lots' } });
    assert.equal(risk.status, 400);
    assert.match(String(risk.body.field), /^risk\.maxLeverage/);
  });

  it('creates a bot from a config body (400 names the field, 409 on a taken name)', async () => {
    const bad = await send('POST', '/api/bots', { name: 'b2', strategy: 'grid', market: 'SOL-PERP' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'collateral');
    const created = await send('POST', '/api/bots', {
      name: 'btc-grid',
      strategy: 'grid',
      market: 'BTC-PERP',
      collateral: 500,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.id, 'btc-grid');
    assert.deepEqual(created.body.markets, ['BTC-PERP']);
    const taken = await send('POST', '/api/bots', {
      name: 'btc-grid',
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 1,
    });
    assert.equal(taken.status, 409);
    await tick(2);
    assert.equal(((await get('/api/bots')).body as unknown[]).length, 3);
  });

  it('streams bot updates over SSE', async () => {
    const ac = new AbortController();
    const r = await fetch(`${api.url}/api/events`, { signal: ac.signal });
    assert.equal(r.headers.get('content-type')?.startsWith('text/event-stream'), true);
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const pump = (async () => {
      while (!text.includes('event: bot')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    })();
    await tick(1);
    await pump;
    ac.abort();
    assert.match(text, /event: bot\ndata: \{"id":/);
  });

  it('serves /metrics in Prometheus text', async () => {
    const r = await fetch(`${api.url}/metrics`);
    const text = await r.text();
    assert.match(text, /# TYPE zp_decisions_total counter/);
    assert.match(text, /zp_orders_sent_total\{bot="sol-grid",kind="[a-zA-Z]+"\} \d+/);
    assert.match(text, /zp_verdicts_total\{bot="sol-grid",kind="PAUSE"\} \d+/);
    assert.match(text, /zp_loop_latency_seconds_bucket\{le="\+Inf",bot="sol-grid"\} \d+/);
    assert.match(text, /zp_fills_total\{bot="sol-grid",symbol="SOL-PERP",side="(buy|sell)"\} \d+/);
    assert.match(text, /^zp_bot_equity_usdc\{bot="sol-grid"\} \d/m);
  });

  it('serves the dashboard with an index.html fallback and security headers, never outside web/dist', async () => {
    const index = await fetch(`${api.url}/bots/sol-grid`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<title>zp<\/title>/);
    assert.equal(index.headers.get('x-frame-options'), 'DENY');
    assert.match(index.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    const js = await fetch(`${api.url}/assets/app.js`);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await fetch(`${api.url}/assets/missing.js`)).status, 404);
    assert.equal((await fetch(`${api.url}/..%2f..%2fpackage.json`)).status, 404);
  });

  it('puts no secret in any response', async () => {
    const all = JSON.stringify([
      (await get('/api/bots')).body,
      (await get('/api/bots/sol-grid')).body,
      (await get('/api/bots/sol-grid/objective')).body,
    ]);
    assert.ok(!all.includes(TOKEN));
    assert.ok(!/PRIVATE_KEY|secret|RPC_URL/i.test(all));
  });
});
