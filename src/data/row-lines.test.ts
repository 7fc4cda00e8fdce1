import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RowLines } from './row-lines.ts';

describe('RowLines', () => {
  it('gives back the line of every row added, however the lines skip', () => {
    let stretches = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        // the step from one row's line to the next: mostly the next line, now and then a jump
        fc.array(fc.oneof(fc.constant(1), fc.constant(1), fc.constant(1), fc.integer({ min: 2, max: 50 })), {
          maxLength: 200,
        }),
        (first, steps) => {
          const lines = [first];
          for (const s of steps) lines.push((lines.at(-1) as number) + s);
          const r = new RowLines();
          for (const l of lines) r.add(l);
          assert.deepEqual(
            lines.map((_, i) => r.of(i)),
            lines,
          );
          if (steps.some((s) => s > 1)) stretches++;
        },
      ),
      { seed: 27, numRuns: 1000 },
    );
    assert.ok(stretches > 500, `jumps drawn (${stretches})`);
  });
});
