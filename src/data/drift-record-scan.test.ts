import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { driftCandleOf } from './drift-candles.ts';
import { scanDriftRecords } from './drift-record-scan.ts';
import type { Candle } from './types.ts';

const root = new URL('../../', import.meta.url).pathname;

/** The record path's answer for a piece: JSON.parse of it as an array, then driftCandleOf of each record. */
function reference(piece: string): Candle[] | 'refused' {
  let records: unknown;
  try {
    records = JSON.parse(`[${piece}]`);
  } catch {
    return 'refused';
  }
  if (!Array.isArray(records)) return 'refused';
  try {
    return records.map((rec, index) =>
      driftCandleOf({ file: 'x.json', text: piece, arrayKey: 'candles', index }, rec),
    );
  } catch {
    return 'refused';
  }
}

const scan = (piece: string): Candle[] | undefined => {
  const bytes = Buffer.from(piece, 'utf8');
  return scanDriftRecords(bytes, 0, bytes.length);
};

/** The reader may decline anything; what it reads must be what the record path reads. */
function agrees(piece: string): Candle[] | undefined {
  const got = scan(piece);
  if (got !== undefined) assert.deepStrictEqual(got, reference(piece), piece);
  return got;
}

const NUMERIC = [
  'fillOpen',
  'fillHigh',
  'fillLow',
  'fillClose',
  'oracleOpen',
  'oracleHigh',
  'oracleLow',
  'oracleClose',
  'baseVolume',
] as const;

/**
 * The forms a number may take in a record, each a JSON value: Drift's (a string of six decimals), and others
 * JSON.parse and Number() read the same number from — and some that neither reads.
 */
const FORMS: ((v: number) => string)[] = [
  (v) => `"${v.toFixed(6)}"`,
  (v) => `"${String(v)}"`,
  (v) => String(v),
  (v) => `"00${v.toFixed(6)}"`,
  (v) => `"${v.toExponential()}"`,
  (v) => `" ${v.toFixed(6)} "`,
  (v) => `"+${v.toFixed(6)}"`,
  // more decimals than an exact power of ten divides: Number() reads it
  (v) => `"${v.toFixed(6)}00000000000000000000"`,
  (v) => `${Math.round(v * 1e6)}e-6`,
  (v) => `${v.toFixed(6)}`,
  (v) => `"${Math.round(v * 1e6)}"`.replace(/^"(\d+)"$/, (_m, d) => `"${d}e-6"`),
];
/** Values no number is read from: the record path refuses the record. */
const NOT_NUMBERS = [
  '""',
  '"  "',
  '"abc"',
  '"0x1A"',
  '"Infinity"',
  'null',
  'true',
  '[1]',
  '{"k":1}',
  '"a\\"b"',
  '"é"',
];

/** A number in one of FORMS, or (rarely) something that is not one. */
const numberOf = (v: number): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 60,
      arbitrary: fc
        .integer({ min: 0, max: FORMS.length - 1 })
        .map((f) => (FORMS[f] as (v: number) => string)(v)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...NOT_NUMBERS) },
  );

/** The numeric fields in the order Drift's export writes them. */
const DRIFT_ORDER = [
  'fillOpen',
  'fillClose',
  'fillHigh',
  'fillLow',
  'oracleOpen',
  'oracleClose',
  'oracleHigh',
  'oracleLow',
  'baseVolume',
] as const;

/** A volume whose digits pass 2^53: read by Number(), rounded once (digits summed as doubles round more). */
const longVolume = fc
  .tuple(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 100_000_000, max: 999_999_999 }))
  .map(([a, b]) => `"${a}.${b}${b}"`);

/** `start` in the forms the record path reads (epoch ms, s, as a number, a date) and some it refuses. */
const startOf = (seconds: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant(`"${seconds}000"`) },
    {
      weight: 5,
      arbitrary: fc.constantFrom(
        `${seconds}000`,
        `"${seconds}"`,
        `"${seconds}000000"`,
        `" ${seconds}000 "`,
        `"${new Date(seconds * 1000).toISOString()}"`,
        `${seconds}e3`,
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('"x"', '""', 'null', '"2024-13-01"') },
  );

