import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretFieldName, REDACTED, redactFields, redactText, redactValue } from './redact.ts';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const b58 = (n: number): string => Array.from({ length: n }, (_, i) => B58[(i * 7) % B58.length]).join('');

describe('redaction guard', () => {
  it('replaces fields named like secrets, whatever their value', () => {
    for (const name of [
      'key',
      'apiKey',
      'privateKey',
      'secret_key',
      'SECRET',
      'seed',
      'seedPhrase',
      'mnemonic',
      'password',
      'keypair',
    ]) {
      assert.equal(isSecretFieldName(name), true, name);
    }
    for (const name of ['publicKey', 'pubkey', 'market', 'z', 'orderId'])
      assert.equal(isSecretFieldName(name), false, name);
    assert.deepEqual(redactFields({ privateKey: [1, 2, 3], seed: 42, publicKey: 'Abc', n: 1 }), {
      privateKey: REDACTED,
      seed: REDACTED,
      publicKey: 'Abc',
      n: 1,
    });
  });

  it('replaces base58 runs of 64–88 characters and keeps shorter or longer ones', () => {
    assert.equal(redactText(b58(64)), REDACTED);
    assert.equal(redactText(`sig=${b58(88)}!`), `sig=${REDACTED}!`);
    assert.equal(redactText(b58(63)), b58(63));
    assert.equal(redactText(b58(44)), b58(44), 'a public key (32 bytes) stays');
    assert.equal(redactText(b58(89)), b58(89));
    assert.equal(redactText(`0${b58(70)}`), `0${REDACTED}`, '0 is not base58, so the run starts after it');
  });

  it('replaces 64-hex-character keys, keypair byte arrays and large byte buffers', () => {
    assert.equal(redactText('ab'.repeat(32)), REDACTED);
    assert.equal(redactValue(Array.from({ length: 64 }, (_, i) => i * 3)), REDACTED);
    assert.deepEqual(redactValue([1, 2, 3]), [1, 2, 3]);
    assert.equal(redactValue(new Uint8Array(64)), REDACTED);
  });

  it('is JSON-safe: bigint, errors, dates, cycles, undefined', () => {
    const a: Record<string, unknown> = {
      n: 5n,
      e: new Error(`bad ${b58(70)}`),
      d: new Date(0),
      u: undefined,
    };
    a.self = a;
    const out = redactFields(a);
    assert.deepEqual(out, {
      n: '5',
      e: { name: 'Error', message: `bad ${REDACTED}` },
      d: '1970-01-01T00:00:00.000Z',
      self: {
        n: '5',
        e: { name: 'Error', message: `bad ${REDACTED}` },
        d: '1970-01-01T00:00:00.000Z',
        self: '[circular]',
      },
    });
    assert.doesNotThrow(() => JSON.stringify(out));
  });
});
