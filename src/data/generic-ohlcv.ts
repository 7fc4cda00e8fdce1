/**
 * Generic OHLCV CSV, the format users bring from anywhere: a header naming `timestamp,open,high,low,close,volume`
 * (any order, extra columns ignored) plus optional `oracle` (an oracle close) and `funding_rate` (fraction of
 * price for the period). Timestamps: epoch s, ms or µs, `YYYY-MM-DD HH:MM:SS` or ISO 8601; UTC unless an
 * offset is given. Empty optional cells mean "no value"; empty required cells are errors.
 */

import { BarColumnsBuilder, type BarSink } from './bar-columns.ts';
import {
  type CsvRow,
  findColumn,
  firstLine,
  forEachRow,
  looksLikeHeader,
  numberField,
  optionalNumberField,
  parseHeader,
  requireColumns,
  requireFieldCount,
  timestampField,
} from './csv.ts';
import { DataError } from './errors.ts';
import { type CandleLoad, finishCandles, finishSortedBars } from './load-result.ts';
import { type PlainLayout, scanPlainRows } from './plain-rows.ts';
import { type DataPath, readDataFile } from './read-file.ts';
import { RowLines } from './row-lines.ts';
import type { Candle } from './types.ts';
import { candleProblem, tradeProblem } from './validate.ts';

export const GENERIC_OHLCV_FORMAT = 'generic-ohlcv-csv';

/** Accepted header names per column; the first is the canonical one used in messages and by the writer. */
export const GENERIC_COLUMNS = {
  time: ['timestamp', 'time', 'date', 'datetime'],
  open: ['open'],
  high: ['high'],
  low: ['low'],
  close: ['close'],
  volume: ['volume', 'vol', 'base_volume'],
} as const;
export const GENERIC_ORACLE_COLUMNS = ['oracle', 'oracle_price', 'oracle_close'] as const;
export const GENERIC_FUNDING_COLUMNS = ['funding_rate', 'funding'] as const;

/**
 * The plain-row reading of a file whose rows it can take (plain-rows.ts): the timestamp first, no oracle or
 * funding column, and no quote anywhere (the general reader strips quotes around fields). Undefined otherwise.
 */
function plainLayout(
  cols: Record<keyof typeof GENERIC_COLUMNS, number>,
  oracleCol: number,
  fundingCol: number,
  needed: number,
  text: string,
): PlainLayout | undefined {
  if (cols.time !== 0 || oracleCol !== -1 || fundingCol !== -1 || text.includes('"')) return undefined;
  // field k's slot in [open, high, low, close, volume], −1 for a column nobody reads
  const order = [cols.open, cols.high, cols.low, cols.close, cols.volume];
  const slots: number[] = [];
  for (let k = 1; k < needed; k++) slots.push(order.indexOf(k));
  return { slots, needed };
}

/**
 * Whether a CSV header is one the generic reader takes (as format detection decides: detect.ts) with no oracle
 * and no funding column: a file whose rows give the trade fields only, and so one a backtest can start on while
 * the rest is read (streamed-load.ts).
 */
export function tradeOnlyGenericHeader(line: string): boolean {
  if (!looksLikeHeader(line)) return false;
  const header = parseHeader(line);
  const has = (names: readonly string[]): boolean => findColumn(header, names) !== -1;
  return (
    !has(['open_time']) &&
    has(GENERIC_COLUMNS.time) &&
    has(GENERIC_COLUMNS.open) &&
    has(GENERIC_COLUMNS.high) &&
    has(GENERIC_COLUMNS.low) &&
    has(GENERIC_COLUMNS.close) &&
    !has(GENERIC_ORACLE_COLUMNS) &&
    !has(GENERIC_FUNDING_COLUMNS)
  );
}

/**
 * `plainRows: false` reads every row the general way (the plain reading's tests compare the two); `bars`: where
 * the rows go (default a BarColumnsBuilder; a streamed load's shared columns).
 */
