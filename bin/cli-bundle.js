// The CLI's bundle (dist/cli/, built by scripts/build-cli.ts) and the rule that decides whether it may run.
// Plain JavaScript: bin/zero-perps.js loads this before it knows which runtime or Node it is on.
//
// The bundle records every source file it was built from (path, size, mtime, SHA-256). It is current when each
// of those files still has the recorded content: a file whose size and mtime match is taken as unchanged (one
// stat per file); one whose mtime moved (a `git checkout`, a `touch`) is hashed and compared, so only a real edit
// makes the bundle stale. A stale or missing bundle is never run: the TypeScript is, so an edit is never hidden.
// A new file can only enter the program through an import in a recorded file, whose content then changed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE_DIR = join('dist', 'cli');
export const BUNDLE_ENTRY = 'main.js';
export const MANIFEST = 'sources.json';

/** @param {string} path */
function sha256(path) {
  // Loaded only when a file must be hashed: most runs stat the sources and never need node:crypto.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * What the manifest records of one source file.
 * @param {string} root the project folder
 * @param {string} file a path relative to root
 */
export function describeSource(root, file) {
  const abs = join(root, file);
  const st = statSync(abs);
  return { file, size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(abs) };
}

/**
 * Why the bundle in `root` may not run, or null when it may.
 * @param {string} root the project folder
 * @returns {string | null}
 */
export function bundleStaleReason(root) {
  const dir = join(root, BUNDLE_DIR);
  /** @type {{ sources: { file: string; size: number; mtimeMs: number; sha256: string }[] }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return 'no bundle (run `npm run build:cli`)';
  }
  if (!existsSync(join(dir, BUNDLE_ENTRY))) return 'no bundle (run `npm run build:cli`)';
  for (const s of manifest.sources) {
    const abs = join(root, s.file);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) return `${s.file} is gone`;
    if (st.size !== s.size) return `${s.file} changed`;
    if (st.mtimeMs !== s.mtimeMs && sha256(abs) !== s.sha256) return `${s.file} changed`;
  }
  return null;
}
