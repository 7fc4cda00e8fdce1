/**
 * The common tail of every loader: normalise the parsed records and describe what happened in a LoadReport.
 */
import { BarColumns } from './bar-columns.ts';
import {
  findGaps,
  inferIntervalMs,
  normalizeSeries,
  sameCandle,
  sameFunding,
  staleRuns,
} from './normalize.ts';
import type { Candle, FundingRecord, LoadReport } from './types.ts';

export interface CandleLoad {
  /** The series by column (bar-columns.ts); `bars.toCandles()` where an array of Candle objects is needed. */
  bars: BarColumns;
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
  const lines = linesOf(norm.supersededIndices);
  const bars = BarColumns.fromCandles(norm.items);
  return {
    bars,
    report: {
      file,
      format,
      rows: parsed.length,
      duplicatesDropped: norm.duplicatesDropped,
      superseded: norm.supersededIndices.map((idx, i) => ({ ts: parsed[idx].ts, line: lines[i] })),
      outOfOrder: norm.outOfOrder,
      steppedBack: norm.steppedBack,
      ...describeBars(bars),
    },
  };
}

/**
 * The tail for a parser that read its rows straight into columns, every timestamp later than the one before:
 * nothing to sort, drop or supersede (what finishCandles would find), so the columns are the series. `repeats`:
 * records the parser dropped because they repeated the row before field for field (Drift's chunk edges), counted
 * as finishCandles counts them — among the rows, the duplicates and the places where time did not advance.
 */
export function finishSortedBars(file: string, format: string, bars: BarColumns, repeats = 0): CandleLoad {
  return {
    bars,
    report: {
      file,
      format,
      rows: bars.length + repeats,
      duplicatesDropped: repeats,
      superseded: [],
      outOfOrder: repeats,
      steppedBack: 0,
      ...describeBars(bars),
    },
  };
}

/** What a clean series says about itself: its bar length, holes and stale-oracle stretches. */
function describeBars(
  bars: BarColumns,
): Pick<LoadReport, 'gaps' | 'staleOracle' | 'intervalMs' | 'firstTs' | 'lastTs'> {
  const ts = bars.ts;
  const intervalMs = inferIntervalMs(ts);
  const stale = bars.oracleStale;
  return {
    gaps: findGaps(ts, intervalMs),
    staleOracle:
      stale === undefined
        ? []
        : staleRuns(
            bars.length,
            (i) => ts[i],
            (i) => stale[i] === 2,
            intervalMs,
          ),
    intervalMs,
    firstTs: ts[0],
    lastTs: ts[ts.length - 1],
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