/** Members a candle does not read, with values of every kind (a raw tab in a string is not JSON). */
const extraMember = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(
      fc.constantFrom(
        'quoteVolume',
        'resolution',
        'n',
        'fillopen',
        'Start',
        'fillHigH',
        'oracleLo',
        '__proto__',
      ),
      fc.constantFrom('"1"', '2.5', 'null', 'false', '"x y"'),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom('n', 'a\\"b', 'é'),
      fc.constantFrom('"x\\"y"', '"\\tz"', '[1,[2]]', '{"k":"}"}', '"a\tb"', '"é"', '\u0000'),
    ),
  },
);

const space = fc.constantFrom('', ' ', '\n      ', '\t', '\r\n  ');

/**
 * A record: a candle's prices (low ≤ open, close ≤ high, in the record path's checks) and volume, each in any
 * form, its fields in any order, some repeated (the last counts) or missing, with other members among them.
 */
const record = fc
  .record({
    seconds: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
    low: fc.integer({ min: 0, max: 10_000_000 }),
    span: fc.integer({ min: 0, max: 100_000 }),
    o: fc.double({ min: 0, max: 1, noNaN: true }),
    c: fc.double({ min: 0, max: 1, noNaN: true }),
    volume: fc.integer({ min: 0, max: 1_000_000_000 }),
    // Drift's order (the reader's quick path), or any (a sort key per member)
    order: fc.oneof(fc.constant(undefined), fc.array(fc.nat(), { minLength: 16, maxLength: 16 })),
    // a field left out of one record in twenty
    drop: fc.oneof(
      { weight: 19, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...NUMERIC, 'start') },
    ),
    ws: space,
  })
  .chain((r) => {
    const px = (v: number): number => Number(((r.low + Math.round(v * r.span)) / 1e6).toFixed(6));
    const volume = r.volume / 1e6;
    const prices: Record<(typeof NUMERIC)[number], number> = {
      fillOpen: px(r.o),
      fillHigh: px(1),
      fillLow: px(0),
      fillClose: px(r.c),
      oracleOpen: px(r.o),
      oracleHigh: px(1),
      oracleLow: px(0),
      oracleClose: px(r.c),
      baseVolume: volume,
    };
    return fc
      .record({
        start: startOf(r.seconds),
        numbers: fc.tuple(
          ...NUMERIC.map((k) =>
            k === 'baseVolume' ? fc.oneof(numberOf(volume), longVolume) : numberOf(prices[k]),
          ),
        ),
        extra: fc.array(extraMember, { maxLength: 2 }),
        // a repeated key: the same number in another form, or another volume (the last one counts)
        repeat: fc.oneof(
          { weight: 2, arbitrary: fc.constant(undefined) },
          fc.constantFrom(...NUMERIC).chain((k) => numberOf(prices[k]).map((v): [string, string] => [k, v])),
          fc.integer({ min: 0, max: 1000 }).map((v): [string, string] => ['baseVolume', `"${v}"`]),
          startOf(r.seconds + 60).map((v): [string, string] => ['start', v]),
        ),
      })
      .map((m) => {
        const value = (k: (typeof NUMERIC)[number]): [string, string] => [
          k,
          m.numbers[NUMERIC.indexOf(k)] as string,
        ];
        const all: [string, string][] = [['start', m.start], ...DRIFT_ORDER.map(value), ...m.extra];
        const members = all.filter(([k]) => k !== r.drop);
        const keys = r.order;
        const ordered = keys
          ? members
              .map((member, i) => ({ member, key: keys[i] as number }))
              .sort((a, b) => a.key - b.key)
              .map((x) => x.member)
          : members;
        if (m.repeat) ordered.push(m.repeat);
        return `{${r.ws}${ordered.map(([k, v]) => `"${k}"${r.ws}:${r.ws}${v}`).join(`,${r.ws}`)}${r.ws}}`;
      });
  });

/** A record as Drift's export writes it: its twelve fields in its order, plain decimals as strings. */
const driftRecord = fc
  .record({
    ts: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
    low: fc.integer({ min: 1, max: 10_000_000 }),
    span: fc.integer({ min: 0, max: 100_000 }),
    o: fc.double({ min: 0, max: 1, noNaN: true }),
    c: fc.double({ min: 0, max: 1, noNaN: true }),
    volume: fc.integer({ min: 0, max: 1_000_000_000 }),
    pretty: fc.boolean(),
  })
  .map((r) => {
    const px = (v: number): string => ((r.low + Math.round(v * r.span)) / 1e6).toFixed(6);
    const fields = {
      start: `${r.ts}000`,
      fillOpen: px(r.o),
      fillClose: px(r.c),
      fillHigh: px(1),
      fillLow: px(0),
      oracleOpen: px(r.o),
      oracleClose: px(r.c),
      oracleHigh: px(1),
      oracleLow: px(0),
      quoteVolume: (r.volume / 1e3).toFixed(6),
      baseVolume: (r.volume / 1e9).toFixed(9),
      resolution: '1',
    };
    return JSON.stringify(fields, null, r.pretty ? 2 : undefined);
  });

