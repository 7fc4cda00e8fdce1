/**
 * Bad config input of every shape ends in a ConfigError that names where the problem is — never another
 * exception: damaged YAML/JSON text through parseConfigText, damaged files through readConfigFile, and random
 * values in every field through parseBotConfig.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { parseConfigText, readConfigFile } from '../../src/config/read-config-file.ts';
import { mutate, mutationArb } from '../test-support/mutations.ts';

const examples = new URL('../../examples/', import.meta.url);
const GRID_YAML = readFileSync(new URL('sol-grid.yaml', examples), 'utf8');
const SPREAD_YAML = readFileSync(new URL('drift-kmno-spread.yaml', examples), 'utf8');
const GRID = parseConfigText(GRID_YAML, 'g.yaml') as Record<string, unknown>;
const SPREAD = parseConfigText(SPREAD_YAML, 's.yaml') as Record<string, unknown>;
const GRID_JSON = JSON.stringify(GRID, null, 2);

/** A problem names a field (`risk.maxLeverage: …`) or, for the document itself, says what it must be. */
const NAMED = /^[\s\S]*?: \S/;
const WHOLE = /^(must be a mapping of settings|holds no settings|the file is empty|not valid (YAML|JSON))/;

function expectConfigOutcome(run: () => unknown, what: string): void {
  try {
    run();
  } catch (err) {
    assert.ok(
      err instanceof ConfigError,
      `${what}: expected a ConfigError, got ${(err as Error)?.stack ?? err}`,
    );
    assert.ok(err.problems.length > 0, `${what}: a ConfigError lists its problems`);
    for (const p of err.problems) {
      assert.ok(
        NAMED.test(p) || WHOLE.test(p),
        `${what}: problem does not name a field: ${JSON.stringify(p)}`,
      );
    }
  }
}

const fullParse = (text: string, source: string) => () =>
  parseBotConfig(parseConfigText(text, source), source);

describe('fuzz: config text', () => {
  it('damaged YAML ends in a config or a ConfigError naming a field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(GRID_YAML, SPREAD_YAML),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (base, ms) => {
          const text = mutate(base, ms);
          expectConfigOutcome(fullParse(text, 'bot.yaml'), JSON.stringify(text.slice(0, 200)));
        },
      ),
      { seed: 1001, numRuns: 400 },
    );
  });

  it('damaged JSON ends in a config or a ConfigError', () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => {
        const text = mutate(GRID_JSON, ms);
        expectConfigOutcome(fullParse(text, 'bot.json'), JSON.stringify(text.slice(0, 200)));
      }),
      { seed: 1002, numRuns: 300 },
    );
  });

  it('arbitrary text, YAML-looking or not, never escapes as another exception', () => {
    const yamlish = fc
      .array(
        fc.constantFrom(
          'a: ',
          '- ',
          '{',
          '}',
          '[',
          ']',
          ': ',
          '&x ',
          '*x ',
          '!!str ',
          '? ',
          '|',
          '>',
          '\n',
          '  ',
          '"',
          "'",
          '#',
          '1',
          'name',
          'risk',
          'grid',
        ),
        { maxLength: 40 },
      )
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(
        fc.oneof(yamlish, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })),
        fc.constantFrom('c.yaml', 'c.json', 'c.yml'),
        (text, source) => {
          expectConfigOutcome(fullParse(text, source), JSON.stringify(text));
        },
      ),
      { seed: 1003, numRuns: 500 },
    );
  });

  it('many aliases (a "billion laughs" file) end in a ConfigError, not a crash', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    expectConfigOutcome(fullParse(lines.join('\n'), 'bomb.yaml'), 'alias bomb');
  });
});

/**
 * What a config can hold once parsed: JSON values (from JSON files, YAML documents and API bodies), plus the
 * odd YAML scalars. BigInt and null-prototype objects never come out of a parser, so they are not drawn here.
 */
const configValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, new Date(0)),
);

describe('fuzz: config values', () => {
  const paths: [string, string?][] = [];
  for (const [k, v] of Object.entries(GRID)) {
    paths.push([k]);
    if (v && typeof v === 'object' && !Array.isArray(v))
      for (const sub of Object.keys(v)) paths.push([k, sub]);
  }
  const set = (cfg: Record<string, unknown>, [a, b]: [string, string?], value: unknown) => {
    const copy = structuredClone(cfg);
    if (b === undefined) copy[a] = value;
    else copy[a] = { ...(copy[a] as Record<string, unknown>), [b]: value };
    return copy;
  };

  it('any value in any field gives a config or a ConfigError that names that field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), configValue, (path, value) => {
        const cfg = set(GRID, path, value);
        try {
          parseBotConfig(cfg, 'bot.yaml');
        } catch (err) {
          assert.ok(
            err instanceof ConfigError,
            `expected a ConfigError, got ${(err as Error)?.stack ?? err}`,
          );
          const top = path[0];
          const named = err.problems.some(
            (p) => p.startsWith(`${top}`) || (top === 'strategy' && /^(market|grid|strategy)/.test(p)),
          );
          assert.ok(named, `field ${path.join('.')} is not named in ${JSON.stringify(err.problems)}`);
        }
      }),
      { seed: 1004, numRuns: 600 },
    );
  });

  it('random top-level documents and spread configs end in a config or a ConfigError', () => {
    fc.assert(
      fc.property(configValue, fc.constantFrom(GRID, SPREAD), fc.boolean(), (value, base, asWhole) => {
        expectConfigOutcome(
          () =>
            parseBotConfig(
              asWhole
                ? value
                : { ...base, ...(typeof value === 'object' && value !== null ? value : { spread: value }) },
              'bot.yaml',
            ),
          String(value),
        );
      }),
      { seed: 1005, numRuns: 400 },
    );
  });
});

describe('fuzz: config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zero-perps-fuzz-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('damaged files on disk end in a ConfigError naming the file; missing files too', () => {
    fc.assert(
      fc.property(
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('bot.yaml', 'bot.json'),
        (ms, name) => {
          const path = join(dir, name);
          writeFileSync(path, mutate(name.endsWith('.json') ? GRID_JSON : GRID_YAML, ms));
          try {
            parseBotConfig(readConfigFile(path), path);
          } catch (err) {
            assert.ok(
              err instanceof ConfigError,
              `expected a ConfigError, got ${(err as Error)?.stack ?? err}`,
            );
            assert.ok(err.message.startsWith(path), `the message names the file: ${err.message}`);
          }
        },
      ),
      { seed: 1006, numRuns: 100 },
    );
    assert.throws(
      () => readConfigFile(join(dir, 'nope.yaml')),
      (e: unknown) => e instanceof ConfigError && /file not found/.test(e.message),
    );
    assert.deepEqual(
      readdirSync(dir).sort(),
      ['bot.json', 'bot.yaml'].filter((f) => readdirSync(dir).includes(f)).sort(),
    );
  });
});
