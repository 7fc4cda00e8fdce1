/** bot_events: the bot's life as the dashboard shows it (started, paused, lease lost, errors). */
import { decodeJson, encodeJson, fromDbTime, toDbTime } from '../codec.ts';
import type { Db } from '../db.ts';

export type BotEventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface BotEvent {
  /** Epoch ms; the database's now() when absent. */
  ts?: number;
  level: BotEventLevel;
  kind: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface StoredBotEvent extends BotEvent {
  id: string;
  ts: number;
  data: Record<string, unknown>;
}

export async function recordBotEvent(db: Db, botId: string, event: BotEvent): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `insert into bot_events (bot_id, ts, level, kind, message, data)
     values ($1, coalesce($2::timestamptz, now()), $3, $4, $5, $6::jsonb) returning id`,
    [
      botId,
      event.ts === undefined ? null : toDbTime(event.ts),
      event.level,
      event.kind,
      event.message,
      encodeJson(event.data ?? {}),
    ],
  );
  return String(rows[0]!.id);
}

/** The most recent events, newest first. */
export async function recentBotEvents(db: Db, botId: string, limit = 100): Promise<StoredBotEvent[]> {
  const rows = await db.query<{
    id: string;
    ts: Date;
    level: BotEventLevel;
    kind: string;
    message: string;
    data: unknown;
  }>(
    'select id, ts, level, kind, message, data from bot_events where bot_id = $1 order by ts desc, id desc limit $2',
    [botId, limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    ts: fromDbTime(r.ts),
    level: r.level,
    kind: r.kind,
    message: r.message,
    data: decodeJson<Record<string, unknown>>(r.data),
  }));
}
