/**
 * The config reference and the JSON Schema in docs/ are generated from the one schema: this fails when they
 * are stale (run `npm run docs:config`), when a field has no description, and when the schema and the parser
 * disagree on what a config file may be.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseBotConfig } from './bot-config.ts';
import { parseConfigText, readConfigFile } from './read-config-file.ts';
import { configFields, renderConfigReference, renderInitConfig, renderJsonSchema } from './reference.ts';
import { botConfigSchema } from './schema.ts';

const docs = new URL('../../docs/', import.meta.url);
const examples = new URL('../../examples/', import.meta.url);

const accepts = (raw: unknown): boolean => {
  try {
    parseBotConfig(raw, 'x.yaml');
    return true;
  } catch {
    return false;
  }
};

describe('config reference', () => {
  it('docs/config.md and docs/bot-config.schema.json are what the schema generates (npm run docs:config)', () => {
    assert.equal(readFileSync(new URL('config.md', docs), 'utf8'), renderConfigReference());
    assert.equal(readFileSync(new URL('bot-config.schema.json', docs), 'utf8'), renderJsonSchema());
  });

  it('describes every field', () => {
    const missing = configFields()
      .filter((r) => r.description === '')
      .map((r) => r.path);
    assert.deepEqual(missing, [], 'add a line for each to src/config/field-docs.ts');
  });

  it('the schema accepts the examples and both init templates, as the parser does', () => {
    for (const f of ['sol-grid.yaml', 'drift-kmno-spread.yaml']) {
      const raw = readConfigFile(new URL(f, examples).pathname);
      assert.ok(accepts(raw), f);
      assert.ok(botConfigSchema.safeParse(raw).success, f);
    }
    for (const strategy of ['grid', 'spread'] as const) {
      const text = renderInitConfig({
        strategy,
        name: `my-${strategy}`,
        market: 'SOL-PERP',
        collateral: 500,
      });
      const raw = parseConfigText(text, 'init.yaml');
      assert.ok(accepts(raw), text);
      assert.ok(botConfigSchema.safeParse(raw).success);
      // Uncommenting every line ("# " removed) gives the defaults spelled out: still valid, same config.
      const full = text
        .split('\n')
        .map((l) => (/^# {0,}[A-Za-z0-9]+:/.test(l) && !l.startsWith('# zero-perps') ? l.slice(2) : l))
        .join('\n');
      const fullRaw = parseConfigText(full, 'full.yaml');
      assert.deepEqual(parseBotConfig(fullRaw, 'full.yaml'), parseBotConfig(raw, 'init.yaml'), full);
    }
  });

  it('the schema and the parser agree on random edits of the examples', () => {
    const grid = readConfigFile(new URL('sol-grid.yaml', examples).pathname) as Record<string, unknown>;
    const spread = readConfigFile(new URL('drift-kmno-spread.yaml', examples).pathname) as Record<
      string,
      unknown
    >;
    const rows = configFields();
    const value = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: -5, max: 300 }),
      fc.double({ min: -2, max: 1e10, noNaN: true }),
      fc.constantFrom('auto', 'linear', 'must', 'pause', 'SOL-PERP', 'DRIFT-PERP', 'x', true, false, null),
      fc.constant(null).map(() => [5, 95]),
      // a fresh object each time: one shared {} set at a path and at its child would make a cycle
      fc
        .constant(null)
        .map(() => ({})),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(grid, spread),
        fc.array(fc.tuple(fc.constantFrom(...rows.map((r) => r.path)), value), { maxLength: 3 }),
        (base, edits) => {
          const raw = structuredClone(base);
          for (const [path, v] of edits) {
            const keys = path.split('.');
            let at: Record<string, unknown> = raw;
            for (const k of keys.slice(0, -1)) {
              if (typeof at[k] !== 'object' || at[k] === null || Array.isArray(at[k])) at[k] = {};
              at = at[k] as Record<string, unknown>;
            }
            at[keys.at(-1) as string] = v;
          }
          const json = JSON.parse(JSON.stringify(raw)); // as a file would hold it (no undefined)
          assert.equal(botConfigSchema.safeParse(json).success, accepts(json), JSON.stringify(json));
        },
      ),
      { seed: 16, numRuns: 600 },
    );
  });
});
