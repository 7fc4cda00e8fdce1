/**
 * The bad-input census: runs the corpus (test/test-support/bad-input-corpus.ts) against a checkout and prints
 * each case's outcome and the counts "N clear / N crashed / N unclear / N hung / N silently wrong".
 *   node scripts/bad-input-census.ts [CHECKOUT]     (default: this one)
 * Against an older checkout it gives the "before" figures (its node_modules must be installed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_CASES,
  CLI_CASES,
  counts,
  type Result,
  runAll,
  runApi,
  runCli,
  writeFixtures,
} from '../test/test-support/bad-input-corpus.ts';

const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const bin = join(root, 'bin/zero-perps.js');
const work = mkdtempSync(join(tmpdir(), 'zp-census-'));
const d = join(work, 'in');
writeFixtures(root, d);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ZERO_PERPS_PGLITE_DIR: join(work, 'db'),
  DATABASE_URL: '',
  RPC_URL: '',
  API_TOKEN: 'census-token',
};
delete env.PORT;

let runner: ChildProcess | undefined;
try {
  const cli = await runAll(CLI_CASES, 3, (c) => runCli(bin, c, d, root, env));
  // One runner for the API cases.
  runner = spawn(process.execPath, [bin, 'start', '--port', '0'], {
    cwd: root,
    env: { ...env, ZERO_PERPS_PGLITE_DIR: join(work, 'api-db') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((res, rej) => {
    let err = '';
    const t = setTimeout(() => rej(new Error(`runner did not start: ${err}`)), 90_000);
    runner?.stderr?.on('data', (b) => {
      err += b;
      const m = /dashboard and API: (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(t);
        res(m[1] as string);
      }
    });
  });
  const api: Result[] = [];
  for (const c of API_CASES) api.push(await runApi(url, 'census-token', c));
  const all = [...cli, ...api];
  for (const r of all) {
    if (r.outcome !== 'clear' || process.env.VERBOSE) {
      console.log(
        `${r.outcome.padEnd(14)} ${r.cls.padEnd(13)} ${r.id}${r.detail ? `: ${r.detail.slice(0, 220)}` : ''}`,
      );
    }
  }
  const classes = [...new Set(all.map((r) => r.cls))];
  for (const cls of classes) console.log(`${cls.padEnd(13)} ${counts(all.filter((r) => r.cls === cls))}`);
  console.log(`${root}: ${all.length} cases: ${counts(all)}`);
} finally {
  if (runner && runner.exitCode === null) {
    const exited = new Promise((res) => runner?.once('exit', res));
    runner.kill('SIGINT');
    await exited;
  }
  rmSync(work, { recursive: true, force: true, maxRetries: 3 });
}
