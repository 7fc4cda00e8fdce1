/**
 * perps_objectives: a bot's strategy params, execution policy and risk limits, versioned. Saving a changed
 * objective inserts version n+1; saving the same objective again returns the current version unchanged, so a
 * runner may save on every start without growing the history. The highest version is current.
 */
import { decodeJson, encodeJson, fromDbTime } from '../codec.ts';
import type { Db } from '../db.ts';

export type JsonObject = Record<string, unknown>;

export interface Objective<P = JsonObject, E = JsonObject, R = JsonObject> {
  strategy: string;
  params: P;
  executionPolicy: E;
  riskLimits: R;
  /** Why it changed (shown in the dashboard's history). */
  note?: string;
}

export interface StoredObjective<P = JsonObject, E = JsonObject, R = JsonObject> extends Objective<P, E, R> {
  botId: string;
  version: number;
  createdAt: number;
}

interface ObjectiveRow {
  version: number;
  strategy: string;
  params: unknown;
  execution_policy: unknown;
  risk_limits: unknown;
  note: string | null;
  created_at: Date;
}

const COLUMNS = 'version, strategy, params, execution_policy, risk_limits, note, created_at';

function toObjective<P, E, R>(botId: string, r: ObjectiveRow): StoredObjective<P, E, R> {
  return {
    botId,
    version: r.version,
    strategy: r.strategy,
    params: decodeJson<P>(r.params),
    executionPolicy: decodeJson<E>(r.execution_policy),
    riskLimits: decodeJson<R>(r.risk_limits),
    ...(r.note === null ? {} : { note: r.note }),
    createdAt: fromDbTime(r.created_at),
  };
}

/** Saves `objective` for `botId` and returns its version (a new one only when something changed). */
export function saveObjective(
  db: Db,
  botId: string,
  objective: Objective<unknown, unknown, unknown>,
): Promise<number> {
  const params = encodeJson(objective.params);
  const policy = encodeJson(objective.executionPolicy);
  const limits = encodeJson(objective.riskLimits);
  return db.transaction(async (tx) => {
    // Locking the bot row serialises concurrent saves for one bot, so versions never collide.
    const bot = await tx.query('select id from bots where id = $1 for update', [botId]);
    if (bot.length === 0) throw new Error(`cannot save an objective for unknown bot "${botId}"`);
    const latest = await tx.query<{ version: number; same: boolean }>(
      `select version,
              (strategy = $2 and params = $3::jsonb and execution_policy = $4::jsonb and risk_limits = $5::jsonb) as same
       from perps_objectives where bot_id = $1 order by version desc limit 1`,
      [botId, objective.strategy, params, policy, limits],
    );
    const last = latest[0];
    if (last?.same) return last.version;
    const version = (last?.version ?? 0) + 1;
    await tx.query(
      `insert into perps_objectives (bot_id, version, strategy, params, execution_policy, risk_limits, note)
       values ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7)`,
      [botId, version, objective.strategy, params, policy, limits, objective.note ?? null],
    );
    return version;
  });
}

export async function currentObjective<P = JsonObject, E = JsonObject, R = JsonObject>(
  db: Db,
  botId: string,
): Promise<StoredObjective<P, E, R> | undefined> {
  const rows = await db.query<ObjectiveRow>(
    `select ${COLUMNS} from perps_objectives where bot_id = $1 order by version desc limit 1`,
    [botId],
  );
  return rows[0] && toObjective<P, E, R>(botId, rows[0]);
}

export async function objectiveVersion<P = JsonObject, E = JsonObject, R = JsonObject>(
  db: Db,
  botId: string,
  version: number,
): Promise<StoredObjective<P, E, R> | undefined> {
  const rows = await db.query<ObjectiveRow>(
    `select ${COLUMNS} from perps_objectives where bot_id = $1 and version = $2`,
    [botId, version],
  );
  return rows[0] && toObjective<P, E, R>(botId, rows[0]);
}

/** All versions, oldest first. */
export async function objectiveHistory(db: Db, botId: string): Promise<StoredObjective[]> {
  const rows = await db.query<ObjectiveRow>(
    `select ${COLUMNS} from perps_objectives where bot_id = $1 order by version`,
    [botId],
  );
  return rows.map((r) => toObjective(botId, r));
}
