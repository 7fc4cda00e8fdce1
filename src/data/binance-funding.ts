/**
 * Binance funding-rate CSV: `timestamp,symbol,funding_rate` (the rate is a fraction of price per funding
 * interval). Also read: data.binance.vision's `calc_time,funding_interval_hours,last_funding_rate`.
 * The period is the `funding_interval_hours` column when present, otherwise inferred from the spacing of the
 * records (the most common spacing in whole hours), and 8 h — Binance's usual interval — when there is only one.
 */
import {
  fieldText,
  findColumn,
  firstLine,
  forEachRow,
  looksLikeHeader,
  numberField,
  parseHeader,
  requireColumns,
  requireFieldCount,
  timestampField,
} from './csv.ts';
import { DataError } from './errors.ts';
import { type FundingLoad, finishFunding } from './load-result.ts';
import { type DataPath, readDataFile } from './read-file.ts';
import { RowLines } from './row-lines.ts';
import type { FundingRecord } from './types.ts';

export const BINANCE_FUNDING_FORMAT = 'binance-funding-csv';
export const DEFAULT_FUNDING_PERIOD_HOURS = 8;
const HOUR_MS = 3_600_000;

export const FUNDING_TIME_COLUMNS = [
  'timestamp',
  'calc_time',
  'funding_time',
  'fundingtime',
  'time',
] as const;
export const FUNDING_RATE_COLUMNS = ['funding_rate', 'last_funding_rate', 'fundingrate'] as const;

/** Funding period in hours from record spacing: the most common whole-hour spacing, else the default. */
export function inferFundingPeriodHours(ts: readonly number[]): number {
  const sorted = [...ts].sort((a, b) => a - b);
  const counts = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (let i = 1; i < sorted.length; i++) {
    const hours = Math.round((sorted[i] - sorted[i - 1]) / HOUR_MS);
    if (hours <= 0) continue;
    const c = (counts.get(hours) ?? 0) + 1;
    counts.set(hours, c);
    if (c > bestCount || (c === bestCount && hours < best)) {
      best = hours;
      bestCount = c;
    }
  }
  return best > 0 ? best : DEFAULT_FUNDING_PERIOD_HOURS;
}

export function parseBinanceFunding(text: string, file: string): FundingLoad {
  const head = firstLine(text);
  if (!head) throw new DataError(file, 1, 'the file is empty');
  if (!looksLikeHeader(head.line)) {
    throw new DataError(file, head.lineNo, 'header required: expected timestamp,symbol,funding_rate');
  }
  const header = parseHeader(head.line);
  const cols = requireColumns(file, head.lineNo, header, {
    time: FUNDING_TIME_COLUMNS,
    rate: FUNDING_RATE_COLUMNS,
  });
  const symbolCol = findColumn(header, ['symbol']);
  const periodCol = findColumn(header, ['funding_interval_hours']);
  const needed = Math.max(cols.time, cols.rate, symbolCol, periodCol) + 1;
  const parsed: FundingRecord[] = [];
  const lines = new RowLines();
  let symbol: string | undefined;
  forEachRow(text, head.next, head.lineNo + 1, (row) => {
    requireFieldCount(file, row, needed);
    if (symbolCol !== -1) {
      // One file is one market: a second symbol would silently blend two funding histories.
      const s = fieldText(row, symbolCol).trim();
      if (symbol === undefined) symbol = s;
      else if (s !== symbol)
        throw new DataError(file, row.line, `symbol "${s}" differs from the file's first symbol "${symbol}"`);
    }
    let periodHours = 0;
    if (periodCol !== -1) {
      periodHours = numberField(file, row, periodCol, header[periodCol]);
      if (periodHours <= 0)
        throw new DataError(file, row.line, `funding interval must be positive, got ${periodHours}`);
    }
    parsed.push({
      ts: timestampField(file, row, cols.time, header[cols.time]),
      rateFraction: numberField(file, row, cols.rate, header[cols.rate]),
      periodHours,
    });
    lines.add(row.line);
  });
  if (parsed.length === 0) throw new DataError(file, head.lineNo + 1, 'no data rows');
  if (periodCol === -1) {
    const period = inferFundingPeriodHours(parsed.map((r) => r.ts));
    for (const r of parsed) r.periodHours = period;
  }
  return finishFunding(
    file,
    BINANCE_FUNDING_FORMAT,
    parsed,
    (idx) => idx.map((i) => lines.of(i)),
    symbol ? { symbol } : undefined,
  );
}

/** Loads a Binance funding CSV, sorted and deduplicated, with the funding period decided as described above. */
export async function loadBinanceFunding(path: DataPath): Promise<FundingLoad> {
  const { file, text } = await readDataFile(path);
  return parseBinanceFunding(text, file);
}
