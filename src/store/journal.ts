/**
 * The journal: every order command, venue event and verdict of a paper or live bot, appended in order so a
 * session can be replayed through the backtest engine. Per bot, seq is gapless and strictly increasing:
 * journal_heads hands out seq ranges under a row lock inside the same transaction as the rows, so a batch is
 * either wholly there with consecutive seqs or not there at all (a crash mid-batch rolls both back).
 * Payloads are jsonb; bigints inside them round-trip exactly (see codec.ts).
 */
import { decodeJson, encodeJson, fromDbTime, toDbTime, toSafeNumber } from './codec.ts';
import type { Db } from './db.ts';

/** What was journaled. The table accepts any lowercase kind; these are the ones the runner writes. */
export type JournalKind =
  | 'command'
  | 'command_result'
  | 'venue_event'
  | 'verdict'
  | 'intent'
  | 'market'
  | 'session'
  | 'note';

export interface JournalEntry<P = unknown> {
  /** Epoch ms of the thing journaled (event time, not write time). */
  ts: number;
  kind: JournalKind;
  payload: P;
}

export interface JournalRecord<P = unknown> extends JournalEntry<P> {
  botId: string;
  seq: number;
  recordedAt: number;
}

export interface AppendResult {
  /** Seq of the first and last entry written; firstSeq > lastSeq when `entries` was empty. */
  firstSeq: number;
  lastSeq: number;
}

/** Appends `entries` in order, in one transaction. */
export function appendJournal(
  db: Db,
  botId: string,
  entries: readonly JournalEntry[],
): Promise<AppendResult> {
  return db.transaction(async (tx) => {
    if (entries.length === 0) {
      const last = await lastJournalSeq(tx, botId);
      return { firstSeq: last + 1, lastSeq: last };
    }
    const head = await tx.query<{ last_seq: string }>(
      `insert into journal_heads as h (bot_id, last_seq) values ($1, $2)
       on conflict (bot_id) do update set last_seq = h.last_seq + excluded.last_seq
       returning last_seq`,
      [botId, entries.length],
    );
    const lastSeq = toSafeNumber(head[0]!.last_seq);
    const firstSeq = lastSeq - entries.length + 1;
    // One statement for the whole batch: rows travel as one JSON array (works the same on both engines).
    const rows = entries.map(
      (e, i) =>
        `{"seq":${firstSeq + i},"ts":"${toDbTime(e.ts)}","kind":${JSON.stringify(e.kind)},` +
        `"payload":${encodeJson(e.payload)}}`,
    );
    await tx.query(
      `insert into journal (bot_id, seq, ts, kind, payload)
       select $1, r.seq, r.ts, r.kind, r.payload
       from jsonb_to_recordset($2::jsonb) as r (seq bigint, ts timestamptz, kind text, payload jsonb)`,
      [botId, `[${rows.join(',')}]`],
    );
    return { firstSeq, lastSeq };
  });
}

export interface ReadJournalOptions {
  /** Read entries with seq ≥ fromSeq (default 1). */
  fromSeq?: number;
  /** At most this many (default 10 000); page on with fromSeq = last seq + 1. */
  limit?: number;
}

interface JournalRow {
  seq: string;
  ts: Date;
  kind: JournalKind;
  payload: unknown;
  recorded_at: Date;
}

export async function readJournal<P = unknown>(
  db: Db,
  botId: string,
  options: ReadJournalOptions = {},
): Promise<JournalRecord<P>[]> {
  const rows = await db.query<JournalRow>(
    `select seq, ts, kind, payload, recorded_at from journal
     where bot_id = $1 and seq >= $2 order by seq limit $3`,
    [botId, options.fromSeq ?? 1, options.limit ?? 10_000],
  );
  return rows.map((r) => ({
    botId,
    seq: toSafeNumber(r.seq),
    ts: fromDbTime(r.ts),
    kind: r.kind,
    payload: decodeJson<P>(r.payload),
    recordedAt: fromDbTime(r.recorded_at),
  }));
}

/** The last seq handed out for the bot (0 when nothing was journaled), even if its rows were pruned. */
export async function lastJournalSeq(db: Db, botId: string): Promise<number> {
  const rows = await db.query<{ last_seq: string }>('select last_seq from journal_heads where bot_id = $1', [
    botId,
  ]);
  return rows[0] ? toSafeNumber(rows[0].last_seq) : 0;
}
