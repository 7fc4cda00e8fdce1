/**
 * One entry point for any market data file: the format is decided from the content, not the file name.
 *   JSON object with a "candles" array       → Drift candles
 *   JSON object with a "fundingRates" array  → Drift funding
 *   CSV header with open_time                → Binance USD-M klines
 *   CSV header with timestamp,open,high,low,close → generic OHLCV (volume then required)
 *   CSV header with a time and a funding-rate column (and no open) → Binance funding
 *   headerless CSV with 12 columns           → Binance USD-M klines
 * Anything else fails with a DataError naming the file and what was expected.
 */
import { FUNDING_RATE_COLUMNS, FUNDING_TIME_COLUMNS, parseBinanceFunding } from './binance-funding.ts';
import { BINANCE_KLINE_COLUMNS, parseBinanceKlines } from './binance-klines.ts';
import { findColumn, firstLine, looksLikeHeader, parseHeader, splitFields } from './csv.ts';
import { driftCandlesFromJson } from './drift-candles.ts';
import { readDriftCandleFileInPieces, readDriftCandlesInPieces } from './drift-candles-chunked.ts';
import { driftFundingFromJson } from './drift-funding.ts';
import { DataError } from './errors.ts';
import type { FileWindow } from './file-window.ts';
import { GENERIC_COLUMNS, parseGenericOhlcv, tradeOnlyGenericHeader } from './generic-ohlcv.ts';
import { isRecord } from './json-fields.ts';
import { parseJsonText } from './json-source.ts';
import type { CandleLoad, FundingLoad } from './load-result.ts';
import { type DataPath, openDataWindow, readDataFile } from './read-file.ts';

export type MarketFile = ({ kind: 'candles' } & CandleLoad) | ({ kind: 'funding' } & FundingLoad);

const EXPECTED =
  'expected Drift candle or funding JSON, a Binance kline or funding CSV, or a generic OHLCV CSV with header timestamp,open,high,low,close,volume';

/** `pieces`: try reading Drift candles a piece at a time first (drift-candles-chunked.ts: the same load). */
function fromJson(file: string, text: string, pieces = true): MarketFile {
  const read = pieces ? readDriftCandlesInPieces(file, text) : undefined;
  if (read !== undefined) return { kind: 'candles', ...read };
  const root = parseJsonText(file, text);
  if (isRecord(root) && Array.isArray(root.candles))
    return { kind: 'candles', ...driftCandlesFromJson(file, text, root) };
  if (isRecord(root) && Array.isArray(root.fundingRates)) {
    return { kind: 'funding', ...driftFundingFromJson(file, text, root) };
  }
  const keys = isRecord(root)
    ? Object.keys(root).slice(0, 8).join(', ')
    : Array.isArray(root)
      ? 'an array'
      : typeof root;
  throw new DataError(file, 1, `unrecognised JSON (top level: ${keys || 'an empty object'}); ${EXPECTED}`);
}

function fromCsv(file: string, text: string): MarketFile {
  const head = firstLine(text);
  if (!head) throw new DataError(file, 1, 'the file is empty');
  const line = head.line;
  if (!looksLikeHeader(line)) {
    const count = splitFields(line.trimEnd()).length;
    if (count === BINANCE_KLINE_COLUMNS) return { kind: 'candles', ...parseBinanceKlines(text, file) };
    throw new DataError(
      file,
      head.lineNo,
      `headerless CSV with ${count} columns: only Binance klines (${BINANCE_KLINE_COLUMNS} columns) may omit the header; ${EXPECTED}`,
    );
  }
  const header = parseHeader(line);
  const has = (names: readonly string[]): boolean => findColumn(header, names) !== -1;
  if (has(['open_time'])) return { kind: 'candles', ...parseBinanceKlines(text, file) };
  if (has(GENERIC_COLUMNS.time) && has(['open']) && has(['high']) && has(['low']) && has(['close'])) {
    return { kind: 'candles', ...parseGenericOhlcv(text, file) };
  }
  if (has(FUNDING_TIME_COLUMNS) && has(FUNDING_RATE_COLUMNS)) {
    return { kind: 'funding', ...parseBinanceFunding(text, file) };
  }
  throw new DataError(file, head.lineNo, `unrecognised CSV header "${header.join(',')}"; ${EXPECTED}`);
}

/** Detects a market data text's format (see the module comment) and parses it. */
export function parseMarketText(text: string, file: string): MarketFile {
  const start = text.trimStart().charCodeAt(0);
  return start === 123 || start === 91 ? fromJson(file, text) : fromCsv(file, text);
}

/** Reads a market data file of any supported format; the result says whether it held candles or funding. */
export async function loadMarketFile(path: DataPath): Promise<MarketFile> {
  // Bun decodes a file whole anyway (read-file.ts readText)
  if (process.versions.bun !== undefined) {
    const { file, text } = await readDataFile(path);
    return parseMarketText(text, file);
  }
  // A Drift candle file a piece at a time through a window (drift-candles-chunked.ts): its text never held whole
  const { file, window } = await openDataWindow(path);
  let pieces: CandleLoad | undefined;
  let json = false;
  try {
    json = opensJson(window);
    pieces = json ? readDriftCandleFileInPieces(file, window) : undefined;
  } catch (err) {
    // a read that failed part way: the whole read below says why, as it always has (a bug still shows)
    if ((err as NodeJS.ErrnoException).code === undefined) throw err;
  } finally {
    window.close();
  }
  if (pieces !== undefined) return { kind: 'candles', ...pieces };
  const { text } = await readDataFile(path);
  return json ? fromJson(file, text, false) : parseMarketText(text, file);
}

/** Whether the first byte after whitespace is `{` or `[` (what parseMarketText takes for JSON). */
function opensJson(window: FileWindow): boolean {
  for (let i = 0; i < window.length; i++) {
    const b = window.code(i);
    if (b === 32 || b === 9 || b === 10 || b === 13) continue;
    return b === 123 || b === 91;
  }
  return false;
}

/** A price CSV's reader, and whether its first line is a header: what a streamed load needs to know of it. */
export interface StreamableCsv {
  reader: 'generic' | 'binance';
  header: boolean;
}

/**
 * How a file whose first non-blank line is `line` would be read, when it is a price CSV whose rows give the trade
 * fields only (Binance klines, or a generic OHLCV CSV without oracle or funding columns): the same decision
 * parseMarketText makes, taken from the first line alone (backtest/streamed-load.ts reads the rest on a second
 * thread). Undefined for anything else (JSON, funding, oracle columns, an unknown header).
 */
export function streamableCsv(line: string): StreamableCsv | undefined {
  const start = line.trimStart().charCodeAt(0);
  if (start === 123 || start === 91) return undefined;
  if (!looksLikeHeader(line)) {
    const count = splitFields(line.trimEnd()).length;
    return count === BINANCE_KLINE_COLUMNS ? { reader: 'binance', header: false } : undefined;
  }
  if (findColumn(parseHeader(line), ['open_time']) !== -1) return { reader: 'binance', header: true };
  return tradeOnlyGenericHeader(line) ? { reader: 'generic', header: true } : undefined;
}
