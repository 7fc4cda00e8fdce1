/**
 * The common tail of every loader: normalise the parsed records and describe what happened in a LoadReport.
 */
import {
  findGaps,
  inferIntervalMs,
  normalizeSeries,
  sameCandle,
  sameFunding,
  staleOracleRuns,
} from './normalize.ts';
import type { Candle, FundingRecord, LoadReport } from './types.ts';

export interface CandleLoad {
  candles: Candle[];
  report: LoadReport;
}

export interface FundingLoad {
  records: FundingRecord[];
  report: LoadReport;
}

/** Maps input record indices to 1-based file lines (batched: JSON sources find lines in one pass). */
export type LinesOf = (indices: number[]) => number[];

export function finishCandles(file: string, format: string, parsed: Candle[], linesOf: LinesOf): CandleLoad {
  const norm = normalizeSeries(parsed, sameCandle);
  const candles = norm.items;
  const ts = candles.map((c) => c.ts);
  const intervalMs = inferIntervalMs(ts);
  const lines = linesOf(norm.supersededIndices);
  return {
    candles,
    report: {
      file,
      format,
      rows: parsed.length,
      duplicatesDropped: norm.duplicatesDropped,
      superseded: norm.supersededIndices.map((idx, i) => ({ ts: parsed[idx].ts, line: lines[i] })),
      outOfOrder: norm.outOfOrder,
      steppedBack: norm.steppedBack,
      gaps: findGaps(ts, intervalMs),
      staleOracle: staleOracleRuns(candles, intervalMs),
      intervalMs,
      firstTs: ts[0],
      lastTs: ts[ts.length - 1],
    },
  };
}

/**
 * Funding files report intervalMs 0 (they are not bars) but their gaps are measured against the funding
 * period, so a missing settlement is still reported.
 */
export function finishFunding(
  file: string,
  format: string,
  parsed: FundingRecord[],
  linesOf: LinesOf,
  market?: LoadReport['market'],
): FundingLoad {
  const norm = normalizeSeries(parsed, sameFunding);
  const records = norm.items;
  const ts = records.map((r) => r.ts);
  const lines = linesOf(norm.supersededIndices);
  return {
    records,
    report: {
      file,
      format,
      rows: parsed.length,
      duplicatesDropped: norm.duplicatesDropped,
      superseded: norm.supersededIndices.map((idx, i) => ({ ts: parsed[idx].ts, line: lines[i] })),
      outOfOrder: norm.outOfOrder,
      steppedBack: norm.steppedBack,
      gaps: findGaps(ts, (records[0]?.periodHours ?? 0) * 3_600_000),
      staleOracle: [],
      intervalMs: 0,
      firstTs: ts[0],
      lastTs: ts[ts.length - 1],
      ...(market ? { market } : {}),
    },
  };
}
