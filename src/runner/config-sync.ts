/**
 * Config files → bots at start. A new name registers a bot (objective version 1). A known name whose file
 * changed since the runner last read it becomes a new objective version (the diff is returned for the log);
 * an unchanged file leaves the objective alone, so edits made through the API survive a restart. A file that
 * changes what cannot change (strategy, markets), or names an archived bot or a bot of another mode, is an
 * error naming the file.
 */
import { basename } from 'node:path';
import { parseBotConfig } from '../config/bot-config.ts';
import { describeChanges, diffConfigs, type FieldChange } from '../config/config-diff.ts';
import { ConfigError } from '../config/config-error.ts';
import type { Logger } from '../log/logger.ts';
import { type Db, decodeJson, encodeJson, recordBotEvent, saveObjective } from '../store/index.ts';
import { loadBotRecord, objectiveOf, registerBot } from './bot-records.ts';

export interface ConfigFile {
  raw: Record<string, unknown>;
  source: string;
}

export interface SyncResult {
  id: string;
  created: boolean;
  /** The objective version in force after the sync. */
  version: number;
  /** What the file changed (empty when created or unchanged). */
  changes: FieldChange[];
}

/** Two files naming the same bot are an error naming both (the second used to be dropped silently). */
export function checkUniqueNames(files: readonly ConfigFile[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const name = typeof f.raw.name === 'string' ? f.raw.name : undefined;
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first !== undefined) {
      throw new ConfigError(f.source, [
        `name: "${name}" is also the bot name in ${first}; bot names must be unique`,
      ]);
    }
    seen.set(name, f.source);
  }
}

/** Key order does not matter (a YAML re-ordering is not an edit). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

export async function syncConfigFile(db: Db, file: ConfigFile, mode: 'paper' | 'live'): Promise<SyncResult> {
  const config = parseBotConfig(file.raw, file.source);
  const name = config.name;
  const rows = await db.query<{
    id: string;
    mode: string;
    status: string;
    strategy: string;
    markets: string[];
    config: unknown;
  }>(
    `select b.id, b.mode, b.status, b.strategy, b.markets, r.config from bots b
     left join runner_bots r on r.bot_id = b.id where b.id = $1 or b.name = $1`,
    [name],
  );
  const row = rows[0];
  const shortSource = basename(file.source);
  if (!row) {
    const record = await registerBot(db, file.raw, mode, shortSource);
    return { id: record.id, created: true, version: record.objectiveVersion, changes: [] };
  }
  if (row.status === 'archived') {
    throw new ConfigError(file.source, [
      `name: bot "${name}" is archived; pick another name, or remove it for good with \`zero-perps archive ${name} --delete\``,
    ]);
  }
  if (row.mode !== mode || row.config === null) {
    throw new ConfigError(file.source, [
      `name: bot "${name}" exists in ${row.mode} mode; pick another name for ${mode}`,
    ]);
  }
  const markets = config.markets.map((m) => m.symbol);
  if (
    row.strategy !== config.strategy ||
    canonical([...row.markets].sort()) !== canonical([...markets].sort())
  ) {
    throw new ConfigError(file.source, [
      `strategy: bot "${name}" was created as a ${row.strategy} bot on ${row.markets.join(', ')}; ` +
        'another strategy or market needs a new bot name',
    ]);
  }
  if (canonical(decodeJson(row.config)) === canonical(file.raw)) {
    const current = await loadBotRecord(db, row.id);
    return { id: row.id, created: false, version: current?.objectiveVersion ?? 0, changes: [] };
  }
  // The file changed since the runner last read it: it wins over the objective in force (which may hold API
  // edits), and the diff says exactly what that changes.
  const before = await loadBotRecord(db, row.id);
  const changes = before ? diffConfigs(before.config, config) : [];
  const version = await db.transaction(async (tx) => {
    await tx.query('update runner_bots set config = $2::jsonb, updated_at = now() where bot_id = $1', [
      row.id,
      encodeJson(file.raw),
    ]);
    return saveObjective(tx, row.id, objectiveOf(file.raw, `edited in ${shortSource}`));
  });
  return { id: row.id, created: false, version, changes };
}

/**
 * Syncs every file (after checking that no two name the same bot): an edited file's diff is logged (`logger`: a
 * bot's logger by id) and recorded as a bot event. Returns the bots' ids in file order.
 */
export async function syncConfigFiles(
  db: Db,
  files: readonly ConfigFile[],
  mode: 'paper' | 'live',
  logger: (botId: string) => Logger,
): Promise<string[]> {
  checkUniqueNames(files);
  const ids: string[] = [];
  for (const f of files) {
    const r = await syncConfigFile(db, f, mode);
    ids.push(r.id);
    if (r.changes.length === 0) continue;
    const message = `objective v${r.version} from ${basename(f.source)}: ${describeChanges(r.changes)}`;
    logger(r.id).info('SYSTEM', message, { version: r.version });
    await recordBotEvent(db, r.id, {
      level: 'info',
      kind: 'objective',
      message,
      data: { version: r.version, changes: r.changes },
    });
  }
  return ids;
}
