/**
 * Test databases: PGlite in memory by default, the real server when DATABASE_URL is set — the same test code
 * runs against both. Each call gets a schema of its own (zp_<random>) so parallel test files and runs never
 * see each other's rows; `drop()` removes it. PGlite takes seconds to start: open one per test file.
 */
import { randomBytes } from 'node:crypto';
import { type Db, openDb } from '../db.ts';

export interface TestDb {
  db: Db;
  schema: string;
  /** The server URL when running against a real server. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** The real server's URL when configured, else undefined. */
export function serverUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

export const NO_SERVER_MESSAGE =
  'needs a real PostgreSQL server: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)';

export function uniqueSchema(): string {
  return `zp_${randomBytes(6).toString('hex')}`;
}

export async function testDb(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const url = serverUrl();
  const schema = uniqueSchema();
  const db = await openDb({ url: url ?? '', dataDir: 'memory://', schema, migrate: options.migrate ?? true });
  return {
    db,
    schema,
    url,
    async drop() {
      try {
        if (url) await db.exec(`drop schema if exists ${schema} cascade`);
      } finally {
        await db.close();
      }
    },
  };
}
