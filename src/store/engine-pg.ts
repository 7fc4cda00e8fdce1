/**
 * The `pg` engine: a connection pool to a real PostgreSQL server. Several runner processes may share the
 * server; each process keeps its own small pool.
 */
import pg from 'pg';
import { type Db, type Session, TxDb, toParams } from './db.ts';
import { StoreUnavailable } from './errors.ts';

export interface PostgresOptions {
  schema?: string;
  poolSize: number;
}

export async function openPostgres(url: string, options: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    // A server that went away must fail a call, not hang it: the runner then pauses the bots and retries.
    connectionTimeoutMillis: 10_000,
    query_timeout: 120_000,
    keepAlive: true,
    // Every pooled connection starts with the schema first on its search_path, so unqualified table names in
    // migrations and repositories land in it.
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client dropped by the server (restart, network) emits 'error' on the pool; without a listener
  // Node would crash the runner. The next query reports the failure to its caller instead.
  pool.on('error', () => {});
  try {
    if (options.schema) await createSchema(pool, options.schema);
    else await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => {});
    const message = err instanceof Error ? err.message : String(err);
    throw new StoreUnavailable(`cannot reach PostgreSQL at ${redact(url)}: ${message}`);
  }
  return new PostgresDb(pool);
}

/**
 * `create schema if not exists` is not safe against itself: two sessions creating one schema at once can
 * fail with a unique violation. Losing that race means the schema exists, which is all we wanted.
 */
async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists ${schema}`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}

/** The URL without its password, for error messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    const result = await this.#pool.query(sql, toParams(params));
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    // Without values pg uses the simple query protocol, which accepts several statements.
    await this.#pool.query(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    // A checked-out client has no pool listener: a connection dropped between two statements of the
    // transaction (pg_terminate_backend, a server restart) would emit 'error' with no listener and crash the
    // process. The statement in flight, or the next one, fails instead.
    const onError = () => {};
    client.on('error', onError);
    const session: Session = {
      query: async <R>(sql: string, params?: readonly unknown[]) =>
        (await client.query(sql, toParams(params))).rows as R[],
      exec: async (sql: string) => {
        await client.query(sql);
      },
    };
    const tx = new TxDb('postgres', session);
    try {
      await client.query('begin');
      const result = await fn(tx);
      await client.query('commit');
      client.release();
      return result;
    } catch (err) {
      try {
        await client.query('rollback');
        client.release();
      } catch (rollbackErr) {
        // The connection is broken: destroy it rather than hand a dirty session to the next caller.
        client.release(rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr)));
      }
      throw err;
    } finally {
      tx.end();
      client.off('error', onError);
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
