/** The leak search itself: the dummy key is a key the loader accepts, and every form of it is found. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactText } from '../../src/log/redact.ts';
import { loadSigningKey } from '../../src/runner/keys.ts';
import { dummyKey, findLeaks, wholeForms, windowsOf } from '../test-support/dummy-key.ts';

const key = dummyKey(7);

describe('dummy key and leak search', () => {
  it('is a valid Solana key pair in base58, base64 and JSON-array form, and deterministic per seed', () => {
    for (const text of [key.base58, key.base64, key.jsonArray]) {
      const r = loadSigningKey({ PRIVATE_KEY: text });
      assert.equal(r.ok, true, text.slice(0, 4));
    }
    assert.equal(dummyKey(7).base58, key.base58);
    assert.notEqual(dummyKey(8).base58, key.base58);
  });

  it('finds each form, and any 8-character piece of the base58, wherever it sits', () => {
    for (const [label, needle] of wholeForms(key)) {
      const leaks = findLeaks([['log', `{"msg":"x","v":${JSON.stringify(needle)}}`]], key.needles);
      assert.ok(
        leaks.some((l) => l.needle === label),
        label,
      );
      assert.ok(!leaks.some((l) => l.context.includes(needle)), 'the report masks the key');
    }
    const piece = key.base58.slice(37, 45);
    assert.ok(findLeaks([['html', `<b>${piece}</b>`]], key.needles).length > 0);
    assert.deepEqual(findLeaks([['clean', 'nothing to see, 12345678 abcdefgh']], key.needles), []);
    const bad = `${key.base58.slice(0, 30)}0`;
    assert.ok(findLeaks([['err', `bad key ${bad}`]], windowsOf(bad, 'bad')).length > 0);
  });

  it('a base58 piece survives log redaction, so the search is stricter than the redactor', () => {
    // redactText replaces whole 64–88 character runs; a fragment passes it. The grep would still see it.
    const piece = key.base58.slice(0, 40);
    assert.equal(redactText(piece), piece);
    assert.ok(findLeaks([['log', redactText(`k=${piece}`)]], key.needles).length > 0);
    assert.equal(redactText(key.base58), '[redacted]');
  });
});
