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
    return new PgliteDb(pglite, inMemory ? undefined : resolve(dataDir), options.schema, unlock);
  } catch (err) {
    await pglite.close().catch(() => {});
    unlock();
    throw err;
  }
}

/**
 * PGlite runs PostgreSQL as a single backend: no checkpointer and no autovacuum process. Without checkpoints
 * the WAL only grows (45 MB in 4.5 minutes of the demo, measured); a checkpoint lets PostgreSQL recycle it.
 * Vacuum is the pruning code's job (see retention.ts). ZERO_PERPS_CHECKPOINT_MS overrides the interval (tests).
 */
const CHECKPOINT_EVERY_MS = Number(process.env.ZERO_PERPS_CHECKPOINT_MS) || 60_000;

/**
 * What PGlite says once its WASM PostgreSQL has aborted (a checkpoint on a full disk does that): every later
 * call fails the same way, even when the disk has room again. The folder is then opened anew, which is
 * PostgreSQL's own crash recovery (the WAL replayed), as after a kill.
 */
const ABORTED = /Aborted\(\)|cannot drop active portal|RuntimeError|unreachable/;

class PgliteDb implements Db {
  readonly engine = 'pglite' as const;
  #pg: PGlite;
  readonly #dir: string | undefined;
  readonly #schema: string | undefined;
  readonly #unlock: () => void;
  readonly #checkpoints: ReturnType<typeof setInterval>;
  #wrote = false;
  #failed = false;
  #broken = false;
  #reopening: Promise<PGlite> | undefined;

  constructor(pg: PGlite, dir: string | undefined, schema: string | undefined, unlock: () => void) {
    this.#pg = pg;
    this.#dir = dir;
    this.#schema = schema;
    this.#unlock = unlock;
    this.#checkpoints = setInterval(() => void this.#checkpoint(), CHECKPOINT_EVERY_MS);
    this.#checkpoints.unref();
  }

  async #checkpoint(): Promise<void> {
    // Not while writes fail (a checkpoint on a full disk aborts PostgreSQL): the next interval tries again.
    if (!this.#wrote || this.#failed || this.#broken || this.#pg.closed) return;
    this.#wrote = false;
    await this.#call((pg) => pg.query('checkpoint')).catch(() => {
      this.#wrote = true;
    });
  }

  /** The live instance, re-opened first if the last one aborted. */
  async #instance(): Promise<PGlite> {
    if (!this.#broken) return this.#pg;
    if (!this.#dir) throw new StoreUnavailable('the in-memory database aborted');
    this.#reopening ??= (async () => {
      try {
        const pg = await openFolder(this.#dir as string, PARSERS);
        if (this.#schema) await pg.exec(`set search_path to ${this.#schema}`);
        this.#pg = pg;
        this.#broken = false;
        return pg;
      } finally {
        this.#reopening = undefined;
      }
    })();
    return this.#reopening;
  }

  async #call<T>(fn: (pg: PGlite) => Promise<T>): Promise<T> {
    const pg = await this.#instance();
    try {
      const result = await fn(pg);
      this.#failed = false;
      return result;
    } catch (err) {
      this.#failed = true;
      if (ABORTED.test(err instanceof Error ? `${err.name} ${err.message}` : String(err)))
        this.#broken = true;
      throw err;
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    this.#wrote = true;
    return this.#call(async (pg) => (await pg.query<T>(sql, toParams(params))).rows);
  }

  async exec(sql: string): Promise<void> {
    this.#wrote = true;
    await this.#call((pg) => pg.exec(sql));
  }

  // PGlite queues queries issued outside the transaction until it ends, so a concurrent caller never sees
  // (or joins) half of it. A query on the outer Db from inside `fn` would therefore wait forever: always use
  // the `tx` handle inside a transaction.
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.#wrote = true;
    return this.#call((pg) =>
      pg.transaction(async (raw) => {
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
      }),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.#checkpoints);
    try {
      if (!this.#broken && !this.#pg.closed) await this.#pg.close();
    } finally {
      this.#unlock();
    }
  }
}
