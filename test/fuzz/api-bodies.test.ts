/**
 * Bad API request bodies that are JSON documents — random JSON, mutated valid configs, objective patches and
 * command bodies with wrong values and junk keys — sent to every route that reads a body (POST /api/bots,
 * PUT /api/bots/:id/objective, POST pause / resume / reduce-only) must end in a 4xx `{error, field?}`
 * (a 400 names the field at fault, `body` when it is the whole body), never a 500 or a dropped connection,
 * and never a partial write: after a rejection the bots, their records, objective versions and operator
 * switches in the database, and what the API shows, are exactly as before. Bodies that are not JSON, too big
 * or too deep, or sent without the token: api-malformed-bodies.test.ts.
 *
 * The API runs in-process on a real Runner (paper replay, PGlite in memory; test-support/fuzzed-api.ts).
 * Seeds are fixed; a failure prints the seed and the shrunk counterexample.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import {
  check,
  created,
  GRID,
  isObject,
  OBJECTIVE_KEYS,
  runner,
  SPREAD,
  send,
  TOP_KEYS,
  useFuzzedApi,
} from '../test-support/fuzzed-api.ts';

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

describe('fuzz: API request bodies', () => {
  useFuzzedApi();

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
