import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { readFileAhead, rowsReadAhead, stillTheFile } from './read-ahead.ts';
import { countRows } from './streamed-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-read-ahead-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('a CSV read ahead', () => {
  it('counts the rows the load would count, with or without a header', () => {
    // lines of a few kinds: rows, empty lines, a lone CR, CRLF endings, no newline at the end
    const line = fc.constantFrom('1,2,3,4,5,6', '', '\r', 'timestamp,open', 'x');
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (ls, eol, end) => {
          const text = ls.join(eol) + (end ? eol : '');
          const path = write('prop.csv', text);
          const read = readFileAhead(path);
          // a file that opens as JSON is never read ahead; these never do
          assert.ok(read, 'read');
          for (const header of [true, false]) {
            assert.equal(rowsReadAhead(read.ahead, header), countRows(read.bytes, header));
          }
          assert.equal(Buffer.from(read.bytes).toString('utf8'), text, 'the bytes as written');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is not read when it is JSON (Drift candles are read through a window), a folder or missing', () => {
    assert.equal(readFileAhead(write('candles.json', '  \n{"candles": []}')), undefined, 'an object');
    assert.equal(readFileAhead(write('list.json', '[1]')), undefined, 'an array');
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf, ...Buffer.from('{"candles": []}'));
    assert.equal(readFileAhead(write('bom.json', bom)), undefined, 'JSON after a byte order mark');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    assert.equal(readFileAhead(folder), undefined, 'a folder');
    assert.equal(readFileAhead(join(dir, 'missing.csv')), undefined, 'missing');
    assert.ok(readFileAhead(write('bom.csv', Uint8Array.of(0xef, 0xbb, 0xbf, ...Buffer.from('a,b\n1,2\n')))));
  });

  it('stands only while the file is the one read: not after it is rewritten, touched or replaced', async () => {
    const path = write('sol.csv', 'timestamp,open\n1,2\n');
    const read = readFileAhead(path);
    assert.ok(read);
    assert.equal(await stillTheFile(read.ahead, path), true, 'unchanged');
    assert.equal(
      await stillTheFile(read.ahead, `${dir}/./sol.csv`),
      false,
      'another path to it is another file',
    );
    writeFileSync(path, 'timestamp,open\n1,2\n3,4\n');
    assert.equal(await stillTheFile(read.ahead, path), false, 'rewritten');

    const again = readFileAhead(path);
    assert.ok(again);
    utimesSync(path, new Date(), new Date(Date.now() + 60_000));
    assert.equal(await stillTheFile(again.ahead, path), false, 'the same size, touched');

    const third = readFileAhead(path);
    assert.ok(third);
    // replaced as editors and atomic writers replace a file: a new one renamed over it (another inode)
    renameSync(write('new.csv', 'timestamp,open\n5,6\n7,8\n'), path);
    assert.equal(await stillTheFile(third.ahead, path), false, 'replaced by a file of the same size');
    rmSync(path);
    assert.equal(await stillTheFile(third.ahead, path), false, 'removed');
  });
});
