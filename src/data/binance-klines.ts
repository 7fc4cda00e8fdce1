/**
 * Binance USD-M futures kline CSV (data.binance.vision dumps): `open_time,open,high,low,close,volume,close_time,
 * quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore`, with or without that header line. open_time
 * is epoch ms (µs in newer spot dumps; told apart by magnitude). Columns after volume are ignored.
 */

import { BarColumnsBuilder, type BarSink } from './bar-columns.ts';
import {
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
import { type CandleLoad, finishCandles, finishSortedBars } from './load-result.ts';
import { type DataPath, readDataFile } from './read-file.ts';
import { RowLines } from './row-lines.ts';
import type { Candle } from './types.ts';
import { candleProblem } from './validate.ts';

export const BINANCE_KLINES_FORMAT = 'binance-klines-csv';
/** The column count of a headerless kline dump (used by format detection). */
export const BINANCE_KLINE_COLUMNS = 12;

/**
 * `bars`: where the rows go (default a BarColumnsBuilder; a streamed load's shared columns). Rows go straight into
 * columns, as the generic reader's do; a file out of time order is sorted and deduplicated from Candle objects.
 */
export function parseBinanceKlines(text: string, file: string, options: { bars?: BarSink } = {}): CandleLoad {
  const head = firstLine(text);
  if (!head) throw new DataError(file, 1, 'the file is empty');
  let cols = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
  let from = 0;
  let fromLine = 1;
  if (looksLikeHeader(head.line)) {
    cols = requireColumns(file, head.lineNo, parseHeader(head.line), {
      time: ['open_time'],
      open: ['open'],
      high: ['high'],
      low: ['low'],
      close: ['close'],
      volume: ['volume'],
    });
    from = head.next;
    fromLine = head.lineNo + 1;
  }
  const needed = Math.max(cols.time, cols.open, cols.high, cols.low, cols.close, cols.volume) + 1;
  const bars = options.bars ?? new BarColumnsBuilder(Math.ceil(text.length / 96));
  const lines = new RowLines();
  let inOrder = true;
  let lastTs = Number.NEGATIVE_INFINITY;
  forEachRow(text, from, fromLine, (row) => {
    requireFieldCount(file, row, needed);
    const candle: Candle = {
      ts: timestampField(file, row, cols.time, 'open_time'),
      open: numberField(file, row, cols.open, 'open'),
      high: numberField(file, row, cols.high, 'high'),
      low: numberField(file, row, cols.low, 'low'),
      close: numberField(file, row, cols.close, 'close'),
      volume: numberField(file, row, cols.volume, 'volume'),
    };
    const problem = candleProblem(candle);
    if (problem) throw new DataError(file, row.line, problem);
    if (candle.ts <= lastTs) inOrder = false;
    lastTs = candle.ts;
    lines.add(row.line);
    bars.push(candle);
  });
  if (bars.length === 0) throw new DataError(file, fromLine, 'no data rows');
  if (inOrder) return finishSortedBars(file, BINANCE_KLINES_FORMAT, bars.finish());
  return finishCandles(file, BINANCE_KLINES_FORMAT, bars.finish().toCandles(), (idx) =>
    idx.map((i) => lines.of(i)),
  );
}

/** Loads a Binance USD-M kline CSV (with or without header), sorted and deduplicated, with a report. */
export async function loadBinanceKlines(path: DataPath): Promise<CandleLoad> {
  const { file, text } = await readDataFile(path);
  return parseBinanceKlines(text, file);
}
