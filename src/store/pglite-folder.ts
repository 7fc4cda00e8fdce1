/**
 * The embedded database's folder: who owns it, and how it comes into being.
 *
 * Ownership: a lock file beside the folder holds `pid starttime`. A lock whose process is gone, or whose pid
 * now belongs to a process started at another time (pids are reused), is stale and taken over.
 *
 * Creation is atomic: PGlite's initdb runs in `<dir>.init-<pid>`, which is renamed to `<dir>` only once the
 * database is complete and marked ready. Ctrl-C, a kill or a full disk during a first start therefore leaves
 * no folder (or a leftover `.init-*` folder, removed at the next start), never a half-made one. A folder made
 * by an older version (no ready mark) that fails to open or lacks PL/pgSQL was half-made the same way: it is
 * moved aside (never deleted) and a new one made, with one line saying so. A folder with the mark that fails
 * to open is damaged: that is reported, not repaired.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { StoreUnavailable } from './errors.ts';

/** Written into the data folder once it is complete; PostgreSQL ignores files it does not know. */
export const READY_MARK = 'zero-perps-ready';

/** Linux: the process's start time (clock ticks since boot), which tells a reused pid from the original. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock's owner still runs: same pid, and (when recorded) the same start time. */
function ownerRuns(content: string): number | undefined {
  const [pidText, started] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !processAlive(pid)) return undefined;
  if (started !== undefined) {
    const now = startTime(pid);
    if (now !== undefined && now !== started) return undefined; // the pid was reused by another process
  }
  return pid;
}

/** Creates `<dir>.lock` exclusively; returns the unlock function. */
export function lockFolder(dir: string): () => void {
  const path = `${dir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}`.trim());
      } finally {
        closeSync(fd);
      }
      return () => rmSync(path, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') {
        rmSync(path, { force: true });
        throw new StoreUnavailable(`cannot lock the embedded database ${dir}: no space left on the device`);
      }
      if (code !== 'EEXIST') {
        throw new StoreUnavailable(`cannot lock the embedded database ${dir}: ${(err as Error).message}`);
      }
      let content = '';
      try {
        content = readFileSync(path, 'utf8');
      } catch {
        continue; // removed meanwhile
      }
      const pid = ownerRuns(content);
      if (pid !== undefined) {
        throw new StoreUnavailable(
          `the embedded database ${dir} is in use by process ${pid}; stop it (zero-perps stop), or set DATABASE_URL to share a PostgreSQL server between processes`,
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new StoreUnavailable(`could not lock ${path}`);
}

const isEmptyDir = (dir: string): boolean => !existsSync(dir) || readdirSync(dir).length === 0;

function freeMb(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return Math.floor((s.bavail * s.bsize) / 1e6);
  } catch {
    return undefined;
  }
}

/** The reason in words, with the free space when the disk is the likely cause. */
function why(err: unknown, dir: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const free = freeMb(dirname(dir));
  const full = /ENOSPC|No space left/i.test(message) || (free !== undefined && free < 64);
  return full
    ? `no space left on the device (${free ?? '?'} MB free; a new database needs about 30 MB)`
    : message;
}

async function initFresh(dir: string): Promise<void> {
  const tmp = `${dir}.init-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp, { recursive: true });
    const pg = new PGlite({ dataDir: tmp });
    await pg.waitReady;
    await pg.query('select 1');
    await pg.close();
    writeFileSync(join(tmp, READY_MARK), `created ${new Date().toISOString()}\n`);
    if (existsSync(dir)) rmSync(dir, { recursive: true }); // an empty folder (checked by the caller)
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw new StoreUnavailable(`cannot create the embedded database ${dir}: ${why(err, dir)}`);
  }
}

/** Leftovers of first starts that were interrupted (we hold the lock, so none is in progress). */
function removeInterruptedInits(dir: string): void {
  const parent = dirname(dir);
  const prefix = `${basename(dir)}.init-`;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(prefix)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** A folder without the ready mark: complete (made by an older version) or half-made. */
async function completeOrHalfMade(dir: string): Promise<boolean> {
  let pg: PGlite | undefined;
  try {
    pg = new PGlite({ dataDir: dir });
    await pg.waitReady;
    const r = await pg.query("select 1 from pg_language where lanname = 'plpgsql'");
    return r.rows.length === 1;
  } catch {
    return false;
  } finally {
    await pg?.close().catch(() => {});
  }
}

/**
 * Makes sure `dir` holds a complete database (see the file comment). `notice` receives the one line said
 * when a half-made folder is moved aside.
 */
export async function prepareFolder(dir: string, notice: (line: string) => void): Promise<void> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new StoreUnavailable(
      `the embedded database ${dir} is a file, not a folder; move it away or set ZERO_PERPS_PGLITE_DIR`,
    );
  }
  removeInterruptedInits(dir);
  if (isEmptyDir(dir)) return initFresh(dir);
  if (existsSync(join(dir, READY_MARK))) return;
  if (await completeOrHalfMade(dir)) {
    writeFileSync(join(dir, READY_MARK), `checked ${new Date().toISOString()}\n`);
    return;
  }
  const aside = `${dir}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(dir, aside);
  notice(
    `the embedded database ${dir} was half-made (a first start was interrupted); moved it to ${aside} and made a new one`,
  );
  await initFresh(dir);
}

/** Opens a prepared folder; a failure means the database is damaged (or the disk is full). */
export async function openFolder(
  dir: string,
  parsers: Record<number, (text: string) => unknown>,
): Promise<PGlite> {
  try {
    const pg = new PGlite({ dataDir: dir, parsers });
    await pg.waitReady;
    return pg;
  } catch (err) {
    throw new StoreUnavailable(
      `cannot open the embedded database ${dir}: ${why(err, dir)}. If it is damaged, move the folder away to start afresh (its history is then gone from the dashboard)`,
    );
  }
}
