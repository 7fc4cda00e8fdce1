/**
 * Damaged market data files (cuts, stray bytes, duplicated, dropped and swapped lines, random bytes) load or
 * fail with a DataError naming the file and a line inside it — never another exception — and loading writes
 * nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { loadMarketFile, parseMarketText } from '../../src/data/detect.ts';
import { DataError } from '../../src/data/errors.ts';
import { mutate, mutationArb } from '../test-support/mutations.ts';

const data = new URL('../../data/', import.meta.url);
const headLines = (name: string, n: number): string =>
  readFileSync(new URL(name, data), 'utf8').split('\n').slice(0, n).join('\n');
/** A real JSON export cut down to its first `n` records, pretty-printed as the exports are. */
function headJson(name: string, key: string, n: number): string {
  const root = JSON.parse(readFileSync(new URL(name, data), 'utf8')) as Record<string, unknown[]>;
  return JSON.stringify({ ...root, [key]: (root[key] as unknown[]).slice(0, n) }, null, 2);
}
const SAMPLES: Record<string, string> = {
  'sol.csv': headLines('binance/SOLUSDT-spot-1m-2025-03.csv', 40),
  'drift.json': headJson('drift/price/drift_1h_90days.json', 'candles', 12),
  'kmno.json': headJson('drift/price/kmno_1h_90days.json', 'candles', 12),
  'funding.json': headJson('drift/funding/drift-perp.json', 'fundingRates', 12),
  'binance.csv': [
    'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
    '1740787200000,147.25,147.36,147.21,147.33,2450.688,1740787259999,361000.1,900,1200.1,176000.2,0',
    '1740787260000,147.33,147.45,147.22,147.38,3618.358,1740787319999,533000.5,950,1800.2,265000.4,0',
  ].join('\n'),
};

function expectDataOutcome(run: () => unknown, file: string, text: string): void {
  try {
    run();
  } catch (err) {
    assert.ok(
      err instanceof DataError,
      `expected a DataError, got ${(err as Error)?.stack ?? err}\n${JSON.stringify(text.slice(0, 300))}`,
    );
    assert.equal(err.file, file);
    const lines = text.split('\n').length;
    assert.ok(
      Number.isInteger(err.line) && err.line >= 0 && err.line <= lines + 1,
      `line ${err.line} of ${lines}`,
    );
    assert.equal(err.message, `${file}:${err.line}: ${err.reason}`);
    assert.ok(err.reason.length > 0);
  }
}

describe('fuzz: market data', () => {
  it('every sample loads cleanly before damage', () => {
    for (const [name, text] of Object.entries(SAMPLES)) parseMarketText(text, name);
  });

  it('damaged real files load or fail with a DataError naming file and line', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(SAMPLES)),
        fc.array(mutationArb, { minLength: 1, maxLength: 5 }),
        (name, ms) => {
          const text = mutate(SAMPLES[name] as string, ms);
          expectDataOutcome(() => parseMarketText(text, name), name, text);
        },
      ),
      { seed: 2001, numRuns: 800 },
    );
  });

  it('random bytes and random text fail with a DataError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ maxLength: 300 }),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
        ),
        (text) => {
          expectDataOutcome(() => parseMarketText(text, 'x.dat'), 'x.dat', text);
        },
      ),
      { seed: 2002, numRuns: 500 },
    );
  });

  it('through the file loader: same contract, and loading writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zero-perps-fuzz-data-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(SAMPLES)),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        async (name, ms) => {
          const path = join(dir, name);
          const text = mutate(SAMPLES[name] as string, ms);
          writeFileSync(path, text);
          const before = readdirSync(dir).sort();
          try {
            await loadMarketFile(path);
          } catch (err) {
            assert.ok(err instanceof DataError, `expected a DataError, got ${(err as Error)?.stack ?? err}`);
            assert.equal(err.file, path);
          }
          assert.deepEqual(readdirSync(dir).sort(), before, 'no file was written');
          assert.equal(readFileSync(path, 'utf8'), text, 'the input is untouched');
        },
      ),
      { seed: 2003, numRuns: 60 },
    );
  });
});
