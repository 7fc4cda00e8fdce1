/**
 * The API the request-body fuzz tests (test/fuzz/api-*bodies.test.ts) send to: in-process on a real Runner
 * (paper replay, PGlite in memory) holding the two example bots, as src/api/server.test.ts does. `check` sends
 * one request and holds the answer to the contract: never a 500; a rejection is a 4xx `{error, field?}` and
 * leaves the database and what the API shows exactly as before.
 *
 * useFuzzedApi() registers the suite's before/after hooks; `runner` and `created` are live bindings they set.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { type ApiServer, startApiServer } from '../../src/api/server.ts';
import { BOT_CONFIG_KEYS } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { createLogger } from '../../src/log/logger.ts';
import { paperReplayFactory } from '../../src/modes/paper.ts';
import { RunnerMetrics } from '../../src/runner/metrics.ts';
import { Runner } from '../../src/runner/runner.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';

export const TOKEN = 'fuzz-token-0123456789';
const examples = new URL('../../examples/', import.meta.url);
export const GRID = readConfigFile(new URL('sol-grid.yaml', examples).pathname) as Record<string, unknown>;
export const SPREAD = readConfigFile(new URL('drift-kmno-spread.yaml', examples).pathname) as Record<
  string,
  unknown
>;
export const TOP_KEYS = BOT_CONFIG_KEYS;
export const OBJECTIVE_KEYS = ['params', 'execution', 'risk', 'note'];

export interface Reply {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

export interface Sent {
  body?: string | Uint8Array;
  contentType?: string | null;
  token?: string | null;
}

/** The state a rejected request must not touch: database rows and what the API reports. */
interface State {
  db: string;
  api: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

let t: TestDb;
export let runner: Runner;
let api: ApiServer;
/** Bots the fuzzed requests created (201s). */
export let created = 0;

/** Starts the runner and the API before the calling suite's tests, and stops them after. */
export function useFuzzedApi(): void {
  before(async () => {
    created = 0;
    t = await testDb();
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: true }),
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: () => {}, botId }),
    });
    await runner.ensureBots([
      { raw: GRID, source: 'sol-grid.yaml' },
      { raw: SPREAD, source: 'drift-kmno-spread.yaml' },
    ]);
    await runner.openAll();
    api = await startApiServer({ runner, token: TOKEN, port: 0, webDist: '/nonexistent' });
  });

  after(async () => {
    await api?.close();
    await runner?.stop();
    await t?.drop();
  });
}

export async function send(method: string, path: string, s: Sent = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const ct = s.contentType === undefined ? 'application/json' : s.contentType;
  if (ct !== null) headers['content-type'] = ct;
  const token = s.token === undefined ? TOKEN : s.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let r: Response;
  try {
    const body = typeof s.body === 'string' || s.body === undefined ? s.body : Buffer.from(s.body);
    r = await fetch(`${api.url}${path}`, { method, headers, body });
  } catch (err) {
    // A dropped connection is a crash as far as the client can tell.
    throw new Error(`${method} ${path}: no HTTP answer (${(err as Error).cause ?? err})`);
  }
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, contentType: r.headers.get('content-type') ?? '', text, json };
}

async function state(): Promise<State> {
  const rows = await t.db.query<{ s: string }>(
    `select concat_ws(' | ',
       (select string_agg(id || ':' || name || ':' || strategy || ':' || mode, ',' order by id) from bots),
       (select string_agg(bot_id || ':' || config::text || ':' || manual::text || ':' || deposited::text, ','
                          order by bot_id) from runner_bots),
       (select string_agg(bot_id || ':' || version || ':' || params::text || execution_policy::text
                          || risk_limits::text, ',' order by bot_id, version) from perps_objectives)) as s`,
  );
  const sessions = runner.sessions().map((s) => ({
    id: s.id,
    version: s.objectiveVersion,
    manual: { ...s.engine.manual },
    config: JSON.stringify(s.config, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
  }));
  return { db: rows[0]?.s ?? '', api: JSON.stringify(sessions) };
}

/** The reply is a rejection in the documented shape; `known` are the field names the route accepts. */
function expectRejected(r: Reply, known: readonly string[], body: unknown, what: string): void {
  const ctx = `${what} → ${r.status} ${r.text.slice(0, 300)}`;
  assert.ok(r.status >= 400 && r.status < 500, `expected a 4xx: ${ctx}`);
  assert.match(r.contentType, /^application\/json/, ctx);
  assert.ok(isObject(r.json), `error body is a JSON object: ${ctx}`);
  const e = r.json as Record<string, unknown>;
  assert.equal(typeof e.error, 'string', ctx);
  assert.ok((e.error as string).length > 0, ctx);
  if (e.field !== undefined) assert.equal(typeof e.field, 'string', `field is text when present: ${ctx}`);
  if (r.status === 400) {
    assert.equal(typeof e.field, 'string', `a 400 names the field at fault: ${ctx}`);
    const field = e.field as string;
    const named = [...known, 'body', ...(isObject(body) ? Object.keys(body) : [])];
    assert.ok(
      named.some((k) => field === k || field.startsWith(`${k}.`) || field.startsWith(`${k}[`)),
      `field ${JSON.stringify(field)} is the body or one of its fields: ${ctx}`,
    );
  }
}

/**
 * Sends one request and checks the outcome: a rejection leaves everything as it was; `accepted` decides
 * whether a 2xx is legitimate for this body (then the caller's expectation of the new state is checked).
 */
export async function check(
  method: string,
  path: string,
  s: Sent,
  known: readonly string[],
  parsedBody: unknown,
  accepted: (r: Reply) => boolean,
): Promise<Reply> {
  const before = await state();
  const r = await send(method, path, s);
  const what = `${method} ${path} ${s.contentType ?? ''} ${describeBody(s.body)}`;
  assert.notEqual(r.status, 500, `never a 500: ${what}: ${r.text.slice(0, 300)}`);
  if (r.status >= 200 && r.status < 300) {
    if (r.status === 201) created++;
    assert.ok(accepted(r), `unexpected ${r.status} for ${what}: ${r.text.slice(0, 300)}`);
    return r;
  }
  expectRejected(r, known, parsedBody, what);
  assert.deepEqual(await state(), before, `no partial write after ${what}`);
  return r;
}

function describeBody(body: string | Uint8Array | undefined): string {
  if (body === undefined) return '(no body)';
  const text = typeof body === 'string' ? body : `bytes ${Buffer.from(body).toString('hex')}`;
  return text.length > 200
    ? `${JSON.stringify(text.slice(0, 200))}… (${text.length} chars)`
    : JSON.stringify(text);
}
