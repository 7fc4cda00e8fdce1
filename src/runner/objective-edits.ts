/**
 * A running bot's objective changed: an operator's edit (API), or `auto` sizes the engine just resolved. Either
 * way it is saved as a new objective version, applied to the engine and recorded (journal note, bot event).
 */
import { parseBotConfig } from '../config/bot-config.ts';
import type { Db } from '../store/index.ts';
import { saveObjective } from '../store/index.ts';
import { objectiveOf, type RunnerBotRecord, withResolvedSizes } from './bot-records.ts';
import type { BotSession } from './bot-session.ts';

/** A partial objective (API): merged over the current one section by section. */
export interface ObjectivePatch {
  params?: Record<string, unknown>;
  execution?: Record<string, unknown>;
  risk?: Record<string, unknown>;
  note?: string;
}

/** `auto` spread sizes were just resolved by the engine: fix them in a new objective version. */
export async function fixAutoSizes(
  db: Db,
  raw: Record<string, unknown>,
  session: BotSession,
  when: string,
): Promise<boolean> {
  const fixed = withResolvedSizes(raw, session.engine.params());
  if (!fixed) return false;
  const config = parseBotConfig(fixed.raw, `bot ${session.id}`);
  const version = await saveObjective(db, session.id, objectiveOf(fixed.raw, fixed.note));
  session.config = config;
  session.objectiveVersion = version;
  session.event('info', 'objective', `${fixed.note} (objective version ${version}, ${when})`, { version });
  return true;
}

/**
 * Merges `patch` over the objective of `record`, validates it (ConfigError for bad input), applies it to the
 * session's engine and saves it as a new version; returns the version. `clock` is the bot's clock (journal).
 */
export async function editObjective(
  db: Db,
  session: BotSession,
  record: RunnerBotRecord,
  patch: ObjectivePatch,
  clock: () => number,
): Promise<number> {
  const section = record.config.strategy;
  const raw: Record<string, unknown> = {
    ...record.raw,
    [section]: { ...(record.raw[section] as object), ...(patch.params ?? {}) },
    execution: { ...(record.raw.execution as object), ...(patch.execution ?? {}) },
    risk: { ...(record.raw.risk as object), ...(patch.risk ?? {}) },
  };
  const config = parseBotConfig(raw, 'request body');
  session.engine.apply(config);
  let version: number;
  const fixed = withResolvedSizes(raw, session.engine.params());
  if (fixed) {
    // `auto` asked for again: sized now, at the current prices, and fixed in this version.
    version = await saveObjective(
      db,
      session.id,
      objectiveOf(fixed.raw, `${patch.note ?? 'edited via the API'}; ${fixed.note}`),
    );
    session.config = parseBotConfig(fixed.raw, 'request body');
  } else {
    version = await saveObjective(db, session.id, objectiveOf(raw, patch.note ?? 'edited via the API'));
    session.config = config;
  }
  session.objectiveVersion = version;
  session.journal(clock(), 'note', { objectiveVersion: version });
  session.event('info', 'objective', `objective version ${version} applied`, { version });
  return version;
}
