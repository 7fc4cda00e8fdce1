import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RUNNER_SEMI_SPACE_FLAG, runnerRestartArgs, runnerRestartEnv } from './gc-tuning.ts';

describe('runner heap: the semi-space size the runner re-runs itself with', () => {
  it('adds the flag before the script, keeping node options and arguments', () => {
    assert.deepEqual(
      runnerRestartArgs(['--inspect'], ['/usr/bin/node', 'bin/zero-perps.js', 'start'], undefined),
      ['--inspect', RUNNER_SEMI_SPACE_FLAG, 'bin/zero-perps.js', 'start'],
    );
  });

  it('does nothing when a semi-space size is given, on the command line or in NODE_OPTIONS', () => {
    const argv = ['node', 'bin/zero-perps.js', 'start'];
    assert.equal(runnerRestartArgs([RUNNER_SEMI_SPACE_FLAG], argv, undefined), undefined);
    assert.equal(runnerRestartArgs(['--max_semi_space_size=64'], argv, undefined), undefined);
    assert.equal(runnerRestartArgs([], argv, '--max-old-space-size=512 --max-semi-space-size=8'), undefined);
    assert.notEqual(runnerRestartArgs([], argv, '--max-old-space-size=512'), undefined);
  });

  it('a process that calls runnerHeap runs on with the flag, same pid, same arguments', () => {
    const script = `
      import { runnerHeap } from ${JSON.stringify(new URL('./gc-tuning.ts', import.meta.url).href)};
      const before = process.env.GC_TUNING_PID ?? String(process.pid);
      process.env.GC_TUNING_PID = before;
      runnerHeap();
      console.log(JSON.stringify({ same: before === String(process.pid), execArgv: process.execArgv, args: process.argv.slice(2), arenas: process.env.MALLOC_ARENA_MAX }));
    `;
    const dir = mkdtempSync(join(tmpdir(), 'gc-tuning-'));
    const file = join(dir, 'restart.mjs');
    writeFileSync(file, script);
    const env = { ...process.env };
    delete env.MALLOC_ARENA_MAX;
    const r = spawnSync(process.execPath, [file, 'a', 'b'], { encoding: 'utf8', env });
    rmSync(dir, { recursive: true });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
    if (process.platform === 'win32') return;
    assert.equal(out.same, true);
    assert.ok(out.execArgv.includes(RUNNER_SEMI_SPACE_FLAG), JSON.stringify(out.execArgv));
    assert.deepEqual(out.args, ['a', 'b']);
    assert.equal(out.arenas, '1');
  });

  it('the re-run gets one malloc arena unless the user chose a number', () => {
    assert.equal(runnerRestartEnv({ PATH: '/bin' }).MALLOC_ARENA_MAX, '1');
    assert.equal(runnerRestartEnv({ PATH: '/bin' }).PATH, '/bin');
    assert.equal(runnerRestartEnv({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX, '4');
  });
});
