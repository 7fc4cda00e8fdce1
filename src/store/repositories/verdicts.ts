/** risk_verdicts: every verdict the risk governor gave, with its reasons (DESIGN.md §1.4). */
import type { ExposureBand, RiskReason, Verdict, VerdictKind } from '../../domain/intent.ts';
import { decodeJson, encodeJson, fromDbTime, toDbTime } from '../codec.ts';
import type { Db } from '../db.ts';

export interface RecordedVerdict extends Verdict {
  ts: number;
}

/** Verdicts in one statement (atomic). */
export async function recordVerdicts(
  db: Db,
  botId: string,
  verdicts: readonly RecordedVerdict[],
): Promise<void> {
  if (verdicts.length === 0) return;
  const rows = verdicts.map(
    (v) =>
      `{"ts":"${toDbTime(v.ts)}","market_index":${v.band.marketIndex},"kind":${JSON.stringify(v.kind)},` +
      `"band":${encodeJson(v.band)},"reasons":${encodeJson(v.reasons)}}`,
  );
  await db.query(
    `insert into risk_verdicts (bot_id, ts, market_index, kind, band, reasons)
     select $1, r.ts, r.market_index, r.kind, r.band, r.reasons
     from jsonb_to_recordset($2::jsonb) as r (ts timestamptz, market_index integer, kind text, band jsonb,
       reasons jsonb)`,
    [botId, `[${rows.join(',')}]`],
  );
}

/** The most recent verdicts, newest first. */
export async function recentVerdicts(db: Db, botId: string, limit = 100): Promise<RecordedVerdict[]> {
  const rows = await db.query<{ ts: Date; kind: VerdictKind; band: unknown; reasons: unknown }>(
    `select ts, kind, band, reasons from risk_verdicts where bot_id = $1 order by ts desc, id desc limit $2`,
    [botId, limit],
  );
  return rows.map((r) => ({
    ts: fromDbTime(r.ts),
    kind: r.kind,
    band: decodeJson<ExposureBand>(r.band),
    reasons: decodeJson<RiskReason[]>(r.reasons),
  }));
}
