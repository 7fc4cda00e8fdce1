/**
 * Commits what the bots' cycles owe the database — journal, fills (idempotent), orders, verdicts, bot events,
 * snapshots — and, in paper mode, each paper venue's state and replay cursor, in ONE transaction. A crash
 * before the commit loses the whole tick on both sides (venue state and books), so they never disagree; the
 * replay then re-runs the tick deterministically.
 */
import {
  appendJournal,
  type Db,
  encodeJson,
  recordBotEvent,
  recordFills,
  recordVerdicts,
  saveAccountSnapshot,
  saveBotMemory,
  saveFundingSnapshots,
  toDbTime,
  upsertOrders,
} from '../store/index.ts';
import type { BotSession, PendingWrites } from './bot-session.ts';
import type { RunnerMetrics } from './metrics.ts';

/** A paper venue's durable document for one bot. */
export interface PaperVenueRow {
  botId: string;
  /** JSON-able with bigints (encoded exactly). */
  state: unknown;
  dataTs: number;
}

export async function flushWrites(
  db: Db,
  sessions: readonly BotSession[],
  paper: readonly PaperVenueRow[],
  metrics?: RunnerMetrics,
): Promise<void> {
  const taken: [BotSession, PendingWrites][] = [];
  for (const s of sessions) if (s.hasWrites()) taken.push([s, s.takeWrites()]);
  if (taken.length === 0 && paper.length === 0) return;
  const started = performance.now();
  try {
    await db.transaction(async (tx) => {
      for (const [s, w] of taken) await writeOne(tx, s, w);
      for (const p of paper) {
        await tx.query(
          `insert into paper_venues (bot_id, state, data_ts, updated_at) values ($1, $2::jsonb, $3, now())
           on conflict (bot_id) do update set state = excluded.state, data_ts = excluded.data_ts,
             updated_at = now()`,
          [p.botId, encodeJson(p.state), toDbTime(p.dataTs)],
        );
      }
    });
  } catch (err) {
    for (const [s, w] of taken) s.restoreWrites(w);
    throw err;
  }
  metrics?.dbWrites.inc();
  metrics?.flushLatency.observe((performance.now() - started) / 1000);
}

async function writeOne(tx: Db, s: BotSession, w: PendingWrites): Promise<void> {
  if (w.journal.length > 0) await appendJournal(tx, s.id, w.journal);
  if (w.orders.size > 0) await upsertOrders(tx, s.id, [...w.orders.values()]);
  if (w.fills.length > 0) await recordFills(tx, s.id, w.fills);
  if (w.verdicts.length > 0) await recordVerdicts(tx, s.id, w.verdicts);
  for (const e of w.events) await recordBotEvent(tx, s.id, e);
  for (const [key, value] of w.memory) await saveBotMemory(tx, s.id, key, value);
  if (w.health) {
    await tx.query('update runner_bots set health = $2::jsonb, updated_at = now() where bot_id = $1', [
      s.id,
      JSON.stringify(w.health),
    ]);
  }
  if (w.snapshot) {
    await saveAccountSnapshot(tx, s.id, w.snapshot.ts, w.snapshot.account);
    // Settled funding (the venue's truth) and the continuous estimate for the same periods, per market.
    await saveFundingSnapshots(tx, s.id, w.snapshot.ts, s.funding.rows(w.snapshot.ts));
  }
}
