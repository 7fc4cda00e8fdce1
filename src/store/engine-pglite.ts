/**
 * The embedded engine: PGlite (PostgreSQL compiled to WASM) with its data in a local folder, or in memory for
 * tests. One process owns a folder at a time: PGlite is a single-session database, so a second process opening
 * the same folder would corrupt it. A lock file beside the folder turns that mistake into a clear error.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Db, type Session, TxDb, toParams } from './db.ts';
import { StoreUnavailable } from './errors.ts';
import { lockFolder, openFolder, prepareFolder } from './pglite-folder.ts';

export interface PgliteOptions {
  schema?: string;
  /** One-line notices for the user (a half-made folder rebuilt); default stderr. */
  notice?: (line: string) => void;
}

const INT8_OID = 20;
// PGlite turns int8 into a JS number by default, which loses precision past 2^53; keep the text as pg does.
const PARSERS = { [INT8_OID]: (text: string) => text };

export async function openPglite(dataDir: string, options: PgliteOptions): Promise<Db> {
  const inMemory = dataDir === 'memory://' || dataDir === ':memory:';
  let unlock = (): void => {};
  let pglite: PGlite;
  if (inMemory) {
    pglite = new PGlite({ parsers: PARSERS });
    await pglite.waitReady;
  } else {
    const dir = resolve(dataDir);
    try {
      // One level at a time: Node's recursive mkdir loops for ever under procfs (ZERO_PERPS_PGLITE_DIR=/proc/…).
      const missing: string[] = [];
      for (let d = dirname(dir); !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
      for (const d of missing) mkdirSync(d);
    } catch (err) {
      throw new StoreUnavailable(
        `cannot create the folder for the embedded database ${dir}: ${(err as Error).message}`,
      );
    }
    unlock = lockFolder(dir);
    try {
      await prepareFolder(dir, options.notice ?? ((line) => process.stderr.write(`${line}\n`)));
      pglite = await openFolder(dir, PARSERS);
    } catch (err) {
      unlock();
      throw err;
    }
  }
  try {
    if (options.schema)
      await pglite.exec(
        `create schema if not exists ${options.schema}; set search_path to ${options.schema}`,
      );
    return new PgliteDb(pglite, unlock);
  } catch (err) {
    await pglite.close().catch(() => {});
    unlock();
    throw err;
  }
}

/**
 * PGlite runs PostgreSQL as a single backend: no checkpointer and no autovacuum process. Without checkpoints
 * the WAL only grows (≈2 MB per bot-day of demo, measured: 45 MB in 4.5 minutes of the demo); a checkpoint
 * lets PostgreSQL recycle it. Vacuum is the pruning code's job (see retention.ts).
 */
const CHECKPOINT_EVERY_MS = 60_000;

class PgliteDb implements Db {
  readonly engine = 'pglite' as const;
  readonly #pg: PGlite;
  readonly #unlock: () => void;
  readonly #checkpoints: ReturnType<typeof setInterval>;
  #wrote = false;

  constructor(pg: PGlite, unlock: () => void) {
    this.#pg = pg;
    this.#unlock = unlock;
    this.#checkpoints = setInterval(() => void this.#checkpoint(), CHECKPOINT_EVERY_MS);
    this.#checkpoints.unref();
  }

  async #checkpoint(): Promise<void> {
    if (!this.#wrote || this.#pg.closed) return;
    this.#wrote = false;
    // A failure (disk full) is the writers' to report; the next checkpoint tries again.
    await this.#pg.query('checkpoint').catch(() => {
      this.#wrote = true;
    });
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    this.#wrote = true;
    return (await this.#pg.query<T>(sql, toParams(params))).rows;
  }

  async exec(sql: string): Promise<void> {
    this.#wrote = true;
    await this.#pg.exec(sql);
  }

  // PGlite queues queries issued outside the transaction until it ends, so a concurrent caller never sees
  // (or joins) half of it. A query on the outer Db from inside `fn` would therefore wait forever: always use
  // the `tx` handle inside a transaction.
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.#wrote = true;
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
    clearInterval(this.#checkpoints);
    try {
      if (!this.#pg.closed) await this.#pg.close();
    } finally {
      this.#unlock();
    }
  }
}
