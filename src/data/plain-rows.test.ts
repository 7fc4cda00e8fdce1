/**
 * The plain-row reading (plain-rows.ts) gives what the general reader gives, row for row and error for error:
 * random files mixing plain rows with every kind of row it must hand back (spaces, exponents, '+', quotes, empty
 * and missing fields, extra columns, CRLF, blank lines, dates, long digit runs, unsound bars) are read both ways
 * and must load the same columns and report, or fail with the same message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseGenericOhlcv } from './generic-ohlcv.ts';

type Load = ReturnType<typeof parseGenericOhlcv>;

function readBoth(text: string): { plain: Load | string; general: Load | string } {
  const read = (plainRows: boolean): Load | string => {
    try {
      return parseGenericOhlcv(text, 'f.csv', { plainRows });
    } catch (err) {
      return `${(err as Error).name}: ${(err as Error).message}`;
    }
  };
  return { plain: read(true), general: read(false) };
}

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** A number as files write it: mostly plain decimals, sometimes something only Number() reads. */
const numberText = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(digits(1, 4), digits(0, 6)).map(([i, f]) => (f ? `${i}.${f}` : i)) },
  { weight: 1, arbitrary: fc.tuple(digits(1, 3), digits(1, 3)).map(([i, f]) => `-${i}.${f}`) },
  { weight: 1, arbitrary: digits(16, 20) },
  { weight: 1, arbitrary: fc.tuple(digits(1, 2), digits(14, 18)).map(([i, f]) => `${i}.${f}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1e2',
      '+5',
      ' 7',
      '8 ',
      '.5',
      '5.',
      '',
      '-',
      '1.2.3',
      'x',
      '0',
      '00.10',
      '"9"',
    ),
  },
);

const timestampText = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map((s) => String(s * 1000)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('2025-03-01 03:00:00', '2025-03-01T03:01:00Z', ' 1735689600000', 'nope', ''),
  },
);

const rowText = fc
  .oneof(
    { weight: 10, arbitrary: fc.tuple(timestampText, fc.array(numberText, { minLength: 5, maxLength: 5 })) },
    { weight: 1, arbitrary: fc.tuple(timestampText, fc.array(numberText, { minLength: 0, maxLength: 7 })) },
  )
  .map(([ts, fields]) => [ts, ...fields].join(','));

/** Sound bars (the common case) so that files get past their first rows. */
const soundRow = fc
  .tuple(
    fc.integer({ min: 1_700_000_000, max: 1_700_100_000 }),
    fc.integer({ min: 100, max: 200 }),
    fc.nat(9),
  )
  .map(([s, p, d]) => `${s * 1000},${p}.${d},${p + 1},${p - 1}.5,${p}.${d},${d}.25`);

const lineBreak = fc.constantFrom('\n', '\n', '\n', '\r\n', '\n\n', '\n  \n');

describe('plain-row reading', () => {
  it('reads every file as the general reader does (property)', () => {
    const header = fc.constantFrom(
      'timestamp,open,high,low,close,volume',
      'timestamp,open,high,low,close,volume,trades',
      'time,close,open,low,high,vol',
      'open,high,low,close,volume,timestamp',
      'timestamp,open,high,low,close,volume,oracle',
    );
    fc.assert(
      fc.property(
        header,
        fc.array(fc.oneof({ weight: 4, arbitrary: soundRow }, { weight: 1, arbitrary: rowText }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(lineBreak, { minLength: 12, maxLength: 12 }),
        fc.boolean(),
        (head, rows, breaks, trailing) => {
          let text = head;
          rows.forEach((r, i) => {
            text += breaks[i] + r;
          });
          if (trailing) text += '\n';
          const { plain, general } = readBoth(text);
          assert.deepEqual(plain, general);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('hands back a number with more digits than the exact path takes (Number() rounds it otherwise)', () => {
    // 17 significant digits: the digits as one integer pass 2^53, and dividing that gives another double
    const long = '1.8960835465475722';
    const text = `timestamp,open,high,low,close,volume\n1735689600000,${long},${long},${long},${long},1\n`;
    const { plain, general } = readBoth(text);
    assert.deepEqual(plain, general);
    assert.equal((plain as Load).bars.close[0], Number(long));
  });

  it('reads the shipped month and a generated file as the general reader does', () => {
    const shipped = readFileSync(
      new URL('../../data/binance/SOLUSDT-spot-1m-2025-03.csv', import.meta.url),
      'utf8',
    );
    const rows = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 2000; i++) {
      const p = 150 + Math.sin(i / 50) * 5;
      rows.push(
        `${1735689600000 + i * 60_000},${p.toFixed(3)},${(p + 0.2).toFixed(3)},${(p - 0.2).toFixed(3)},${p.toFixed(2)},${(i % 97) * 1.5}`,
      );
    }
    for (const text of [shipped, rows.join('\n')]) {
      const { plain, general } = readBoth(text);
      assert.equal(typeof plain, 'object');
      assert.deepEqual(plain, general);
    }
  });
});
