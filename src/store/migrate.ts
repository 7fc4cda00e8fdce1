/**
 * Numbered plain-SQL migrations (src/store/migrations/NNN_name.sql), applied in order, each in its own
 * transaction, recorded in schema_migrations with a checksum. Several processes may start at once against one
 * server: an advisory lock (per schema) makes them take turns, and each re-checks what is applied under it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db, OpenDbOptions } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  /** File names applied by this call, in order. */
  applied: string[];
  /** Highest version now applied. */
  version: number;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_RE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_RE.exec(file);
    if (!m) throw new Error(`migration file "${file}" must be named NNN_lowercase_name.sql`);
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    migrations.push({
      version: Number(m[1]),
      name: file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.forEach((mig, i) => {
    if (mig.version !== i + 1) {
      throw new Error(
        `migrations must be numbered 001, 002, … without gaps; found ${mig.name} at position ${i + 1}`,
      );
    }
  });
  return migrations;
}

async function lock(tx: Db): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('zero-perps:migrate:' || current_schema()))`);
}

async function appliedChecksums(db: Db): Promise<Map<number, string>> {
  const rows = await db.query<{ version: number; checksum: string }>(
    'select version, checksum from schema_migrations order by version',
  );
  return new Map(rows.map((r) => [Number(r.version), r.checksum]));
}

export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<MigrationResult> {
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
  });
  const applied: string[] = [];
  const known = await appliedChecksums(db);
  for (const mig of migrations) {
    const seen = known.get(mig.version);
    if (seen !== undefined) {
      if (seen !== mig.checksum) {
        throw new Error(
          `migration ${mig.name} was edited after it was applied; restore it and add a new numbered migration instead`,
        );
      }
      continue;
    }
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it while we waited for the lock.
      const done = await tx.query('select 1 from schema_migrations where version = $1', [mig.version]);
      if (done.length > 0) return false;
      await tx.exec(mig.sql);
      await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
        mig.version,
        mig.name,
        mig.checksum,
      ]);
      return true;
    });
    if (ran) applied.push(mig.name);
  }
  const version = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  return { applied, version };
}

/**
 * `zero-perps db migrate`: opens the configured database without auto-migrating, applies what is pending and
 * prints one line per migration (or that nothing was pending).
 */
export async function runMigrateCommand(
  options: OpenDbOptions = {},
  print: (line: string) => void = console.log,
): Promise<MigrationResult> {
  const { openDb } = await import('./db.ts');
  const db = await openDb({ ...options, migrate: false });
  try {
    const where = db.engine === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite';
    const result = await migrate(db);
    for (const name of result.applied) print(`applied ${name}`);
    print(
      result.applied.length === 0
        ? `${where}: up to date at version ${result.version}`
        : `${where}: now at version ${result.version}`,
    );
    return result;
  } finally {
    await db.close();
  }
}