export function parseGenericOhlcv(
  text: string,
  file: string,
  options: { plainRows?: boolean; bars?: BarSink } = {},
): CandleLoad {
  const head = firstLine(text);
  if (!head) throw new DataError(file, 1, 'the file is empty');
  if (!looksLikeHeader(head.line)) {
    throw new DataError(
      file,
      head.lineNo,
      'header required: the first line looks like data; expected timestamp,open,high,low,close,volume[,oracle][,funding_rate]',
    );
  }
  const header = parseHeader(head.line);
  const cols = requireColumns(file, head.lineNo, header, GENERIC_COLUMNS);
  const oracleCol = findColumn(header, GENERIC_ORACLE_COLUMNS);
  const fundingCol = findColumn(header, GENERIC_FUNDING_COLUMNS);
  const needed = Math.max(cols.time, cols.open, cols.high, cols.low, cols.close, cols.volume) + 1;
  // Rows go straight into columns (a year of 1-minute bars as objects would be ~116 MB); a file out of time
  // order is rare and is sorted and deduplicated through finishCandles from Candle objects.
  const bars = options.bars ?? new BarColumnsBuilder(Math.ceil(text.length / 48));
  const lines = new RowLines();
  let inOrder = true;
  let lastTs = Number.NEGATIVE_INFINITY;
  const take = (ts: number, line: number): void => {
    if (ts <= lastTs) inOrder = false;
    lastTs = ts;
    lines.add(line);
  };
  const readRow = (row: CsvRow): void => {
    requireFieldCount(file, row, needed);
    const candle: Candle = {
      ts: timestampField(file, row, cols.time, 'timestamp'),
      open: numberField(file, row, cols.open, 'open'),
      high: numberField(file, row, cols.high, 'high'),
      low: numberField(file, row, cols.low, 'low'),
      close: numberField(file, row, cols.close, 'close'),
      volume: numberField(file, row, cols.volume, 'volume'),
    };
    if (oracleCol !== -1) {
      const oracle = optionalNumberField(file, row, oracleCol, 'oracle');
      if (oracle !== undefined) candle.oracleClose = oracle;
    }
    if (fundingCol !== -1) {
      const rate = optionalNumberField(file, row, fundingCol, 'funding_rate');
      if (rate !== undefined) candle.fundingRate = rate;
    }
    const problem = candleProblem(candle);
    if (problem) throw new DataError(file, row.line, problem);
    take(candle.ts, row.line);
    bars.push(candle);
  };
  const plain =
    options.plainRows !== false ? plainLayout(cols, oracleCol, fundingCol, needed, text) : undefined;
  if (plain === undefined) {
    forEachRow(text, head.next, head.lineNo + 1, readRow);
  } else {
    // most rows in one pass (plain-rows.ts); the others exactly as above
    scanPlainRows(
      text,
      head.next,
      head.lineNo + 1,
      plain,
      (ts, v, line) => {
        const problem = tradeProblem(v[0], v[1], v[2], v[3], v[4]);
        if (problem) throw new DataError(file, line, problem);
        take(ts, line);
        bars.pushBar(ts, v[0], v[1], v[2], v[3], v[4]);
      },
      (start, next, line) => forEachRow(text, start, line, readRow, next),
    );
  }
  if (bars.length === 0) throw new DataError(file, head.lineNo + 1, 'no data rows');
  if (inOrder) return finishSortedBars(file, GENERIC_OHLCV_FORMAT, bars.finish());
  return finishCandles(file, GENERIC_OHLCV_FORMAT, bars.finish().toCandles(), (idx) =>
    idx.map((i) => lines.of(i)),
  );
}

/** Loads a generic OHLCV CSV (header required), sorted and deduplicated, with a report. */
export async function loadGenericOhlcv(path: DataPath): Promise<CandleLoad> {
  const { file, text } = await readDataFile(path);
  return parseGenericOhlcv(text, file);
}
