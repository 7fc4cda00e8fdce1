/** Test helper: the dashboard build the runner serves (web/dist), rebuilt when a source is newer. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** Rebuilds web/dist when it is missing or older than a source file (the runner serves whatever is there). */
export function ensureWebBuild(): void {
  const index = join(root, 'web/dist/index.html');
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  const sources = Math.max(newest(join(root, 'web/src')), statSync(join(root, 'web/index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, `vite build failed:\n${r.stdout}\n${r.stderr}`);
}
