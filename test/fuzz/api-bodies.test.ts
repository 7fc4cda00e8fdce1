/**
 * Bad API request bodies of every shape — random JSON, mutated valid configs, damaged JSON text, random bytes,
 * wrong content types, huge and deeply nested bodies — sent to every route that reads a body (POST /api/bots,
 * PUT /api/bots/:id/objective, POST pause / resume / reduce-only) must end in a 4xx `{error, field?}`
 * (a 400 names the field at fault, `body` when it is the whole body), never a 500 or a dropped connection,
 * and never a partial write: after a rejection the bots, their records, objective versions and operator
 * switches in the database, and what the API shows, are exactly as before.
 *
 * The API runs in-process on a real Runner (paper replay, PGlite in memory), as src/api/server.test.ts does.
 * Seeds are fixed; a failure prints the seed and the shrunk counterexample.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type ApiServer, startApiServer } from '../../src/api/server.ts';
import { BOT_CONFIG_KEYS, parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { createLogger } from '../../src/log/logger.ts';
import { paperReplayFactory } from '../../src/modes/paper.ts';
import { RunnerMetrics } from '../../src/runner/metrics.ts';
import { Runner } from '../../src/runner/runner.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';
import { mutate, mutationArb } from '../test-support/mutations.ts';

const TOKEN = 'fuzz-token-0123456789';
const examples = new URL('../../examples/', import.meta.url);
const GRID = readConfigFile(new URL('sol-grid.yaml', examples).pathname) as Record<string, unknown>;
const SPREAD = readConfigFile(new URL('drift-kmno-spread.yaml', examples).pathname) as Record<
  string,
  unknown
>;
const TOP_KEYS = BOT_CONFIG_KEYS;
const OBJECTIVE_KEYS = ['params', 'execution', 'risk', 'note'];

interface Reply {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

interface Sent {
  body?: string | Uint8Array;
  contentType?: string | null;
  token?: string | null;
}

/** The state a rejected request must not touch: database rows and what the API reports. */
interface State {
  db: string;
  api: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets (or, with `undefined`, deletes) the value at a path inside a deep copy of `doc`. */
function setPath(doc: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = isObject(doc) ? { ...doc } : {};
  const next = setPath(copy[head], rest, value);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

/** Every path to a leaf or a section of a config, e.g. ['grid'], ['grid', 'levels']. */
function pathsOf(doc: Record<string, unknown>, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(doc)) {
    out.push([...prefix, k]);
    if (isObject(v)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

/** Values a client gets wrong: wrong types, edge numbers, junk strings, nested junk. */
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.1,
    '',
    ' ',
    'NaN',
    'Infinity',
    '1e999',
    '__proto__',
    'constructor',
    [],
    {},
    { __proto__: null },
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const junkKey = fc.oneof(
  fc.constantFrom('', ' ', 'a b', '__proto__', 'constructor', 'toString', 'é', '💥', 'grid.levels', '[0]'),
  fc.string({ maxLength: 10 }),
);

type ConfigEdit =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'drop'; pick: number }
  | { kind: 'extra'; pick: number; key: string; value: unknown };

const editArb: fc.Arbitrary<ConfigEdit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: badValue }),
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('extra' as const), pick: fc.nat(), key: junkKey, value: badValue }),
);

function applyEdits(base: Record<string, unknown>, edits: readonly ConfigEdit[]): unknown {
  let doc: unknown = base;
  for (const e of edits) {
    const paths = isObject(doc) ? pathsOf(doc) : [];
    if (paths.length === 0) break;
    const path = paths[e.pick % paths.length] as string[];
    if (e.kind === 'set') doc = setPath(doc, path, e.value);
    else if (e.kind === 'drop') doc = setPath(doc, path, undefined);
    else {
      const parent = path.slice(0, -1);
      const keyPath = [...parent, e.key];
      // Keep an existing key's value: the point is an unexpected key, not a changed one.
      doc = pathsOf(doc as Record<string, unknown>).some((p) => p.join('\u0000') === keyPath.join('\u0000'))
        ? doc
        : setPath(doc, keyPath, e.value);
    }
  }
  return doc;
}

