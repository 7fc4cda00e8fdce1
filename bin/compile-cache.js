// Node's module compile cache for the CLI, in a folder only this user can write. Node's default folder is
// os.tmpdir()/node-compile-cache, shared by every user of the machine: whoever creates it first could leave
// compiled code there for the next user's run to load, and the runner holds a trading key. So the cache lives in
// the user's own cache folder ($XDG_CACHE_HOME or ~/.cache, then zero-perps/node-compile-cache, made 0700), and is
// used only when that folder is this user's and no one else can write to it. NODE_COMPILE_CACHE, when set, is the
// user's own choice and is used as it is; NODE_DISABLE_COMPILE_CACHE=1 turns the cache off (Node reads both).
// Plain JavaScript: bin/zero-perps.js loads this on any runtime; Bun has no such cache.
import { mkdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The private folder to keep the cache in, made when missing; undefined when there is none that is safe (not
 * this user's, writable by others, or not makeable: a read-only home).
 * @param {Record<string, string | undefined>} env
 * @param {string} home
 * @param {number | undefined} uid this process's user id (undefined where there are none: Windows)
 * @returns {string | undefined}
 */
export function privateCacheDir(env, home, uid) {
  const base = env.XDG_CACHE_HOME || join(home, '.cache');
  const dir = join(base, 'zero-perps', 'node-compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (uid === undefined || st.uid !== uid || (st.mode & 0o077) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** Turns the cache on where it is safe (see above); a quiet optimisation: nothing is printed either way. */
export function enableCompileCache() {
  if (typeof module.enableCompileCache !== 'function') return;
  if (process.env.NODE_COMPILE_CACHE) {
    module.enableCompileCache();
    return;
  }
  const dir = privateCacheDir(process.env, homedir(), process.getuid?.());
  if (dir !== undefined) module.enableCompileCache(dir);
}
