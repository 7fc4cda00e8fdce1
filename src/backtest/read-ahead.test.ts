import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { FileWindow } from '../data/file-window.ts';
import { rowsReadAhead, stillTheFile } from './read-ahead.ts';
import { kindAhead, readCsvAhead, readFileAhead } from './read-file-ahead.ts';
import { countDriftRecords, countRows } from './streamed-files.ts';

/** The generic CSV's header (formatGenericCsv's): a file the load streams. */
const HEADER = 'timestamp,open,high,low,close,volume';
const dir = mkdtempSync(join(tmpdir(), 'zp-read-ahead-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('a file read ahead', () => {
  it('counts the rows the load would count, with or without a header', () => {
    // a header the load streams (after blank lines, perhaps), then lines of a few kinds: rows, empty lines, a lone
    // CR, a repeated header, other text; CRLF or LF endings, a newline at the end or not
    const line = fc.constantFrom('1,2,3,4,5,6', '', '\r', HEADER, 'x');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('', '\r'), { maxLength: 3 }),
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (blank, ls, eol, end) => {
          const text = [...blank, HEADER, ...ls].join(eol) + (end ? eol : '');
          const path = write('prop.csv', text);
          const read = readFileAhead(path);
          assert.ok(read?.bytes, 'read whole');
          for (const header of [true, false]) {
            assert.equal(rowsReadAhead(read.ahead, header), countRows(read.bytes, header));
          }
          assert.equal(Buffer.from(read.bytes).toString('utf8'), text, 'the bytes as written');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('read ahead by the run thread: counted as the load counts it, the bytes handed over as written', async () => {
    const line = fc.constantFrom('1,2,3,4,5,6', '', '\r', 'x');
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), async (ls, eol) => {
        const text = [HEADER, ...ls].join(eol);
        const path = write('run-thread.csv', text);
        const kind = kindAhead(path);
        assert.equal(kind?.reader, 'generic');
        let handed: Uint8Array | undefined;
        const read = await readCsvAhead(path, 'generic', (bytes) => {
          handed = bytes;
        });
        assert.ok(read && handed, 'read whole');
        assert.equal(Buffer.from(handed).toString('utf8'), text, 'the bytes as written');
        assert.ok(handed.buffer instanceof SharedArrayBuffer, 'in memory the reading thread shares');
        for (const header of [true, false])
          assert.equal(rowsReadAhead(read, header), countRows(handed, header));
        assert.equal(await stillTheFile(read, path), true);
      }),
      { numRuns: 50 },
    );
    assert.equal(await readCsvAhead(join(dir, 'missing.csv'), 'generic', () => {}), undefined, 'missing');
  });

  it('is not read unless the load would stream it: other JSON, a CSV with oracle columns, a folder, a missing file', () => {
    assert.equal(
      readFileAhead(write('object.json', '  \n{"fundingRates": []}')),
      undefined,
      'another object',
    );
    assert.equal(readFileAhead(write('list.json', '[1]')), undefined, 'an array');
    const oracle = `${HEADER},oracle_close\n1,2,3,4,5,6,7\n`;
    assert.equal(readFileAhead(write('oracle.csv', oracle)), undefined, 'oracle columns: the usual load');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    assert.equal(readFileAhead(folder), undefined, 'a folder');
    assert.equal(readFileAhead(join(dir, 'missing.csv')), undefined, 'missing');
    const withBom = Uint8Array.of(0xef, 0xbb, 0xbf, ...Buffer.from(`${HEADER}\n1,2,3,4,5,6\n`));
    assert.equal(readFileAhead(write('bom.csv', withBom))?.ahead.count, 2, 'a CSV after a byte order mark');
    const klines = '1700000000000,1,2,0.5,1.5,10,1700000059999,15,3,5,7.5,0\n';
    assert.equal(
      readFileAhead(write('klines.csv', klines))?.ahead.count,
      1,
      'Binance klines without a header',
    );
  });

  it('counts Drift candle JSON as the load counts it, through a window, without keeping its bytes', () => {
    const record = (k: number): string =>
      `{"start": "${1_700_000_000_000 + k * 60_000}", "fillClose": "1.5"}`;
    const records = Array.from({ length: 50 }, (_, k) => record(k));
    // a repeat at a chunk's edge (dropped), and a member after the array as Drift's API answers (no record)
    records.splice(20, 0, record(19));
    const text = `{\n  "candles": [\n    ${records.join(',\n    ')}\n  ],\n  "lastTradeSeen": {"ts": "1"}\n}\n`;
    for (const [name, bytes] of [
      ['drift.json', Buffer.from(text)],
      ['bom-drift.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ] as const) {
      const path = write(name, bytes);
      const read = readFileAhead(path);
      assert.ok(read, `${name}: counted`);
      assert.equal(read.bytes, undefined, `${name}: not read whole`);
      assert.equal(read.ahead.reader, 'drift-json');
      const window = new FileWindow(path);
      const counted = countDriftRecords(window).rows;
      window.close();
      assert.equal(counted, 50, `${name}: the repeat dropped, the member no record`);
      assert.equal(rowsReadAhead(read.ahead, false), counted, `${name}: as the load counts it`);
    }
  });

  it('stands only while the file is the one read: not after it is rewritten, touched or replaced', async () => {
    const path = write('sol.csv', `${HEADER}\n1,2,3,4,5,6\n`);
    const read = readFileAhead(path);
    assert.ok(read);
    assert.equal(await stillTheFile(read.ahead, path), true, 'unchanged');
    assert.equal(
      await stillTheFile(read.ahead, `${dir}/./sol.csv`),
      false,
      'another path to it is another file',
    );
    writeFileSync(path, `${HEADER}\n1,2,3,4,5,6\n1,2,3,4,5,7\n`);
    assert.equal(await stillTheFile(read.ahead, path), false, 'rewritten');

    const again = readFileAhead(path);
    assert.ok(again);
    utimesSync(path, new Date(), new Date(Date.now() + 60_000));
    assert.equal(await stillTheFile(again.ahead, path), false, 'the same size, touched');

    const third = readFileAhead(path);
    assert.ok(third);
    // replaced as editors and atomic writers replace a file: a new one renamed over it (another inode)
    renameSync(write('new.csv', `${HEADER}\n1,2,3,4,5,8\n1,2,3,4,5,9\n`), path);
    assert.equal(await stillTheFile(third.ahead, path), false, 'replaced by a file of the same size');
    rmSync(path);
    assert.equal(await stillTheFile(third.ahead, path), false, 'removed');
  });
});
