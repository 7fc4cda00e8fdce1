/**
 * A bot's objective history for the API: every version, newest first, each with what changed from the
 * version before. Changes are computed on the parsed sections (defaults filled in), so `{}` → `{stepPct: 0.8}`
 * reads `params.stepPct 0.5 → 0.8`; a version the current parser no longer accepts falls back to its raw text.
 */
import { basename } from 'node:path';
import { parseBotConfig } from '../config/bot-config.ts';
import { diffValues, type FieldChange } from '../config/config-diff.ts';
import { type Db, decodeJson, objectiveHistory, type StoredObjective } from '../store/index.ts';

export interface ObjectiveVersionView {
  version: number;
  createdAt: number;
  note?: string;
  strategy: string;
  params: unknown;
  execution: unknown;
  risk: unknown;
  /** Field changes from the previous version (empty for version 1). */
  diff: FieldChange[];
}

/** Notes written by older versions named the config by its absolute path: show the file name only. */
export function publicNote(note: string | undefined): string | undefined {
  return note?.replace(/(?:[A-Za-z]:)?[\\/][^\s'"]*[\\/]([^\\/\s'"]+)/g, (_m, file: string) =>
    basename(file),
  );
}

function normalized(base: Record<string, unknown>, o: StoredObjective): Record<string, unknown> {
  const raw = { ...base, [o.strategy]: o.params, execution: o.executionPolicy, risk: o.riskLimits };
  try {
    const c = parseBotConfig(raw, 'objective');
    return { params: c.strategy === 'grid' ? c.grid : c.spread, execution: c.execution, risk: c.risk };
  } catch {
    return { params: o.params, execution: o.executionPolicy, risk: o.riskLimits };
  }
}

export async function objectiveVersions(db: Db, botId: string): Promise<ObjectiveVersionView[]> {
  const rows = await db.query<{ config: unknown }>('select config from runner_bots where bot_id = $1', [
    botId,
  ]);
  const base = rows[0] ? decodeJson<Record<string, unknown>>(rows[0].config) : {};
  const history = await objectiveHistory(db, botId);
  let previous: Record<string, unknown> | undefined;
  const out: ObjectiveVersionView[] = [];
  for (const o of history) {
    const now = normalized(base, o);
    const note = publicNote(o.note);
    out.push({
      version: o.version,
      createdAt: o.createdAt,
      ...(note ? { note } : {}),
      strategy: o.strategy,
      params: o.params,
      execution: o.executionPolicy,
      risk: o.riskLimits,
      diff: previous ? diffValues(previous, now) : [],
    });
    previous = now;
  }
  return out.reverse();
}
