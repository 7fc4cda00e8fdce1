/**
 * The CLI's compile cache (bin/compile-cache.js) lives only in a folder this user owns and no one else can write:
 * a shared one would let another user leave code for the next run to load.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { privateCacheDir } from '../../bin/compile-cache.js';

const root = new URL('../../', import.meta.url).pathname;
const made: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'zp-compile-cache-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const uid = process.getuid?.();

describe('the compile cache folder', { skip: uid === undefined ? 'no user ids here' : false }, () => {
  it('is made under XDG_CACHE_HOME (or ~/.cache) for this user only', () => {
    const base = scratch();
    const dir = privateCacheDir({ XDG_CACHE_HOME: base }, '/nonexistent', uid);
    assert.equal(dir, join(base, 'zero-perps', 'node-compile-cache'));
    assert.equal(statSync(dir as string).mode & 0o777, 0o700);
    const home = scratch();
    assert.equal(privateCacheDir({}, home, uid), join(home, '.cache', 'zero-perps', 'node-compile-cache'));
  });

  it('is refused when others may write to it, when it is another user’s, or when it cannot be made', () => {
    const base = scratch();
    const dir = join(base, 'zero-perps', 'node-compile-cache');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    assert.equal(privateCacheDir({ XDG_CACHE_HOME: base }, '/nonexistent', uid), undefined);
    chmodSync(dir, 0o700);
    assert.equal(privateCacheDir({ XDG_CACHE_HOME: base }, '/nonexistent', (uid as number) + 1), undefined);
    assert.equal(privateCacheDir({ XDG_CACHE_HOME: base }, '/nonexistent', undefined), undefined);
    const file = join(scratch(), 'a-file');
    writeFileSync(file, '');
    assert.equal(privateCacheDir({ XDG_CACHE_HOME: file }, '/nonexistent', uid), undefined);
  });

  it('fills with compiled code when the CLI runs, and stays empty with NODE_DISABLE_COMPILE_CACHE=1', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(root, 'bin', 'zero-perps.js'), 'backtest', '--help'], {
        env: { ...process.env, NODE_COMPILE_CACHE: '', ...env },
        encoding: 'utf8',
      });
    const base = scratch();
    assert.equal(run({ XDG_CACHE_HOME: base }).status, 0);
    const dir = join(base, 'zero-perps', 'node-compile-cache');
    const entries = readdirSync(dir).flatMap((v) => readdirSync(join(dir, v)));
    assert.ok(entries.length > 0, 'compiled code was kept');
    const off = scratch();
    assert.equal(run({ XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' }).status, 0);
    const offDir = join(off, 'zero-perps', 'node-compile-cache');
    const offEntries = readdirSync(offDir).flatMap((v) => readdirSync(join(offDir, v)));
    assert.deepEqual(offEntries, []);
  });
});
