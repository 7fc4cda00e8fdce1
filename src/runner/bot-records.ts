/**
 * The runner's reads and writes of bot records beyond the store's repositories: registering a bot from its
 * config (bots + runner_bots + objective v1), rebuilding the config from the current objective, the operator's
 * switches, and the PnL totals (fees, funding) a restarted session starts from.
 */
import { type BotConfig, parseBotConfig } from '../config/bot-config.ts';
import type { ManualControls } from '../engine/manual-controls.ts';
import {
  createBot,
  currentObjective,
  type Db,
  decodeJson,
  encodeJson,
  fromDbDecimal,
  getBot,
  listBots,
  saveObjective,
  toDbDecimal,
} from '../store/index.ts';
import type { HealthState } from '../strategies/spread/health.ts';
import type { FundingBaseline } from './funding-book.ts';

export interface RunnerBotRecord {
  id: string;
  config: BotConfig;
  raw: Record<string, unknown>;
  objectiveVersion: number;
  manual: ManualControls;
  deposited: bigint;
  /** Spread bots: the health last persisted (undefined when never written). */
  health?: HealthState;
}

/** The strategy section's key in a config. */
const sectionOf = (strategy: string): 'grid' | 'spread' => (strategy === 'grid' ? 'grid' : 'spread');

/** Splits a raw config into the objective the store versions. */
export function objectiveOf(raw: Record<string, unknown>, note?: string) {
  const strategy = String(raw.strategy);
  return {
    strategy,
    params: (raw[sectionOf(strategy)] ?? {}) as Record<string, unknown>,
    executionPolicy: (raw.execution ?? {}) as Record<string, unknown>,
    riskLimits: (raw.risk ?? {}) as Record<string, unknown>,
    ...(note ? { note } : {}),
  };
}

/** Creates the bot (id = its name), its runner record and objective version 1. Validates first. */
export async function registerBot(
  db: Db,
  raw: Record<string, unknown>,
  mode: 'paper' | 'live',
  source: string,
): Promise<RunnerBotRecord> {
  const config = parseBotConfig(raw, source);
  return db.transaction(async (tx) => {
    const bot = await createBot(tx, {
      id: config.name,
      name: config.name,
      strategy: config.strategy,
      markets: config.markets.map((m) => m.symbol),
      mode,
      status: 'starting',
    });
    await tx.query('insert into runner_bots (bot_id, config) values ($1, $2::jsonb)', [
      bot.id,
      encodeJson(raw),
    ]);
    const version = await saveObjective(tx, bot.id, objectiveOf(raw, `created from ${source}`));
    return {
      id: bot.id,
      config,
      raw,
      objectiveVersion: version,
      manual: { pause: false, reduceOnly: false },
      deposited: 0n,
    };
  });
}

