import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { forEachRow, parseNumberAt } from './csv.ts';

describe('parseNumberAt', () => {
  it('gives exactly what Number() gives for decimal text (property)', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,18}$/), fc.option(fc.stringMatching(/^\d{0,18}$/)))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(fc.oneof(decimal, fc.double({ noNaN: true }).map(String)), (s) => {
        assert.ok(Object.is(parseNumberAt(`x,${s},y`, 2, 2 + s.length), Number(s)), s);
      }),
      { seed: 5, numRuns: 5000 },
    );
  });

  it('treats empty and blank cells as NaN, not zero', () => {
    assert.ok(Number.isNaN(parseNumberAt('a,,b', 2, 2)));
    assert.ok(Number.isNaN(parseNumberAt('a,  ,b', 2, 4)));
    assert.ok(Number.isNaN(parseNumberAt('-', 0, 1)));
    assert.ok(Number.isNaN(parseNumberAt('.', 0, 1)));
    assert.equal(parseNumberAt(' 1.5 ', 0, 5), 1.5);
  });
});

describe('forEachRow', () => {
  it('yields fields, line numbers, skips blank lines and strips CR and quotes', () => {
    const text = 'a,b\r\n\r\n"1",2\n   \n3,,4\n5';
    const seen: [number, string[]][] = [];
    forEachRow(text, 0, 1, (row) => {
      const fields: string[] = [];
      for (let k = 0; k < row.count; k++) fields.push(text.slice(row.start[k], row.end[k]));
      seen.push([row.line, fields]);
    });
    assert.deepEqual(seen, [
      [1, ['a', 'b']],
      [3, ['1', '2']],
      [5, ['3', '', '4']],
      [6, ['5']],
    ]);
  });

  it('handles rows wider than its initial buffer', () => {
    const line = Array.from({ length: 40 }, (_, i) => i).join(',');
    let count = 0;
    forEachRow(line, 0, 1, (row) => {
      count = row.count;
      assert.equal(parseNumberAt(line, row.start[39], row.end[39]), 39);
    });
    assert.equal(count, 40);
  });
});
