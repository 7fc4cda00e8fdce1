/**
 * The database for management commands run while no runner answers: the configured server, or the embedded
 * PGlite folder when it exists (a command that only reads must not create an empty database as a side effect).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Db, openDb, resolveDataDir } from '../store/index.ts';

/** undefined when the embedded folder has never been created (no bots yet). */
export async function openExistingDb(): Promise<Db | undefined> {
  if (!process.env.DATABASE_URL) {
    const dir = resolveDataDir();
    if (dir !== 'memory://' && !existsSync(resolve(dir))) return undefined;
  }
  return openDb();
}
