import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { loadMarketFile } from './detect.ts';
import { driftCandlesFromJson } from './drift-candles.ts';
import { readDriftCandleFileInPieces, readDriftCandlesInPieces } from './drift-candles-chunked.ts';
import { FileWindow } from './file-window.ts';
import type { CandleLoad } from './load-result.ts';

const root = new URL('../../', import.meta.url).pathname;
const REAL = ['drift_15m_90days.json', 'drift_1h_90days.json', 'kmno_15m_90days.json', 'kmno_1h_90days.json'];

/** What parsing the whole text gives: the load, or the error's message. */
function whole(file: string, text: string): CandleLoad | string {
  try {
    return driftCandlesFromJson(file, text, JSON.parse(text));
  } catch (err) {
    return (err as Error).message;
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'zp-drift-pieces-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let written = 0;

/** The file route: the text written to a file, read through a window of `readBytes` a read (small: many reads). */
function fromFile(file: string, text: string, perPiece: number, readBytes = 97): CandleLoad | undefined {
  const path = join(scratch, `f${written++}.json`);
  writeFileSync(path, text);
  const window = new FileWindow(path, readBytes);
  try {
    return readDriftCandleFileInPieces(file, window, perPiece);
  } finally {
    window.close();
  }
}

describe('Drift candles read a piece at a time', () => {
  for (const name of REAL) {
    it(`${name}: the same load as the whole file's parse, in pieces of any size, from text or a file`, () => {
      const file = `data/drift/price/${name}`;
      const text = readFileSync(join(root, file), 'utf8');
      const expected = whole(file, text);
      assert.notEqual(typeof expected, 'string');
      for (const perPiece of [1, 7, 2048]) {
        assert.deepEqual(
          readDriftCandlesInPieces(file, text, perPiece),
          expected,
          `text, ${perPiece} a piece`,
        );
        assert.deepEqual(fromFile(file, text, perPiece), expected, `file, ${perPiece} a piece`);
      }
    });
  }

  it('loads a Drift file as before through loadMarketFile (read in pieces through a window)', async () => {
    const text = readFileSync(join(root, 'data/drift/price/drift_15m_90days.json'), 'utf8');
    const path = join(scratch, 'drift.json');
    writeFileSync(path, text);
    const loaded = await loadMarketFile(path);
    assert.equal(loaded.kind, 'candles');
    assert.deepEqual(loaded, { kind: 'candles', ...(whole(path, text) as CandleLoad) });
  });

  it('gives way where the whole parse would read another document or fail', () => {
    const rec = (ts: number, extra = ''): string =>
      `{"start":"${ts}","fillOpen":"1","fillHigh":"2","fillLow":"0.5","fillClose":"1.5","oracleOpen":"1","oracleHigh":"2","oracleLow":"0.5","oracleClose":"1.5","baseVolume":"3"${extra}}`;
    const two = `${rec(60_000)},${rec(120_000)}`;
    const cases: [string, string][] = [
      ['a second "candles" member wins in the whole', `{"candles":[${two}],"candles":[${rec(60_000)}]}`],
      ['text after the document', `{"candles":[${two}]} x`],
      ['an empty array', '{"candles":[]}'],
      ['a record without a field', `{"candles":[${rec(60_000)},{"start":"120000"}]}`],
      ['another member first', `{"note":1,"candles":[${two}]}`],
      ['a byte-order mark', `\ufeff{"candles":[${two}]}`],
      ['a record that is not an object', `{"candles":[${rec(60_000)},[1]]}`],
    ];
    for (const [what, text] of cases) {
      assert.equal(readDriftCandlesInPieces('x.json', text, 1), undefined, what);
      assert.equal(fromFile('x.json', text, 1), undefined, what);
    }
    // and reads what it can: a cut that falls in a string or a nested value is refused by JSON.parse
    const tricky = `{"candles":[${rec(60_000, ',"note":"},{\\"]"')},${rec(120_000, ',"more":{"a":[{"b":1}],"c":"}]"}')}],"tail":{"x":"}"}}`;
    const load = readDriftCandlesInPieces('x.json', tricky, 1);
    assert.notEqual(load, undefined, 'read in pieces');
    assert.deepEqual(load, whole('x.json', tricky));
  });

  it('reads a file whose every record the byte reader declines (then JSON.parse alone, after eight pieces)', () => {
    const rec = (ts: number): string =>
      `{"start":"${ts}","fillOpen":"1","fillHigh":"2","fillLow":"0.5","fillClose":"1.5","oracleOpen":"1","oracleHigh":"2","oracleLow":"0.5","oracleClose":"1.5","baseVolume":"3","note":"an \\"escaped\\" word"}`;
    const text = `{"candles":[${Array.from({ length: 30 }, (_, k) => rec(60_000 * (k + 1))).join(',\n')}]}`;
    const expected = whole('x.json', text);
    assert.notEqual(typeof expected, 'string');
    assert.deepEqual(fromFile('x.json', text, 1), expected);
    assert.deepEqual(fromFile('x.json', text, 4), expected);
  });

  it('equals the whole parse on generated documents (times out of order, repeats, layouts, extra fields)', () => {
    let exactRepeats = 0;
    const candle = fc
      .record({
        low: fc.integer({ min: 1, max: 1_000_000 }),
        span: fc.integer({ min: 0, max: 1000 }),
        o: fc.double({ min: 0, max: 1, noNaN: true }),
        c: fc.double({ min: 0, max: 1, noNaN: true }),
        volume: fc.constantFrom(0, 1.5, 250),
        step: fc.constantFrom(60_000, 60_000, 60_000, 0, -60_000, 120_000),
        asNumbers: fc.boolean(),
        extra: fc.constantFrom('', ',"resolution":"1"', ',"n":null', ',"o":{"k":[1,"}]"]}', ',"s":"},{"'),
        // the record before again, as the export's overlapping chunks repeat it (kept in columns, dropped)
        again: fc.constantFrom(false, false, false, true),
      })
      .map((r) => ({ ...r, high: r.low + r.span }));
    fc.assert(
      fc.property(
        fc.array(candle, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(0, 2),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('', ',"beyondMaxLookback":false', ',"lastTradeSeen":{"a":"}","b":[1,2]}'),
        (rows, indent, perPiece, tail) => {
          let ts = 1_700_000_000_000;
          const records: string[] = [];
          for (const r of rows) {
            const before = records.at(-1);
            if (r.again && before !== undefined) {
              records.push(before);
              exactRepeats++;
              continue;
            }
            ts += r.step;
            const price = (v: number): string => String((r.low + Math.round(v * r.span)) / 1e4);
            const f = (v: string): string => (r.asNumbers ? v : JSON.stringify(v));
            const fields = {
              start: f(String(ts)),
              fillOpen: f(price(r.o)),
              fillHigh: f(String(r.high / 1e4)),
              fillLow: f(String(r.low / 1e4)),
              fillClose: f(price(r.c)),
              oracleOpen: f(price(r.o)),
              oracleHigh: f(String(r.high / 1e4)),
              oracleLow: f(String(r.low / 1e4)),
              oracleClose: f(price(r.c)),
              baseVolume: f(String(r.volume)),
            };
            const body = Object.entries(fields)
              .map(([k, v]) => `"${k}":${v}`)
              .join(indent ? ',\n    ' : ',');
            records.push(`{${body}${r.extra}}`);
          }
          const sep = indent ? ',\n  ' : ',';
          const text = `{${indent ? '\n  ' : ''}"candles":[${records.join(sep)}]${tail}}\n`;
          const expected = whole('g.json', text);
          const got = readDriftCandlesInPieces('g.json', text, perPiece);
          if (typeof expected === 'string') assert.equal(got, undefined, expected);
          else {
            // nothing here should make it give way: the cuts in strings and nested values are refused and retried
            assert.notEqual(got, undefined, 'read in pieces');
            assert.deepEqual(got, expected);
          }
          assert.deepEqual(fromFile('g.json', text, perPiece), got);
        },
      ),
      { numRuns: 300 },
    );
    assert.ok(exactRepeats > 100, `exact repeats generated: ${exactRepeats}`);
  });

  it('loads a file whose chunk edges repeat a record as the whole parse loads it', () => {
    // the year's first day as `data download` wrote it: windows of 100 records whose edges repeat a record
    const start = 1_735_689_600_000;
    const records: string[] = [];
    for (let w = 0; w < 1440; w += 100) {
      for (let i = w; i <= Math.min(w + 100, 1439); i++) {
        const p = String(100 + (i % 7) / 10);
        records.push(
          JSON.stringify({
            start: String(start + i * 60_000),
            fillOpen: p,
            fillHigh: p,
            fillLow: p,
            fillClose: p,
            oracleOpen: p,
            oracleHigh: p,
            oracleLow: p,
            oracleClose: p,
            baseVolume: i % 5 === 0 ? '0' : '1',
          }),
        );
      }
    }
    const text = `{"candles":[${records.join(',')}]}`;
    const expected = whole('day.json', text);
    assert.notEqual(typeof expected, 'string', String(expected));
    const got = readDriftCandlesInPieces('day.json', text, 64);
    assert.deepEqual(got, expected);
    assert.equal(got?.report.duplicatesDropped, 14);
    assert.equal(got?.report.outOfOrder, 14);
    assert.equal(got?.bars.length, 1440);
  });
});
