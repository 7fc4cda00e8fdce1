import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeJson, encodeJson, fromDbDecimal, fromDbTime, toDbDecimal, toDbTime } from './codec.ts';
import { assertPublicKey, base58ByteLength, isPublicKeyText } from './repositories/accounts.ts';
import { parseAge, shouldWriteSnapshot } from './retention.ts';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(bytes: Uint8Array): string {
  let v = 0n;
  for (const b of bytes) v = v * 256n + BigInt(b);
  let s = '';
  while (v > 0n) {
    s = BASE58[Number(v % 58n)] + s;
    v /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = `1${s}`;
  }
  return s;
}

describe('decimal columns', () => {
  it('round-trips any bigint at any precision exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }), fc.constantFrom(6, 9), (v, d) => {
        assert.equal(fromDbDecimal(toDbDecimal(v, d), d), v);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('reads the padded text PostgreSQL returns for numeric(38,d)', () => {
    assert.equal(fromDbDecimal('1.500000', 6), 1_500_000n);
    assert.equal(fromDbDecimal('-0.000001', 6), -1n);
    assert.equal(fromDbDecimal('42', 9), 42_000_000_000n);
  });

  it('refuses text with more decimals than the precision instead of truncating money', () => {
    assert.throws(() => fromDbDecimal('1.0000001', 6), /more than 6 decimals/);
    assert.throws(() => fromDbDecimal('1e5', 6), /expected a decimal/);
  });

  it('converts times to ISO text and back to the millisecond', () => {
    const ms = Date.UTC(2024, 1, 29, 12, 34, 56, 789);
    assert.equal(fromDbTime(new Date(toDbTime(ms))), ms);
    assert.equal(fromDbTime(toDbTime(ms)), ms);
  });
});

describe('jsonb payloads', () => {
  const tricky = fc.oneof(fc.constantFrom('5n', '-12n', '~5n', '~~-3n', 'n', '~', '1.5n'), fc.string());
  const value = fc.letrec((tie) => ({
    leaf: fc.oneof(
      fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n }),
      tricky,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
      fc.boolean(),
      fc.constant(null),
    ),
    node: fc.oneof(
      { depthSize: 'small' },
      tie('leaf'),
      fc.array(tie('node')),
      fc.dictionary(fc.string(), tie('node'), { noNullPrototype: true }),
    ),
  })).node;

  it('round-trips bigints and look-alike strings exactly', () => {
    fc.assert(
      fc.property(value, (v) => {
        assert.deepEqual(decodeJson(JSON.parse(encodeJson(v))), v);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('writes bigints as readable "<digits>n" text', () => {
    assert.equal(encodeJson({ base: 1_000_000_000n, s: '7n' }), '{"base":"1000000000n","s":"~7n"}');
  });

  it('keeps a "__proto__" key a plain key', () => {
    const decoded = decodeJson<Record<string, unknown>>(JSON.parse('{"__proto__":{"x":"1n"}}'));
    assert.deepEqual(Object.keys(decoded), ['__proto__']);
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  });
});

describe('public keys only', () => {
  const pub = base58(new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256));
  const secret64 = base58(new Uint8Array(64).map((_, i) => (i * 91 + 3) % 256));

  it('accepts base58 text of 32 bytes', () => {
    assert.equal(base58ByteLength(pub), 32);
    assert.ok(isPublicKeyText(pub));
    assert.ok(isPublicKeyText('11111111111111111111111111111111'));
    assert.ok(isPublicKeyText('dRiftyHA39MWEi3m9aunc5MzRF1JYuBsbn6VPcn33UH'));
  });

  it('rejects a 64-byte secret key, a byte array, hex and a seed phrase without echoing them', () => {
    const secrets = [
      secret64,
      JSON.stringify(Array.from({ length: 64 }, (_, i) => i)),
      'ab'.repeat(32),
      'abandon ability able about above absent absorb abstract absurd abuse access accident',
    ];
    for (const s of secrets) {
      assert.equal(isPublicKeyText(s), false, s);
      assert.throws(
        () => assertPublicKey(s),
        (err: Error) => /public key/.test(err.message) && !err.message.includes(s),
      );
    }
    assert.throws(() => assertPublicKey(secret64), /looks like a secret key/);
  });
});

describe('snapshot cadence', () => {
  it('writes the first snapshot and then one per cadence bucket', () => {
    assert.equal(shouldWriteSnapshot(undefined, 1_000, 60_000), true);
    assert.equal(shouldWriteSnapshot(60_000, 119_999, 60_000), false);
    assert.equal(shouldWriteSnapshot(60_000, 120_000, 60_000), true);
    assert.equal(shouldWriteSnapshot(119_000, 121_000, 60_000), true);
    assert.equal(shouldWriteSnapshot(500, 400, 60_000), true);
    assert.equal(shouldWriteSnapshot(5, 5, 0), true);
  });

  it('never writes two snapshots in one bucket over any increasing sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 2_000 }),
        (steps, cadence) => {
          let ts = 0;
          let last: number | undefined;
          const buckets = new Set<number>();
          for (const step of steps) {
            ts += step;
            if (shouldWriteSnapshot(last, ts, cadence)) {
              const bucket = Math.floor(ts / cadence);
              assert.ok(!buckets.has(bucket));
              buckets.add(bucket);
              last = ts;
            }
          }
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it('parses ages for --older-than', () => {
    assert.equal(parseAge('30d'), 30 * 86_400_000);
    assert.equal(parseAge('12h'), 12 * 3_600_000);
    assert.equal(parseAge('90m'), 90 * 60_000);
    assert.equal(parseAge('1.5w'), 1.5 * 604_800_000);
    assert.equal(parseAge('30'), undefined);
    assert.equal(parseAge('-1d'), undefined);
  });
});
