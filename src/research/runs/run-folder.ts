/**
 * Every backtest keeps its own folder, `out/<bot>/<run-id>/`, so a second run never overwrites the first;
 * `out/<bot>/latest` points at the newest. The run id is the UTC start time (sortable), with a suffix when two
 * runs start in the same second.
 */
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

export function runId(now: Date, taken: (id: string) => boolean): string {
  const base = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
}

/** Creates `<root>/<bot>/<run-id>/` and returns it. */
export function newRunFolder(root: string, bot: string, now = new Date()): string {
  const botDir = join(root, bot);
  mkdirSync(botDir, { recursive: true });
  for (;;) {
    const id = runId(now, (x) => existsSync(join(botDir, x)));
    const dir = join(botDir, id);
    try {
      mkdirSync(dir); // not recursive: fails if another process took the id meanwhile
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Points `<bot dir>/latest` at the run (a relative symlink). Best effort: where symlinks are not allowed the
 * run folders are still there, sorted by name.
 */
export function markLatest(runDir: string): void {
  const link = join(runDir, '..', 'latest');
  try {
    if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
    symlinkSync(basename(runDir), link);
  } catch {
    // a filesystem without symlinks, or a real folder named "latest": leave it
  }
}

export interface RunMeta {
  runId: string;
  bot: string;
  strategy: string;
  startedAt: string;
  config: string;
  data: string[];
  funding: string[];
  options: Record<string, unknown>;
}