/** The bot's config as of its current objective (the objective's sections override the stored config). */
export async function loadBotRecord(db: Db, id: string): Promise<RunnerBotRecord | undefined> {
  const rows = await db.query<{ config: unknown; manual: unknown; deposited: string; health: unknown }>(
    'select config, manual, deposited, health from runner_bots where bot_id = $1',
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const raw = decodeJson<Record<string, unknown>>(row.config);
  const objective = await currentObjective(db, id);
  const merged = objective
    ? {
        ...raw,
        [sectionOf(objective.strategy)]: objective.params,
        execution: objective.executionPolicy,
        risk: objective.riskLimits,
      }
    : raw;
  const manual = decodeJson<ManualControls>(row.manual);
  return {
    id,
    config: parseBotConfig(merged, `bot ${id} (objective v${objective?.version ?? 0})`),
    raw: merged,
    objectiveVersion: objective?.version ?? 0,
    manual: { pause: manual.pause === true, reduceOnly: manual.reduceOnly === true },
    deposited: fromDbDecimal(row.deposited, 6),
    ...(row.health ? { health: decodeJson<HealthState>(row.health) } : {}),
  };
}

/** Persists a spread bot's health (in the tick's transaction, see persist.ts). */
export async function saveHealth(db: Db, id: string, health: HealthState): Promise<void> {
  await db.query('update runner_bots set health = $2::jsonb, updated_at = now() where bot_id = $1', [
    id,
    JSON.stringify(health),
  ]);
}

/** Bots this runner should drive in `mode` (archived ones are skipped). */
export async function runnableBotIds(db: Db, mode: 'paper' | 'live'): Promise<string[]> {
  const bots = await listBots(db);
  const ids: string[] = [];
  for (const b of bots) {
    if (b.mode !== mode || b.status === 'archived') continue;
    const has = await db.query('select 1 from runner_bots where bot_id = $1', [b.id]);
    if (has.length > 0) ids.push(b.id);
  }
  return ids;
}

export async function botExists(db: Db, id: string): Promise<boolean> {
  return (await getBot(db, id)) !== undefined;
}

export async function saveManual(db: Db, id: string, manual: ManualControls): Promise<void> {
  await db.query('update runner_bots set manual = $2::jsonb, updated_at = now() where bot_id = $1', [
    id,
    JSON.stringify({ pause: manual.pause, reduceOnly: manual.reduceOnly }),
  ]);
}

export async function saveDeposited(db: Db, id: string, deposited: bigint): Promise<void> {
  await db.query('update runner_bots set deposited = $2, updated_at = now() where bot_id = $1', [
    id,
    toDbDecimal(deposited, 6),
  ]);
}

/** Fees paid (Σ fills.fee) and funding settled (Σ funding venue events in the journal), QUOTE. */
export async function pnlTotals(db: Db, id: string): Promise<{ fees: bigint; funding: bigint }> {
  const fees = await db.query<{ s: string | null }>(
    'select sum(fee)::text as s from fills where bot_id = $1',
    [id],
  );
  const funding = await db.query<{ s: string | null }>(
    `select sum(rtrim(payload->'payment'->>'amount', 'n')::numeric)::text as s from journal
     where bot_id = $1 and kind = 'venue_event' and payload->>'type' = 'funding'`,
    [id],
  );
  const f = fees[0]?.s;
  const g = funding[0]?.s;
  // fills.fee is numeric in USDC; the journal's amounts are bigints in QUOTE units (integers).
  return { fees: f ? fromDbDecimal(f, 6) : 0n, funding: g ? BigInt(g.split('.')[0] as string) : 0n };
}

/**
 * Where a restarted session's funding books continue from, per market: funding settled (from the journal,
 * exact) and the estimate's cumulative difference (from the last funding snapshot).
 */
export async function fundingBaselines(db: Db, id: string): Promise<Map<number, FundingBaseline>> {
  const settled = await db.query<{ m: number; s: string }>(
    `select (payload->'payment'->>'marketIndex')::int as m,
            sum(rtrim(payload->'payment'->>'amount', 'n')::numeric)::text as s
     from journal where bot_id = $1 and kind = 'venue_event' and payload->>'type' = 'funding' group by 1`,
    [id],
  );
  const diffs = await db.query<{ m: number; d: string }>(
    `select distinct on (market_index) market_index as m, difference::text as d from perps_funding_snapshots
     where bot_id = $1 order by market_index, ts desc`,
    [id],
  );
  const out = new Map<number, FundingBaseline>();
  for (const r of settled) out.set(r.m, { settled: BigInt(r.s.split('.')[0] as string), difference: 0n });
  for (const r of diffs) {
    const b = out.get(r.m) ?? { settled: 0n, difference: 0n };
    out.set(r.m, { ...b, difference: fromDbDecimal(r.d, 6) });
  }
  return out;
}

/**
 * A spread config whose quantities were `auto`, with the sizes the engine resolved written in (undefined when
 * nothing was auto). Saved as a new objective version at once, so the sizes are chosen once: a restart after a
 * price move keeps them instead of re-sizing — and then closing — a held pair.
 */
export function withResolvedSizes(
  raw: Record<string, unknown>,
  resolved: Record<string, unknown>,
): { raw: Record<string, unknown>; note: string } | undefined {
  if (raw.strategy !== 'spread') return undefined;
  const section = (raw.spread ?? {}) as Record<string, unknown>;
  const keys = (['driftQuantity', 'kmnoQuantity'] as const).filter((k) => section[k] === 'auto');
  if (keys.length === 0) return undefined;
  const fixed = { ...section };
  for (const k of keys) fixed[k] = resolved[k];
  const note = `auto sizes fixed at the first prices: ${keys.map((k) => `${k} ${String(resolved[k])}`).join(', ')}`;
  return { raw: { ...raw, spread: fixed }, note };
}
