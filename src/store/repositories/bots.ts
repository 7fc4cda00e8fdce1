/** Bots: identity, strategy kind, markets, mode and lifecycle status. */
import { fromDbTime } from '../codec.ts';
import type { Db } from '../db.ts';

export type BotMode = 'backtest' | 'paper' | 'live';
export type BotStatus = 'stopped' | 'starting' | 'running' | 'paused' | 'stopping' | 'error' | 'archived';

export interface NewBot {
  /** Chosen by the caller (a slug) or generated (uuid) when absent. */
  id?: string;
  name: string;
  strategy: string;
  /** Market symbols, e.g. ['SOL-PERP']. */
  markets: string[];
  mode: BotMode;
  status?: BotStatus;
}

export interface Bot {
  id: string;
  name: string;
  strategy: string;
  markets: string[];
  mode: BotMode;
  status: BotStatus;
  createdAt: number;
  updatedAt: number;
}

interface BotRow {
  id: string;
  name: string;
  strategy: string;
  markets: string[];
  mode: BotMode;
  status: BotStatus;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, strategy, markets, mode, status, created_at, updated_at';

function toBot(r: BotRow): Bot {
  return {
    id: r.id,
    name: r.name,
    strategy: r.strategy,
    markets: r.markets,
    mode: r.mode,
    status: r.status,
    createdAt: fromDbTime(r.created_at),
    updatedAt: fromDbTime(r.updated_at),
  };
}

export async function createBot(db: Db, bot: NewBot): Promise<Bot> {
  const rows = await db.query<BotRow>(
    `insert into bots (id, name, strategy, markets, mode, status)
     values (coalesce($1, gen_random_uuid()::text), $2, $3, $4::jsonb, $5, $6)
     returning ${COLUMNS}`,
    [bot.id ?? null, bot.name, bot.strategy, JSON.stringify(bot.markets), bot.mode, bot.status ?? 'stopped'],
  );
  return toBot(rows[0]!);
}

export async function getBot(db: Db, id: string): Promise<Bot | undefined> {
  const rows = await db.query<BotRow>(`select ${COLUMNS} from bots where id = $1`, [id]);
  return rows[0] && toBot(rows[0]);
}

export async function listBots(db: Db): Promise<Bot[]> {
  const rows = await db.query<BotRow>(`select ${COLUMNS} from bots order by created_at, id`);
  return rows.map(toBot);
}

/** Returns false when no such bot exists. */
export async function setBotStatus(db: Db, id: string, status: BotStatus): Promise<boolean> {
  const rows = await db.query('update bots set status = $2, updated_at = now() where id = $1 returning id', [
    id,
    status,
  ]);
  return rows.length === 1;
}
