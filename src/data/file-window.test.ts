import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { FileWindow } from './file-window.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-window-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function windowOf(text: string, readBytes: number): FileWindow {
  const path = join(dir, `w${n++}`);
  writeFileSync(path, text);
  return new FileWindow(path, readBytes);
}

describe('FileWindow', () => {
  it('finds what the whole text holds, reads any span after the release point, whatever the read size', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '}', '"', 'é', ' ', 'x'), maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('}', '"s', 'a}a'),
        (text, readBytes, needle) => {
          const bytes = Buffer.from(text, 'utf8');
          const w = windowOf(text, readBytes);
          try {
            assert.equal(w.length, bytes.length);
            const want = Buffer.from(needle);
            // every match, in order, as the bytes' own indexOf finds them, the window let go behind each
            for (let at = 0, k = 0; ; k++) {
              const found = w.indexOf(want, at);
              assert.equal(found, bytes.indexOf(want, at), `match ${k} from ${at}`);
              if (found === -1) break;
              assert.equal(w.code(found), bytes[found]);
              assert.equal(
                w.text(found, Math.min(bytes.length, found + 7)),
                bytes.toString('utf8', found, found + 7),
              );
              // a span's bytes as a view (read before the window is asked anything else)
              const span = Math.min(bytes.length, found + readBytes + 3);
              assert.deepEqual(
                [...w.bytes(found, span)],
                [...bytes.subarray(found, span)],
                `bytes at ${found}`,
              );
              w.release(found);
              at = found + 1;
            }
            assert.equal(w.code(bytes.length), -1, 'past the end');
            assert.equal(w.whole(), text, 'the whole text, read again');
          } finally {
            w.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says whether two spans hold the same bytes, as the bytes themselves say, whatever the read size', () => {
    fc.assert(
      fc.property(
        // short alphabets and repeated runs: equal spans are common, and spans longer than the byte loop's head
        fc.array(fc.constantFrom('ab', 'ab', 'abc', '{"t":1}', 'x'.repeat(70)), { maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (parts, readBytes, x, y, z) => {
          const text = parts.join('');
          const bytes = Buffer.from(text, 'utf8');
          if (bytes.length < 2) return;
          const a = x % (bytes.length - 1);
          const b = a + 1 + (y % (bytes.length - a - 1 || 1));
          const n = 1 + (z % 90);
          const w = windowOf(text, readBytes);
          try {
            const want = b + n <= bytes.length && bytes.subarray(a, a + n).equals(bytes.subarray(b, b + n));
            assert.equal(w.same(a, b, n), want, `[${a}, +${n}) against [${b}, +${n})`);
          } finally {
            w.close();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
