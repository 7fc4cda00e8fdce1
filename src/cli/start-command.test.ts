import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkLive, parseStartArgs } from './start-command.ts';

const BIN = fileURLToPath(new URL('../../bin/zero-perps.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zp-cli-'));

/** A valid Solana secret key (seed ‖ public key) as the JSON byte array solana-keygen writes. */
function validKeyJson(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return JSON.stringify([...seed, ...pub]);
}

function run(args: string[], env: Record<string, string>, timeout = 30_000) {
  const r = spawnSync(process.execPath, [BIN, 'start', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      ZERO_PERPS_PGLITE_DIR: join(dir, 'db'),
      ...env,
    },
    encoding: 'utf8',
    input: '',
    timeout,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('zero-perps start --mode live preconditions', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without RPC_URL: one clear line, non-zero exit', () => {
    const r = run(['--mode', 'live'], {});
    assert.notEqual(r.code, 0);
    assert.deepEqual(lines(r.stderr), [
      'zero-perps start: live mode needs RPC_URL (a Solana RPC endpoint); none is set',
    ]);
  });

  it('without a key: one clear line, non-zero exit', () => {
    const r = run(['--mode', 'live'], { RPC_URL: 'http://127.0.0.1:1' });
    assert.notEqual(r.code, 0);
    assert.deepEqual(lines(r.stderr), [
      'zero-perps start: live mode needs a signing key: set PRIVATE_KEY or KEYPAIR_PATH',
    ]);
  });

  it('a malformed key: a clear error that does not echo the key', () => {
    const key = '4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi0OOlI';
    const r = run(['--mode', 'live', '--yes'], { RPC_URL: 'http://127.0.0.1:1', PRIVATE_KEY: key });
    assert.notEqual(r.code, 0);
    assert.equal(lines(r.stderr).length, 1);
    assert.match(r.stderr, /^zero-perps start: live mode: /);
    assert.ok(!r.stderr.includes(key) && !r.stdout.includes(key));
    assert.ok(!r.stderr.includes(key.slice(0, 12)), 'not even a prefix of the key');
  });

  it('a valid key without a terminal needs --yes', () => {
    const path = join(dir, 'id.json');
    writeFileSync(path, validKeyJson());
    const r = run(['--mode', 'live'], { RPC_URL: 'http://127.0.0.1:1', KEYPAIR_PATH: path });
    assert.notEqual(r.code, 0);
    assert.deepEqual(lines(r.stderr), [
      'zero-perps start: live mode trades real funds; without a terminal to confirm on, pass --yes',
    ]);
  });

  it('an unreachable RPC ends in one clear line (host only, no crash, no key)', () => {
    const path = join(dir, 'id-rpc.json');
    const key = validKeyJson();
    writeFileSync(path, key);
    // The SDK retries the connection for ~20 s before giving up; a loaded machine needs more than 30.
    const r = run(
      ['--mode', 'live', '--yes', '--port', '0'],
      { RPC_URL: 'http://127.0.0.1:1/?api-key=PROVIDERSECRET', KEYPAIR_PATH: path },
      90_000,
    );
    assert.equal(r.code, 2, r.stderr);
    const last = lines(r.stderr).at(-1) ?? '';
    assert.match(
      last,
      /^zero-perps start: cannot load Drift accounts from the RPC at http:\/\/127\.0\.0\.1:1 \(/,
    );
    const all = r.stdout + r.stderr;
    assert.ok(!all.includes('PROVIDERSECRET'), 'the RPC URL query (API keys live there) is not printed');
    assert.ok(!all.includes(key), 'the key is not printed');
    assert.doesNotMatch(all, /triggerUncaughtException|Unhandled/);
  });

  it('checkLive passes with RPC_URL, a valid key and --yes, and never prints the secret', () => {
    const key = validKeyJson();
    const args = parseStartArgs(['--mode', 'live', '--yes'], {});
    assert.notEqual(args, 'help');
    if (args === 'help') return;
    const ok = checkLive(args, { RPC_URL: 'http://x', PRIVATE_KEY: key }, false);
    assert.equal(ok.rpcUrl, 'http://x');
    assert.equal(JSON.stringify(ok).includes(key.slice(1, 20)), false);
  });

  it('rejects bad flags with one line', () => {
    const r = run(['--mode', 'yolo'], {});
    assert.equal(r.code, 2);
    assert.deepEqual(lines(r.stderr), ['zero-perps start: --mode must be paper or live (got "yolo")']);
    assert.throws(() => parseStartArgs(['--speed', '0']), /--speed/);
    assert.throws(() => parseStartArgs(['--port', 'abc']), /--port/);
    const d = parseStartArgs([], { PORT: '5000' });
    assert.ok(d !== 'help' && d.port === 5000 && d.host === '127.0.0.1' && d.speed === 1800 && d.loop);
  });
});
