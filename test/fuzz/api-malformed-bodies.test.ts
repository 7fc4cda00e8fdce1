/**
 * API request bodies that are not a JSON document of the right shape — non-JSON, damaged JSON text, random
 * bytes, wrong content types, huge and deeply nested bodies, and bodies sent without the token — sent to every
 * route that reads a body (POST /api/bots, PUT /api/bots/:id/objective, POST pause / resume / reduce-only) must
 * end in a 4xx `{error, field?}` (401 without the token, 413 past 64 KiB), never a 500 or a dropped connection,
 * and never a partial write: after a rejection the bots, their records, objective versions and operator
 * switches in the database, and what the API shows, are exactly as before. JSON bodies with wrong values:
 * api-bodies.test.ts.
 *
 * The API runs in-process on a real Runner (paper replay, PGlite in memory; test-support/fuzzed-api.ts).
 * Seeds are fixed; a failure prints the seed and the shrunk counterexample.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  check,
  created,
  GRID,
  isObject,
  OBJECTIVE_KEYS,
  runner,
  send,
  TOKEN,
  TOP_KEYS,
  useFuzzedApi,
} from '../test-support/fuzzed-api.ts';
import { mutate, mutationArb } from '../test-support/mutations.ts';

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
  useFuzzedApi();

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
