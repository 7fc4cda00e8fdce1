/**
 * Retention: snapshots are written at a configurable cadence, and old snapshot, journal, verdict, event and
 * unfilled-order rows are pruned by data time — by the runner as it goes (docs/store.md, "Retention") and by
 * `zero-perps db prune --older-than 30d`. The ledger — bots, accounts, objectives, fills, filled orders, the
 * funding settlements — is never pruned.
 */
import { fromDbTime } from './codec.ts';
import { type Db, type OpenDbOptions, TxDb } from './db.ts';

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
  'orders',
] as const;

export type PrunableTable = (typeof PRUNABLE_TABLES)[number];

/**
 * Per table: its time column and what is never pruned however old, because something still reads it:
 * - the latest snapshot per bot (and market): a restarted bot continues its funding books from it;
 * - funding settlements in the journal: the PnL's funding total is their sum (fills, never pruned, give fees);
 * - the latest verdict per bot;
 * - orders that are open or filled at all (the ledger); only closed orders that never filled go.
 * `t` is the table's alias in the statement.
 */
const RULES: Record<PrunableTable, { ts: string; keep: string }> = {
  perps_positions: {
    ts: 'ts',
    keep: 'ts = (select max(x.ts) from perps_positions x where x.bot_id = t.bot_id and x.market_index = t.market_index)',
  },
  perps_margin_snapshots: {
    ts: 'ts',
    keep: 'ts = (select max(x.ts) from perps_margin_snapshots x where x.bot_id = t.bot_id)',
  },
  perps_funding_snapshots: {
    ts: 'ts',
    keep: 'ts = (select max(x.ts) from perps_funding_snapshots x where x.bot_id = t.bot_id and x.market_index = t.market_index)',
  },
  journal: { ts: 'ts', keep: "(kind = 'venue_event' and payload->>'type' = 'funding')" },
  risk_verdicts: { ts: 'ts', keep: 'id = (select max(x.id) from risk_verdicts x where x.bot_id = t.bot_id)' },
  bot_events: { ts: 'ts', keep: 'false' },
  orders: {
    ts: 'placed_at',
    keep: "(status not in ('cancelled', 'expired', 'vanished') or filled_base > 0)",
  },
};

export interface PruneOptions {
  /** Rows with a time strictly before this (epoch ms or Date) are deleted. */
  before: number | Date;
  /** Only this bot's rows (default: every bot's). */
  botId?: string;
  /** Default: all of PRUNABLE_TABLES. */
  tables?: readonly PrunableTable[];
  /** Rows per delete statement (default 5000): short statements keep locks short while runners write. */
  batchSize?: number;
}

const emptyCounts = () =>
  Object.fromEntries(PRUNABLE_TABLES.map((t) => [t, 0])) as Record<PrunableTable, number>;

/**
 * Deletes old rows table by table in batches (what RULES keeps stays); returns the count deleted per table.
 * On PGlite (no autovacuum) the tables are vacuumed afterwards, so the space is reused and the folder stops
 * growing.
 */
export async function pruneOlderThan(db: Db, options: PruneOptions): Promise<Record<PrunableTable, number>> {
  const before = new Date(options.before).toISOString();
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error('batchSize must be a positive integer');
  const deleted = emptyCounts();
  for (const table of options.tables ?? PRUNABLE_TABLES) {
    if (!PRUNABLE_TABLES.includes(table)) throw new Error(`table "${table}" cannot be pruned`);
    const rule = RULES[table];
    const byBot = options.botId === undefined ? '' : 'and t.bot_id = $3';
    for (;;) {
      // ctid addresses the physical row: the cheapest way to delete "some N matching rows" in PostgreSQL.
      const rows = await db.query<{ n: number }>(
        `with gone as (
           delete from ${table} where ctid in (
             select t.ctid from ${table} t where t.${rule.ts} < $1 ${byBot} and not (${rule.keep}) limit $2
           ) returning 1
         ) select count(*)::integer as n from gone`,
        options.botId === undefined ? [before, batchSize] : [before, batchSize, options.botId],
      );
      const n = Number(rows[0]!.n);
      deleted[table] += n;
      if (n < batchSize) break;
    }
    // Vacuum cannot run inside a transaction; a caller holding one leaves it to the next prune.
    if (deleted[table] > 0 && db.engine === 'pglite' && !(db instanceof TxDb))
      await db.query(`vacuum ${table}`);
  }
  return deleted;
}

/**
 * Tables the runner rewrites in place (a paper venue's document every tick, order upserts, journal heads,
 * leases): their dead row versions are reclaimed by autovacuum on a server; PGlite has none, so the runner's
 * retention vacuums them too. No-op on a server.
 */
export async function vacuumRewrittenTables(db: Db): Promise<void> {
  if (db.engine !== 'pglite' || db instanceof TxDb) return;
  for (const t of ['paper_venues', 'orders', 'journal_heads', 'leases', 'runner_bots', 'bots']) {
    await db.query(`vacuum ${t}`);
  }
}

/**
 * The newest data time of each bot: its clock as the rows record it (a replay's clock is the data's time,
 * years behind or ahead of the wall clock; a live bot's is the wall clock). Bots without rows are left out.
 */
export async function botDataTimes(db: Db): Promise<Map<string, number>> {
  const rows = await db.query<{ bot_id: string; ts: Date }>(
    `select bot_id, max(ts) as ts from (
       select bot_id, max(ts) as ts from journal group by bot_id
       union all select bot_id, max(ts) from perps_margin_snapshots group by bot_id
     ) x group by bot_id`,
  );
  return new Map(rows.filter((r) => r.ts !== null).map((r) => [r.bot_id, fromDbTime(r.ts)]));
}

/** Prunes each bot's rows older than `ageMs` before that bot's own newest record (data time). */
export async function pruneByDataTime(
  db: Db,
  options: { ageMs: number; tables?: readonly PrunableTable[]; batchSize?: number },
): Promise<{ deleted: Record<PrunableTable, number>; bots: { botId: string; before: number }[] }> {
  const deleted = emptyCounts();
  const bots: { botId: string; before: number }[] = [];
  for (const [botId, newest] of await botDataTimes(db)) {
    const before = newest - options.ageMs;
    bots.push({ botId, before });
    const d = await pruneOlderThan(db, { ...options, before, botId });
    for (const t of PRUNABLE_TABLES) deleted[t] += d[t];
  }
  return { deleted, bots };
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
}

/**
 * `zero-perps db prune --older-than 30d`: per bot, deletes rows older than 30 days before that bot's newest
 * record — data time, so a paper replay of 2025 data keeps its last 30 days of 2025 rather than losing
 * everything to today's date. Prints one line per table and returns the counts.
 */
export async function runPruneCommand(
  options: PruneCommandOptions,
  print: (line: string) => void = console.log,
): Promise<Record<PrunableTable, number>> {
  const ageMs = parseAge(options.olderThan);
  if (ageMs === undefined) {
    throw new Error(`--older-than wants an age such as 30d, 12h or 90m; got "${options.olderThan}"`);
  }
  const { openDb } = await import('./db.ts');
  const db = await openDb(options);
  try {
    const { deleted, bots } = await pruneByDataTime(db, {
      ageMs,
      ...(options.tables ? { tables: options.tables } : {}),
    });
    print(`pruning rows older than ${options.olderThan} before each bot's newest record (its data time):`);
    for (const b of bots) print(`  ${b.botId}: before ${new Date(b.before).toISOString()}`);
    for (const table of options.tables ?? PRUNABLE_TABLES) print(`${table}: ${deleted[table]} deleted`);
    return deleted;
  } finally {
    await db.close();
  }
}
