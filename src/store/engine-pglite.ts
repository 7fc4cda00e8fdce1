/**
 * The embedded engine: PGlite (PostgreSQL compiled to WASM) with its data in a local folder, or in memory for
 * tests. One process owns a folder at a time: PGlite is a single-session database, so a second process opening
 * the same folder would corrupt it. A lock file beside the folder turns that mistake into a clear error.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Db, type Session, TxDb, toParams } from './db.ts';

export interface PgliteOptions {
  schema?: string;
}

const INT8_OID = 20;

export async function openPglite(dataDir: string, options: PgliteOptions): Promise<Db> {
  const inMemory = dataDir === 'memory://' || dataDir === ':memory:';
  let unlock = (): void => {};
  if (!inMemory) {
    const dir = resolve(dataDir);
    mkdirSync(dirname(dir), { recursive: true });
    unlock = lockFolder(`${dir}.lock`);
  }
  try {
    const pglite = new PGlite({
      ...(inMemory ? {} : { dataDir: resolve(dataDir) }),
      // PGlite turns int8 into a JS number by default, which loses precision past 2^53; keep the text as pg does.
      parsers: { [INT8_OID]: (text: string) => text },
    });
    await pglite.waitReady;
    if (options.schema)
      await pglite.exec(
        `create schema if not exists ${options.schema}; set search_path to ${options.schema}`,
      );
    return new PgliteDb(pglite, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

/** Creates `path` exclusively; a lock left by a process that no longer runs is taken over. */
function lockFolder(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new Error(
          `the embedded database ${path.slice(0, -'.lock'.length)} is in use by process ${pid}; ` +
            'stop it, or set DATABASE_URL to share a PostgreSQL server between processes',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock ${path}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class PgliteDb implements Db {
  readonly engine = 'pglite' as const;
  readonly #pg: PGlite;
  readonly #unlock: () => void;

  constructor(pg: PGlite, unlock: () => void) {
    this.#pg = pg;
    this.#unlock = unlock;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return (await this.#pg.query<T>(sql, toParams(params))).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.#pg.exec(sql);
  }

  // PGlite queues queries issued outside the transaction until it ends, so a concurrent caller never sees
  // (or joins) half of it. A query on the outer Db from inside `fn` would therefore wait forever: always use
  // the `tx` handle inside a transaction.
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.#pg.transaction(async (raw) => {
      const session: Session = {
        query: async <R>(sql: string, params?: readonly unknown[]) =>
          (await raw.query<R>(sql, toParams(params))).rows,
        exec: async (sql: string) => {
          await raw.exec(sql);
        },
      };
      const tx = new TxDb('pglite', session);
      try {
        return await fn(tx);
      } finally {
        tx.end();
      }
    });
  }

  async close(): Promise<void> {
    try {
      if (!this.#pg.closed) await this.#pg.close();
    } finally {
      this.#unlock();
    }
  }
}
