import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { decodeBase58, encodeBase58, loadSigningKey } from './keys.ts';

// A throwaway key pair built from a fixed, public seed: it holds nothing and exists only for these tests.
const SEED = Buffer.alloc(32, 7);
const PUBLIC = (() => {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]);
  const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
    format: 'jwk',
  });
  return Buffer.from(jwk.x ?? '', 'base64url');
})();
const SECRET = Buffer.concat([SEED, PUBLIC]);
const AS_BASE58 = encodeBase58(SECRET);
const AS_BASE64 = SECRET.toString('base64');
const AS_JSON = JSON.stringify([...SECRET]);
const PUBLIC_BASE58 = encodeBase58(PUBLIC);

/** Every 8-character window of each textual form of the secret. */
function secretFragments(): string[] {
  const forms = [AS_BASE58, AS_BASE64, AS_JSON, SECRET.toString('hex'), [...SECRET].join(',')];
  const out: string[] = [];
  for (const f of forms) for (let i = 0; i + 8 <= f.length; i++) out.push(f.slice(i, i + 8));
  return out;
}

function assertNoKeyMaterial(text: string): void {
  for (const frag of secretFragments()) {
    assert.ok(!text.includes(frag), `output leaks key material (${frag.length} chars)`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'zp-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('base58', () => {
  it('round-trips bytes including leading zeros', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        assert.deepEqual(decodeBase58(encodeBase58(bytes)), bytes);
      }),
      { seed: 42 },
    );
  });
});

describe('loadSigningKey', () => {
  for (const [format, text] of [
    ['base58', AS_BASE58],
    ['base64', AS_BASE64],
    ['JSON byte array', AS_JSON],
    ['JSON byte array with whitespace', `\n ${JSON.stringify([...SECRET], null, 1)} \n`],
  ] as const) {
    it(`accepts ${format} in PRIVATE_KEY`, () => {
      const r = loadSigningKey({ PRIVATE_KEY: text });
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.keypair.publicKey, PUBLIC_BASE58);
      assert.deepEqual(Buffer.from(r.keypair.secretKeyBytes()), SECRET);
    });
  }

  it('reads a solana-keygen style file from KEYPAIR_PATH', () => {
    const path = join(dir, 'id.json');
    writeFileSync(path, AS_JSON);
    const r = loadSigningKey({ KEYPAIR_PATH: path });
    assert.ok(r.ok);
    assert.equal(r.keypair.publicKey, PUBLIC_BASE58);
  });

  it('never serialises or prints the secret', () => {
    const r = loadSigningKey({ PRIVATE_KEY: AS_BASE58 });
    assert.ok(r.ok);
    assert.equal(JSON.stringify(r.keypair), '"[redacted]"');
    assert.equal(JSON.stringify({ key: r }), '{"key":{"ok":true,"keypair":"[redacted]"}}');
    assert.equal(inspect(r.keypair), '[redacted]');
    assert.equal(String(r.keypair), '[redacted]');
    assertNoKeyMaterial(inspect(r, { depth: 10, showHidden: true }));
    assertNoKeyMaterial(JSON.stringify(r));
    // The secret is not an enumerable property either.
    assert.deepEqual(Object.keys(r.keypair), ['publicKey']);
  });

  it('hands out copies of the secret, so a caller cannot mutate the held key', () => {
    const r = loadSigningKey({ PRIVATE_KEY: AS_BASE58 });
    assert.ok(r.ok);
    r.keypair.secretKeyBytes().fill(0);
    assert.deepEqual(Buffer.from(r.keypair.secretKeyBytes()), SECRET);
  });

  const corruptPublicHalf = Buffer.from(SECRET);
  corruptPublicHalf[40] ^= 1;
  const malformed: [string, string, RegExp][] = [
    ['truncated base58', AS_BASE58.slice(0, 60), /64 bytes/],
    [
      'base58 with a foreign character',
      `${AS_BASE58.slice(0, 40)}0${AS_BASE58.slice(41)}`,
      /not a recognised/,
    ],
    ['JSON with a value over 255', JSON.stringify([...SECRET.subarray(0, 63), 256]), /integers 0\.\.255/],
    ['broken JSON', AS_JSON.slice(0, -1), /not valid JSON/],
    ['public half not matching', encodeBase58(corruptPublicHalf), /not a valid key pair/],
    ['32-byte seed only', encodeBase58(SEED), /64 bytes/],
    ['text with spaces', `${AS_BASE58.slice(0, 30)} ${AS_BASE58.slice(30)}`, /not a recognised/],
  ];
  for (const [name, text, expected] of malformed) {
    it(`rejects ${name} without echoing it`, () => {
      const r = loadSigningKey({ PRIVATE_KEY: text });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.error, expected);
      assert.match(r.error, /^PRIVATE_KEY: /);
      assertNoKeyMaterial(r.error);
      for (let i = 0; i + 8 <= text.length; i++) assert.ok(!r.error.includes(text.slice(i, i + 8)));
    });
  }

  it('rejects a malformed key file without echoing its content', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, AS_JSON.replace(']', ',1]'));
    const r = loadSigningKey({ KEYPAIR_PATH: path });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.error, /KEYPAIR_PATH file .*65/);
    assertNoKeyMaterial(r.error);
  });

  it('explains a missing file, a missing key and an ambiguous setting', () => {
    const missing = loadSigningKey({ KEYPAIR_PATH: join(dir, 'nope.json') });
    assert.ok(!missing.ok && /cannot read the key file .*ENOENT/.test(missing.error));
    const none = loadSigningKey({});
    assert.ok(!none.ok && /set PRIVATE_KEY or KEYPAIR_PATH/.test(none.error));
    const blank = loadSigningKey({ PRIVATE_KEY: '  ' });
    assert.ok(!blank.ok && /set PRIVATE_KEY or KEYPAIR_PATH/.test(blank.error));
    const both = loadSigningKey({ PRIVATE_KEY: AS_BASE58, KEYPAIR_PATH: '/x' });
    assert.ok(!both.ok && /not both/.test(both.error));
    if (!both.ok) assertNoKeyMaterial(both.error);
  });
});

describe('a key pasted into KEYPAIR_PATH', () => {
  for (const [format, text] of [
    ['base58', AS_BASE58],
    ['base64', AS_BASE64],
    ['JSON byte array', AS_JSON],
    ['base58 of the 32-byte seed', encodeBase58(SEED)],
  ] as const) {
    it(`is refused without echoing it (${format})`, () => {
      const r = loadSigningKey({ KEYPAIR_PATH: text });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.error, /looks like a key itself, not a file path/);
      assertNoKeyMaterial(r.error);
      for (let i = 0; i + 8 <= text.length; i++) assert.ok(!r.error.includes(text.slice(i, i + 8)));
    });
  }

  it('a path that does not exist is still named (it is not key material)', () => {
    const r = loadSigningKey({ KEYPAIR_PATH: join(dir, 'missing-id.json') });
    assert.ok(!r.ok && r.error.includes('missing-id.json') && /ENOENT/.test(r.error));
  });
});