/** A body that is not a JSON document of the right shape, sent as bytes with some content type. */
const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=latin1',
  null,
);

const rawBodyArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.uint8Array({ maxLength: 80 }),
  fc.constantFrom(
    '{',
    '}',
    '[',
    '{"a":',
    '{"name": "x",}',
    "{'name': 'x'}",
    'name=x&strategy=grid',
    'null',
    'true',
    '0',
    '"text"',
    '[]',
    '[{}]',
    'NaN',
    '\uFEFF{}',
    '{"on": tru}',
    '\u0000',
  ),
);

/** Damaged JSON text of a valid body: cut, bytes inserted or replaced (the shared file-damage mutations). */
const damagedJsonArb = (base: unknown) =>
  fc
    .array(mutationArb, { minLength: 1, maxLength: 3 })
    .map((ms) => mutate(JSON.stringify(base, null, 1), ms));

describe('fuzz: API request bodies', () => {
  let t: TestDb;
  let runner: Runner;
  let api: ApiServer;
  let created = 0;

  const send = async (method: string, path: string, s: Sent = {}): Promise<Reply> => {
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
  };

  const state = async (): Promise<State> => {
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
  };

  /** The reply is a rejection in the documented shape; `known` are the field names the route accepts. */
  const expectRejected = (r: Reply, known: readonly string[], body: unknown, what: string) => {
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
  };

  before(async () => {
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

  /**
   * Sends one request and checks the outcome: a rejection leaves everything as it was; `accepted` decides
   * whether a 2xx is legitimate for this body (then the caller's expectation of the new state is checked).
   */
  const check = async (
    method: string,
    path: string,
    s: Sent,
    known: readonly string[],
    parsedBody: unknown,
    accepted: (r: Reply) => boolean,
  ) => {
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
  };

  it('POST /api/bots: random and mutated configs are rejected with the field named, or create exactly one bot', async () => {
    const bodyArb = fc.oneof(
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.constantFrom(GRID, SPREAD), fc.array(editArb, { minLength: 1, maxLength: 3 }), fc.nat())
          .map(([base, edits, n]) => applyEdits({ ...base, name: `fz-${n % 1000}` }, edits)),
      },
    );
    await fc.assert(
      fc.asyncProperty(bodyArb, async (body) => {
        const bots = runner.sessions().length;
        const text = JSON.stringify(body);
        if (text === undefined) return;
        await check('POST', '/api/bots', { body: text }, TOP_KEYS, body, (r) => {
          // Only a valid config with a new name may create a bot, and then exactly one.
          assert.equal(r.status, 201);
          assert.doesNotThrow(() => parseBotConfig(body, 'body'));
          assert.equal(runner.sessions().length, bots + 1);
          return true;
        });
      }),
      { seed: 4101, numRuns: 250 },
    );
  });

  it('PUT /api/bots/:id/objective: bad patches leave the objective version and the running params alone', async () => {
    const sectionPatch = (base: Record<string, unknown>) =>
      fc
        .array(editArb, { minLength: 1, maxLength: 3 })
        .map((edits) => applyEdits(base, edits) as Record<string, unknown>);
    const grid = GRID.grid as Record<string, unknown>;
    const patchArb = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        {
          params: fc.oneof(sectionPatch(grid), badValue),
          execution: fc.oneof(sectionPatch(GRID.execution as Record<string, unknown>), badValue),
          risk: fc.oneof(sectionPatch(GRID.risk as Record<string, unknown>), badValue),
          note: fc.oneof(fc.string({ maxLength: 20 }), badValue, fc.constant('n'.repeat(501))),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(junkKey, badValue, { minKeys: 1, maxKeys: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('sol-grid', 'drift-kmno-spread'), patchArb, async (id, body) => {
        const text = JSON.stringify(body);
        if (text === undefined) return;
        const version = runner.session(id)?.objectiveVersion ?? 0;
        await check('PUT', `/api/bots/${id}/objective`, { body: text }, OBJECTIVE_KEYS, body, (r) => {
          assert.equal(r.status, 200);
          const v = (r.json as { version: number }).version;
          assert.ok(v === version || v === version + 1, `version ${version} → ${v}`);
          return true;
        });
      }),
      { seed: 4102, numRuns: 250 },
    );
  });

  it('command routes: anything but an empty body, {} or {"on": boolean} is refused; the switches stay', async () => {
    const cmdBody = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ on: badValue }, { requiredKeys: [] }),
      fc.dictionary(junkKey, badValue, { minKeys: 1, maxKeys: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('pause', 'resume', 'reduce-only'),
        fc.constantFrom('sol-grid', 'drift-kmno-spread'),
        cmdBody,
        async (action, id, body) => {
          const text = JSON.stringify(body);
          if (text === undefined) return;
          const known = action === 'reduce-only' ? ['on'] : [];
          const legit =
            (isObject(body) && Object.keys(body).length === 0) ||
            (action === 'reduce-only' &&
              isObject(body) &&
              Object.keys(body).length === 1 &&
              typeof body.on === 'boolean');
          await check('POST', `/api/bots/${id}/${action}`, { body: text }, known, body, (r) => {
            assert.ok(legit, 'only an empty object (or {"on": boolean} for reduce-only) is a command body');
            assert.equal(r.status, 200);
            return true;
          });
        },
      ),
      { seed: 4103, numRuns: 200 },
    );
  });

  it('non-JSON, damaged JSON, random bytes and wrong content types are refused on every body route', async () => {
    const routes = fc.constantFrom(
      ['POST', '/api/bots', TOP_KEYS],
      ['PUT', '/api/bots/sol-grid/objective', OBJECTIVE_KEYS],
      ['POST', '/api/bots/sol-grid/reduce-only', ['on']],
      ['POST', '/api/bots/sol-grid/pause', []],
      ['POST', '/api/bots/drift-kmno-spread/resume', []],
    ) as fc.Arbitrary<[string, string, string[]]>;
    const bodyArb = fc.oneof(
      rawBodyArb,
      damagedJsonArb({ ...GRID, name: 'fz-damaged' }),
      damagedJsonArb({ params: { stepPct: 0.7 }, risk: { maxLeverage: 2 } }),
      damagedJsonArb({ on: true }),
    );
    await fc.assert(
      fc.asyncProperty(routes, bodyArb, contentTypeArb, async ([method, path, known], body, ct) => {
        let parsed: unknown;
        const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
        try {
          parsed = JSON.parse(text.trim());
        } catch {
          parsed = undefined;
        }
        await check(method, path, { body, contentType: ct }, known, parsed, () => {
          // Some damage leaves a valid document (e.g. whitespace, or a cut that ends at a value, or an
          // unchanged body whose name exists → not 2xx); a 2xx must then be for a body a route accepts.
          return text.trim() === '' || isObject(parsed);
        });
      }),
      { seed: 4104, numRuns: 300 },
    );
  });

  it('huge and deeply nested bodies get a 4xx, and the server keeps answering', async () => {
    const bodies: [string, string][] = [
      ['over 64 KiB', JSON.stringify({ ...GRID, name: 'fz-huge', pad: 'x'.repeat(70_000) })],
      ['1 MiB', 'x'.repeat(1 << 20)],
      ['64 KiB of JSON just under the limit', JSON.stringify({ note: 'y'.repeat(65_000) })],
      ['nested arrays 30k deep', `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
      ['nested objects 10k deep', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
      ['nested under a known field', `{"params":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`],
      ['nested under risk', `{"risk":{"maxLeverage":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`],
      [
        'nested grid value',
        deepIn('{"name":"fz-deep","strategy":"grid","market":"SOL-PERP","collateral":1,"grid":{"levels":#}}'),
      ],
      [
        'nested spread value',
        deepIn('{"name":"fz-deep","strategy":"spread","collateral":1,"spread":{"window":#}}'),
      ],
      ['nested execution value', deepIn('{"params":{"stepPct":1},"execution":{"ttlSec":#}}')],
      [
        'nested fee',
        deepIn(
          '{"name":"fz-deep","strategy":"grid","market":"SOL-PERP","collateral":1,"fees":{"takerBps":#}}',
        ),
      ],
      [
        'nested collateral',
        deepIn('{"name":"fz-deep","strategy":"grid","market":"SOL-PERP","collateral":#}'),
      ],
      ['nested params value', deepIn('{"params":{"levels":#}}')],
      ['nested on', deepIn('{"on":#}')],
      ['many keys', JSON.stringify(Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`k${i}`, i])))],
    ];
    const routes: [string, string, string[]][] = [
      ['POST', '/api/bots', TOP_KEYS],
      ['PUT', '/api/bots/sol-grid/objective', OBJECTIVE_KEYS],
      ['POST', '/api/bots/sol-grid/reduce-only', ['on']],
      ['POST', '/api/bots/sol-grid/pause', []],
    ];
    const statuses: number[] = [];
    for (const [what, body] of bodies) {
      for (const [method, path, known] of routes) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        const r = await check(method, path, { body }, known, parsed, () => false);
        if (body.length > 64 * 1024) assert.equal(r.status, 413, `${what} on ${path}`);
        statuses.push(r.status);
      }
    }
    assert.ok(statuses.every((s) => s >= 400 && s < 500));
    const health = await send('GET', '/api/health');
    assert.equal(health.status, 200);
  });

  it('without the token every body is refused with 401 before it is read, and nothing changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ['POST', '/api/bots'],
          ['PUT', '/api/bots/sol-grid/objective'],
          ['POST', '/api/bots/sol-grid/pause'],
          ['POST', '/api/bots/sol-grid/resume'],
          ['POST', '/api/bots/sol-grid/reduce-only'],
        ) as fc.Arbitrary<[string, string]>,
        fc.oneof(
          fc.constant(JSON.stringify({ ...GRID, name: 'fz-no-token' })),
          fc.constant('{"on": true}'),
          fc.constant('{"params": {"stepPct": 0.9}}'),
          rawBodyArb.map((b) => (typeof b === 'string' ? b : Buffer.from(b).toString('latin1'))),
        ),
        fc.constantFrom(null, '', 'wrong', `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()),
        async ([method, path], body, token) => {
          const r = await check(method, path, { body, token }, [], undefined, () => false);
          assert.equal(r.status, 401);
        },
      ),
      { seed: 4105, numRuns: 120 },
    );
  });

  it('no request above produced a 500 or an internal error count', async () => {
    assert.equal(
      await runner.metrics.value(runner.metrics.apiErrors),
      0,
      'the API counted no internal error',
    );
    const bots = (await send('GET', '/api/bots')).json as { id: string }[];
    assert.equal(bots.length, 2 + created, 'the bot list holds the seeds plus what was validly created');
  });
});

/** `template` with `#` replaced by an array nested 15,000 deep (just under the 64 KiB body limit). */
function deepIn(template: string): string {
  return template.replace('#', `${'['.repeat(15_000)}${']'.repeat(15_000)}`);
}

function describeBody(body: string | Uint8Array | undefined): string {
  if (body === undefined) return '(no body)';
  const text = typeof body === 'string' ? body : `bytes ${Buffer.from(body).toString('hex')}`;
  return text.length > 200
    ? `${JSON.stringify(text.slice(0, 200))}… (${text.length} chars)`
    : JSON.stringify(text);
}
