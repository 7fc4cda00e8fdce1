import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { writeFileAtomic } from './atomic-write.ts';

describe('writeFileAtomic', () => {
  it('writes text given in parts as the UTF-8 of the whole text, whatever the parts hold and however large', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
    try {
      // ASCII, Latin-1, beyond Latin-1 (—, ▲, ™) and astral characters; now and then a part past the 4 MiB buffer
      const part = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.constantFrom('—', '·', '▲ buy', '™', ''),
        fc.integer({ min: 1, max: 5 }).map((mb) => 'x'.repeat(mb * 1_000_000)),
      );
      fc.assert(
        fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
          const file = join(dir, 'out.txt');
          writeFileAtomic(file, parts);
          assert.ok(readFileSync(file).equals(Buffer.from(parts.join(''))));
        }),
        { seed: 27, numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
