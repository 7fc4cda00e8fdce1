/**
 * The secrets a user hands live mode stay out of everything it prints:
 * - a key pasted into KEYPAIR_PATH (instead of a file path) is refused without being echoed;
 * - an RPC_URL with `user:password@` and an API key in its query: the credentials still reach the RPC (as a
 *   Basic auth header — checked against a loopback JSON-RPC server that demands them), but neither our
 *   messages nor the SDK's own error output and stack traces (DEBUG=1) show them;
 * - `.env` in the working directory is loaded, and a variable exported in the shell wins over its line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MARKETS } from '../../src/domain/markets.ts';
import { encodeBase58 } from '../../src/runner/keys.ts';
import { connectLiveDrift } from '../../src/venue/drift/live.ts';
import { type Loopback, startLoopback } from '../../src/venue/drift/test-support/rpc/loopback.ts';

const BIN = fileURLToPath(new URL('../../bin/zero-perps.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zp-rpc-secrets-'));
const USER = 'zp-rpc-user';
const PASSWORD = 'hunter2-Pa55word-not-for-logs';
const API_KEY = 'sekrit-api-key-0123456789';

function keyBytes(): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return Buffer.concat([seed, pub]);
}

/**
 * Runs `zero-perps start --mode live --yes` to its exit, without blocking this process (the loopback RPC
 * server it talks to runs here).
 */
function start(
  env: Record<string, string>,
  cwd = dir,
): Promise<{ code: number | null; out: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'start', '--mode', 'live', '--yes', '--port', '0'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ZERO_PERPS_PGLITE_DIR: join(dir, 'db'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: `${stdout}\n${stderr}`, stderr });
    });
  });
}

/** Every 8-character piece of a secret: even a fragment must not be printed. */
function assertAbsent(text: string, secret: string, what: string): void {
  for (let i = 0; i + 8 <= secret.length; i++) {
    assert.ok(!text.includes(secret.slice(i, i + 8)), `${what} leaked (${secret.slice(i, i + 8)})`);
  }
}

describe('secrets in live mode: a pasted key, RPC credentials, .env', () => {
  let net: Loopback;
  const keyFile = join(dir, 'id.json');

  before(async () => {
    net = await startLoopback({
      markets: [MARKETS['SOL-PERP']],
      server: { basicAuth: { user: USER, password: PASSWORD } },
    });
    writeFileSync(keyFile, JSON.stringify([...keyBytes()]));
  });
  after(async () => {
    await net?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a key pasted into KEYPAIR_PATH is refused in one line that does not echo it', async () => {
    const pasted = encodeBase58(keyBytes());
    const r = await start({ RPC_URL: 'http://127.0.0.1:1', KEYPAIR_PATH: pasted, DEBUG: '1' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /KEYPAIR_PATH holds what looks like a key itself, not a file path/);
    assertAbsent(r.out, pasted, 'the pasted key');
  });

  it('RPC credentials reach the RPC as a header and never the URL the SDK uses', async () => {
    const port = new URL(net.server.url).port;
    const drift = await connectLiveDrift({
      rpcUrl: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/?api-key=${API_KEY}`,
      keypair: net.keypair,
      perpMarketIndexes: [0],
      pollMs: 50,
    });
    try {
      assert.equal(net.server.unauthorized, 0, 'every request carried the credentials');
      assert.ok((net.server.calls.get('getMultipleAccounts') ?? 0) > 0);
    } finally {
      await drift.close();
    }
  });

  it('wrong credentials: the error (and the SDK stack traces, DEBUG=1) show neither password nor API key', async () => {
    const port = new URL(net.server.url).port;
    const wrong = `${PASSWORD}-but-wrong`;
    const r = await start({
      RPC_URL: `http://${USER}:${wrong}@127.0.0.1:${port}/?api-key=${API_KEY}`,
      KEYPAIR_PATH: keyFile,
      DEBUG: '1',
    });
    assert.equal(r.code, 2, r.out);
    assert.ok(net.server.unauthorized > 0, 'the server saw (and refused) the wrong credentials');
    assert.match(
      r.stderr,
      new RegExp(`cannot load Drift accounts from the RPC at http://127\\.0\\.0\\.1:${port} \\(`),
    );
    assertAbsent(r.out, wrong, 'the RPC password');
    assertAbsent(r.out, API_KEY, 'the API key');
    assertAbsent(r.out, Buffer.from(`${USER}:${wrong}`).toString('base64'), 'the Basic auth header');
  });

  it('.env in the working directory is loaded; an exported variable wins over its line', async () => {
    const cwd = mkdtempSync(join(dir, 'env-'));
    writeFileSync(
      join(cwd, '.env'),
      `RPC_URL=http://127.0.0.1:1\nKEYPAIR_PATH=${join(cwd, 'missing.json')}\n`,
    );
    // RPC_URL and KEYPAIR_PATH from .env: the key file it names does not exist.
    const fromFile = await start({}, cwd);
    assert.equal(fromFile.code, 2);
    assert.match(fromFile.stderr, /KEYPAIR_PATH: cannot read the key file .*missing\.json.*ENOENT/);
    // The shell's KEYPAIR_PATH wins: the key loads, and the run gets as far as the RPC from .env.
    const exported = await start({ KEYPAIR_PATH: keyFile }, cwd);
    assert.equal(exported.code, 2);
    assert.match(exported.stderr, /cannot load Drift accounts from the RPC at http:\/\/127\.0\.0\.1:1 /);
  });
});
