/** bot_memory: a bot's decision memory that survives restarts (see migration 004), one JSON document per key. */
import { decodeJson, encodeJson } from '../codec.ts';
import type { Db } from '../db.ts';

export async function saveBotMemory(db: Db, botId: string, key: string, value: unknown): Promise<void> {
  await db.query(
    `insert into bot_memory (bot_id, key, value, updated_at) values ($1, $2, $3::jsonb, now())
     on conflict (bot_id, key) do update set value = excluded.value, updated_at = now()`,
    [botId, key, encodeJson(value)],
  );
}

/** Every memory document of the bot, by key ({} when none). */
export async function loadBotMemory(db: Db, botId: string): Promise<Record<string, unknown>> {
  const rows = await db.query<{ key: string; value: unknown }>(
    'select key, value from bot_memory where bot_id = $1',
    [botId],
  );
  const out: Record<string, unknown> = {};
  for (const r of rows) out[r.key] = decodeJson(r.value);
  return out;
}
