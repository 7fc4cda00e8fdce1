/**
 * Retention: snapshots are written at a configurable cadence, and old snapshot, journal, verdict and event rows
 * can be pruned (`zero-perps db prune --older-than 30d`). The ledger — bots, accounts, objectives, orders,
 * fills — is never pruned.
 */
import type { Db, OpenDbOptions } from './db.ts';

/**
 * True when a snapshot taken at `ts` should be written: the first one, or the first in a new cadence bucket
 * (buckets are aligned to multiples of `cadenceMs` since the epoch, so snapshots of different bots line up and
 * timer jitter does not make the cadence drift). A cadence ≤ 0 writes every snapshot; a clock that went back
 * (a new replay session) writes too.
 */
export function shouldWriteSnapshot(lastTs: number | undefined, ts: number, cadenceMs: number): boolean {
  if (lastTs === undefined || cadenceMs <= 0 || ts < lastTs) return true;
  return Math.floor(ts / cadenceMs) !== Math.floor(lastTs / cadenceMs);
}

export const PRUNABLE_TABLES = [
  'perps_positions',
  'perps_margin_snapshots',
  'perps_funding_snapshots',
  'journal',
  'risk_verdicts',
  'bot_events',
] as const;

export type PrunableTable = (typeof PRUNABLE_TABLES)[number];

export interface PruneOptions {
  /** Rows with ts strictly before this (epoch ms or Date) are deleted. */
  before: number | Date;
  /** Default: all of PRUNABLE_TABLES. */
  tables?: readonly PrunableTable[];
  /** Rows per delete statement (default 5000): short statements keep locks short while runners write. */
  batchSize?: number;
}

/** Deletes old rows table by table in batches; returns the count deleted per table. */
export async function pruneOlderThan(db: Db, options: PruneOptions): Promise<Record<PrunableTable, number>> {
  const before = new Date(options.before).toISOString();
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error('batchSize must be a positive integer');
  const deleted = Object.fromEntries(PRUNABLE_TABLES.map((t) => [t, 0])) as Record<PrunableTable, number>;
  for (const table of options.tables ?? PRUNABLE_TABLES) {
    if (!PRUNABLE_TABLES.includes(table)) throw new Error(`table "${table}" cannot be pruned`);
    for (;;) {
      // ctid addresses the physical row: the cheapest way to delete "some N matching rows" in PostgreSQL.
      const rows = await db.query<{ n: number }>(
        `with gone as (
           delete from ${table} where ctid in (select ctid from ${table} where ts < $1 limit $2) returning 1
         ) select count(*)::integer as n from gone`,
        [before, batchSize],
      );
      const n = Number(rows[0]!.n);
      deleted[table] += n;
      if (n < batchSize) break;
    }
  }
  return deleted;
}

const AGE_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "30d", "12h", "90m", "1.5w" → milliseconds; undefined when the text is not an age. */
export function parseAge(text: string): number | undefined {
  const m = AGE_RE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

export interface PruneCommandOptions extends OpenDbOptions {
  /** An age such as "30d". */
  olderThan: string;
  tables?: readonly PrunableTable[];
  /** "now" for the cut-off (epoch ms); defaults to the current time. */
  now?: number;
}

/** `zero-perps db prune --older-than 30d`: prints one line per table and returns the counts. */
export async function runPruneCommand(
  options: PruneCommandOptions,
  print: (line: string) => void = console.log,
): Promise<Record<PrunableTable, number>> {
  const ageMs = parseAge(options.olderThan);
  if (ageMs === undefined) {
    throw new Error(`--older-than wants an age such as 30d, 12h or 90m; got "${options.olderThan}"`);
  }
  const before = (options.now ?? Date.now()) - ageMs;
  const { openDb } = await import('./db.ts');
  const db = await openDb(options);
  try {
    const deleted = await pruneOlderThan(db, {
      before,
      ...(options.tables ? { tables: options.tables } : {}),
    });
    print(`pruning rows older than ${new Date(before).toISOString()}`);
    for (const table of options.tables ?? PRUNABLE_TABLES) print(`${table}: ${deleted[table]} deleted`);
    return deleted;
  } finally {
    await db.close();
  }
}
