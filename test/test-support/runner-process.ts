/**
 * Starts a real `zero-perps start` (paper mode) as a child process for browser tests: a free port, a fresh
 * PGlite folder, a known API token. Nothing is faked: the page talks to the runner's real API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

export interface RunnerProcess {
  base: string;
  token: string;
  /** Everything the runner printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartRunnerOptions {
  readyTimeoutMs?: number;
  /** Added to the runner's environment (after the defaults). */
  env?: NodeJS.ProcessEnv;
  /** Added to `zero-perps start …`. */
  args?: string[];
}

export async function startRunner(o: StartRunnerOptions = {}): Promise<RunnerProcess> {
  const readyTimeoutMs = o.readyTimeoutMs ?? 90_000;
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'zero-perps-e2e-'));
  const token = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    API_TOKEN: token,
    ZERO_PERPS_PGLITE_DIR: join(dataDir, 'pglite'),
    PORT: String(port),
    ...o.env,
  };
  // A real PostgreSQL would outlive the test; the temp PGlite folder does not. No RPC, no key: paper on the
  // shipped replay data, nothing leaves the machine.
  for (const k of ['DATABASE_URL', 'RPC_URL', 'PRIVATE_KEY', 'KEYPAIR_PATH']) delete env[k];
  // process.execPath is the Node 24 that runs this test (`npx node --test`), as `npx node bin/...` would be.
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(root, 'bin/zero-perps.js'),
      'start',
      '--mode',
      'paper',
      '--replay',
      '--port',
      String(port),
      '--log-level',
      'warn',
      ...(o.args ?? []),
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`zero-perps start exited with ${exited} before it was ready:\n${out}`);
    }
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) {
        const bots = (await (await fetch(`${base}/api/bots`)).json()) as unknown[];
        if (bots.length > 0) return { base, token, output: () => out, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`zero-perps start was not ready within ${readyTimeoutMs} ms:\n${out}`);
}
