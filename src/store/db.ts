/**
 * The store's one small interface, `Db`, and `openDb`, which picks an engine: a real PostgreSQL server through
 * `pg` when a URL is given (or DATABASE_URL is set), embedded PGlite otherwise. Both engines hand rows back in
 * the same shapes: numeric and bigint columns as strings (never lossy JS numbers), timestamptz as Date, jsonb
 * parsed. Repositories convert to domain types in src/store/codec.ts.
 */
import { StoreUnavailable } from './errors.ts';
import { migrate } from './migrate.ts';

export type Engine = 'pglite' | 'postgres';

export interface Db {
  readonly engine: Engine;
  /** One statement, `$1…` placeholders. bigint params are sent as exact decimal text. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Called on a
   * transaction handle it nests as a savepoint, so repositories can always wrap their multi-row writes.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://… ; defaults to process.env.DATABASE_URL. An empty string means "no server". */
  url?: string;
  /** PGlite folder; defaults to ZERO_PERPS_PGLITE_DIR or `.data/pglite`. `memory://` keeps it in memory. */
  dataDir?: string;
  /** Use (and create) this schema instead of `public`: tests isolate themselves this way. */
  schema?: string;
  /** Apply pending migrations at open (default true). */
  migrate?: boolean;
  /** pg pool size (default 5). */
  poolSize?: number;
}

export const DEFAULT_PGLITE_DIR = '.data/pglite';
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export function resolveDataDir(dataDir?: string): string {
  return dataDir ?? process.env.ZERO_PERPS_PGLITE_DIR ?? DEFAULT_PGLITE_DIR;
}

export async function openDb(options: OpenDbOptions = {}): Promise<Db> {
  const url = options.url ?? process.env.DATABASE_URL ?? '';
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_RE.test(schema)) {
    throw new Error(`schema name "${schema}" must be lowercase letters, digits and _ (at most 63)`);
  }
  // Engines load lazily so a process that only needs one never pays for the other (PGlite's WASM is large).
  const db = url
    ? await (await import('./engine-pg.ts')).openPostgres(url, { schema, poolSize: options.poolSize ?? 5 })
    : await (await import('./engine-pglite.ts')).openPglite(resolveDataDir(options.dataDir), { schema });
  if (options.migrate ?? true) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close().catch(() => {});
      // Every way a migration fails at start (disk full, an edited migration file, a server refusing) is for
      // the user to act on: one line, no stack.
      throw new StoreUnavailable(`cannot bring the database up to date: ${(err as Error).message}`);
    }
  }
  return db;
}

/** Params as both drivers accept them: bigint as exact text (pg cannot serialise bigint). */
export function toParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  return params?.map((p) => (typeof p === 'bigint' ? p.toString() : p));
}

/** What an engine gives a transaction handle: one session, already inside BEGIN. */
export interface Session {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/**
 * A transaction handle over one session. Nested `transaction` calls become savepoints. Using the handle after
 * its transaction ended is a bug (the session may belong to someone else by then), so it throws.
 */
export class TxDb implements Db {
  readonly engine: Engine;
  readonly #session: Session;
  readonly #depth: number;
  #open = true;

  constructor(engine: Engine, session: Session, depth = 0) {
    this.engine = engine;
    this.#session = session;
    this.#depth = depth;
  }

  #check(): void {
    if (!this.#open) throw new Error('transaction handle used after its transaction ended');
  }

  /** Marks the handle finished; the engine calls this after COMMIT/ROLLBACK. */
  end(): void {
    this.#open = false;
  }

  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    this.#check();
    return this.#session.query<T>(sql, params);
  }

  exec(sql: string): Promise<void> {
    this.#check();
    return this.#session.exec(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.#check();
    const name = `zp_sp_${this.#depth + 1}`;
    await this.#session.exec(`savepoint ${name}`);
    const inner = new TxDb(this.engine, this.#session, this.#depth + 1);
    try {
      const result = await fn(inner);
      await this.#session.exec(`release savepoint ${name}`);
      return result;
    } catch (err) {
      await this.#session.exec(`rollback to savepoint ${name}`);
      throw err;
    } finally {
      inner.end();
    }
  }

  close(): Promise<void> {
    return Promise.reject(new Error('close the Db that opened the transaction, not the transaction handle'));
  }
}