describe('Drift candle records read from their bytes', () => {
  it('reads what the record path reads, or declines (generated records of every form)', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 3 }), space, (records, ws) => {
        if (agrees(`${ws}${records.join(`${ws},${ws}`)}${ws}`) !== undefined) read++;
      }),
      { numRuns: 3000 },
    );
    // most pieces hold nothing the reader leaves to JSON.parse: the comparison above is mostly of read pieces
    assert.ok(read > 1000, `${read} of 3000 pieces read`);
  });

  it("reads Drift's own records (so the check above is not met by declining)", () => {
    fc.assert(
      fc.property(fc.array(driftRecord, { minLength: 1, maxLength: 5 }), (records) => {
        const piece = records.join(',\n  ');
        const got = agrees(piece);
        assert.notEqual(got, undefined, piece);
        assert.equal(got?.length, records.length);
      }),
      { numRuns: 500 },
    );
  });

  it('declines a piece cut anywhere but between records (as JSON.parse refuses it)', () => {
    fc.assert(
      fc.property(fc.array(driftRecord, { minLength: 2, maxLength: 3 }), fc.nat(), (records, at) => {
        const piece = records.join(',');
        const cut = at % piece.length;
        const got = agrees(piece.slice(0, cut));
        // a prefix is read only where it ends just after a record
        if (got !== undefined)
          assert.ok(piece[cut - 1] === '}' && (piece[cut] ?? ',') === ',', piece.slice(0, cut));
      }),
      { numRuns: 500 },
    );
  });

  it('reads every record of the real Drift files as the record path does', () => {
    for (const name of ['drift_15m_90days.json', 'kmno_1h_90days.json']) {
      const text = readFileSync(join(root, 'data/drift/price', name), 'utf8');
      const open = text.indexOf('[') + 1;
      const close = text.lastIndexOf(']');
      const got = agrees(text.slice(open, close));
      assert.notEqual(got, undefined, name);
      assert.equal(got?.length, (JSON.parse(text) as { candles: unknown[] }).candles.length, name);
    }
  });

  it("does not take a key for one of Drift's that differs from it in a byte", () => {
    const drift = JSON.stringify({
      start: '1700000000000',
      fillOpen: '1.000000',
      fillClose: '1.500000',
      fillHigh: '2.000000',
      fillLow: '0.500000',
      oracleOpen: '1.000000',
      oracleClose: '1.500000',
      oracleHigh: '2.000000',
      oracleLow: '0.500000',
      quoteVolume: '3.000000',
      baseVolume: '3.000000000',
      resolution: '1',
    });
    assert.notEqual(agrees(drift), undefined, 'the record itself is read');
    for (const [key, nearMiss] of [
      ['start', 'Start'],
      ['start', 'stare'],
      ['fillOpen', 'gillOpen'],
      ['fillClose', 'fillClosf'],
      ['oracleLow', 'OracleLow'],
      ['baseVolume', 'baseVolumE'],
      ['fillHigh', 'fillHig'],
      ['fillLow', 'fillLows'],
    ] as const) {
      // the field is then missing: the record path refuses the record, and the reader must not read it
      const piece = drift.replace(`"${key}"`, `"${nearMiss}"`);
      assert.equal(reference(piece), 'refused', nearMiss);
      assert.equal(agrees(piece), undefined, nearMiss);
    }
  });

  it('reads within the bounds it is given (a view of a larger buffer)', () => {
    const one =
      '{"start":"1700000000000","fillOpen":"1","fillHigh":"2","fillLow":"0.5","fillClose":"1.5","oracleOpen":"1","oracleHigh":"2","oracleLow":"0.5","oracleClose":"1.5","baseVolume":"3"}';
    const bytes = Buffer.from(`xx${one},${one}yy`);
    const got = scanDriftRecords(bytes, 2, 2 + one.length);
    assert.deepStrictEqual(got, reference(one));
    assert.equal(scanDriftRecords(bytes, 2, 3 + one.length), undefined, 'a trailing comma');
  });
});
