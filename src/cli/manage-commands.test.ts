/**
 * The management commands as a user runs them, real processes on a real PGlite folder: init → validate →
 * start --config → edit the file → restart (a new objective version, its diff logged) → start another file
 * (only that bot runs) → list → stop → archive → a config with the archived name is refused.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, getJson, startChild, waitFor } from '../runner/test-support/child-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-manage-'));
const env = {
  ZERO_PERPS_PGLITE_DIR: join(dir, 'db'),
  DATABASE_URL: '',
  RPC_URL: '',
  API_TOKEN: 'manage-token',
  PORT: '',
};

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `zero-perps stop` without waiting synchronously (the test process must keep reading the child's pipes). */
function stop(port: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, 'stop', '--port', port], { env: { ...process.env, ...env } });
    let out = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.stderr.on('data', (d) => {
      out += d;
    });
    c.on('exit', (code) => resolve({ code, out }));
  });
}

describe('init, validate, start --config, edit, list, stop, archive', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the whole lifecycle as a user would', async () => {
    assert.match(cli(['--version']).out, /^zero-perps \d+\.\d+\.\d+/);
    const init = cli(['init', 'g.yaml', '--name', 'g1', '--market', 'sol-perp']);
    assert.equal(init.code, 0, init.err);
    assert.equal(cli(['init', 'g.yaml']).code, 2, 'never overwrites without --force');
    assert.equal(cli(['init', 's.yaml', '--strategy', 'spread', '--name', 's1']).code, 0);
    const ok = cli(['validate', 'g.yaml', 's.yaml']);
    assert.equal(ok.code, 0, ok.err);
    writeFileSync(
      join(dir, 'dup.yaml'),
      readFileSync(join(dir, 's.yaml'), 'utf8').replace('name: s1', 'name: g1'),
    );
    const dup = cli(['validate', 'g.yaml', 'dup.yaml']);
    assert.equal(dup.code, 2);
    assert.match(dup.err, /^dup\.yaml: name: "g1" is also the bot name in g\.yaml/m);

    const first = await startChild(['--config', join(dir, 'g.yaml'), '--speed', '3000'], env);
    const port = new URL(first.url).port;
    await waitFor(
      async () => ((await getJson<unknown[]>(`${first.url}/api/bots`)).length === 1 ? true : undefined),
      'g1',
    );
    const listed = cli(['list', '--port', port]);
    assert.match(listed.out, /^g1\s+grid\s+SOL-PERP\s+paper\s+running/m);
    const stopped = await stop(port);
    assert.equal(stopped.code, 0, stopped.out);
    assert.match(stopped.out, /runner stopped/);
    assert.equal((await first.exited).code, 0);

    // Edit the file: uncomment the grid section and change stepPct.
    const g = readFileSync(join(dir, 'g.yaml'), 'utf8')
      .replace(/^# grid:/m, 'grid:')
      .replace(/^# {3}stepPct: 0\.5/m, '  stepPct: 0.8');
    writeFileSync(join(dir, 'g.yaml'), g);
    const second = await startChild(['--config', join(dir, 'g.yaml'), '--speed', '3000'], env);
    await waitFor(
      async () => (/objective v2 from g\.yaml/.test(second.stdout()) ? true : undefined),
      'diff line',
    );
    assert.match(second.stdout(), /"msg":"objective v2 from g\.yaml: grid\.stepPct 0\.5 → 0\.8"/);
    const versions = await getJson<{ version: number; diff: unknown[] }[]>(
      `${second.url}/api/bots/g1/objectives`,
    );
    assert.deepEqual(
      versions.map((v) => v.version),
      [2, 1],
    );
    assert.deepEqual(versions[0]?.diff, [{ field: 'params.stepPct', from: 0.5, to: 0.8 }]);
    second.child.kill('SIGINT');
    assert.equal((await second.exited).code, 0);

    // Another file: exactly that bot runs; g1 stays stopped.
    const third = await startChild(['--config', join(dir, 's.yaml'), '--speed', '3000'], env);
    const bots = await getJson<{ id: string }[]>(`${third.url}/api/bots`);
    assert.deepEqual(
      bots.map((b) => b.id),
      ['s1'],
    );
    // Archive through the running runner (its API, with the token).
    const thirdPort = new URL(third.url).port;
    const archived = cli(['archive', 's1', '--port', thirdPort]);
    assert.equal(archived.code, 0, archived.err);
    assert.deepEqual(await getJson(`${third.url}/api/bots`), []);
    third.child.kill('SIGINT');
    assert.equal((await third.exited).code, 0);

    // Without a runner: list from the database, archive there, refuse the archived name.
    const offline = cli(['list', '--all', '--port', thirdPort]);
    assert.match(offline.out, /^g1\s+grid\s+SOL-PERP\s+paper\s+stopped\s+v2/m);
    assert.match(offline.out, /^s1\s+spread\s+DRIFT-PERP,KMNO-PERP\s+paper\s+archived/m);
    assert.equal(cli(['archive', 'g1', '--port', thirdPort]).code, 0);
    const refused = cli(['start', '--config', 'g.yaml', '--port', '0']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /g\.yaml: name: bot "g1" is archived/);
    assert.equal(cli(['archive', 'g1', '--delete', '--port', thirdPort]).code, 0);
    assert.doesNotMatch(cli(['list', '--all', '--port', thirdPort]).out, /^g1/m);
  });
});
