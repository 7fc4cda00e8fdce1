/**
 * Drift candle JSON (data API export): `{"candles":[{start, fillOpen, fillHigh, fillLow, fillClose, oracleOpen,
 * oracleHigh, oracleLow, oracleClose, quoteVolume, baseVolume, resolution}, ...]}`, numbers as decimal text,
 * `start` in epoch ms. Fill OHLC is the trade (mark) bar; oracle OHLC the oracle's.
 */
import { readDriftCandlesInPieces } from './drift-candles-chunked.ts';
import { DataError } from './errors.ts';
import { isRecord, type JsonRecordRef, jsonNumber, topLevelArray } from './json-fields.ts';
import { elementLines, parseJsonText, recordError } from './json-source.ts';
import { type CandleLoad, finishCandles } from './load-result.ts';
import { type DataPath, readDataFile } from './read-file.ts';
import { parseTimestamp } from './timestamps.ts';
import type { Candle } from './types.ts';
import { candleProblem } from './validate.ts';

export const DRIFT_CANDLES_FORMAT = 'drift-candles-json';
const KEY = 'candles';

/** Parses an already parsed Drift candle document (`text` is kept for line numbers). */
export function driftCandlesFromJson(file: string, text: string, root: unknown): CandleLoad {
  const raw = topLevelArray(file, root, KEY, 'Drift candle');
  if (raw.length === 0) throw new DataError(file, 1, 'the "candles" array is empty');
  const parsed: Candle[] = new Array(raw.length);
  const ref: JsonRecordRef = { file, text, arrayKey: KEY, index: 0 };
  for (let i = 0; i < raw.length; i++) {
    ref.index = i;
    parsed[i] = driftCandleOf(ref, raw[i]);
  }
  return finishCandles(file, DRIFT_CANDLES_FORMAT, parsed, (idx) => elementLines(text, KEY, idx));
}

/**
 * Record `ref.index` of the "candles" array as a checked candle, or a DataError naming its line (found in
 * `ref.text` only then).
 */
export function driftCandleOf(ref: JsonRecordRef, rec: unknown): Candle {
  const { file, text, index: i } = ref;
  if (!isRecord(rec)) throw recordError(file, text, KEY, i, 'candle is not an object');
  const start = rec.start;
  const ts =
    typeof start === 'string' || typeof start === 'number' ? parseTimestamp(String(start)) : undefined;
  if (ts === undefined) {
    throw recordError(
      file,
      text,
      KEY,
      i,
      start === undefined
        ? 'field "start" is missing'
        : `field "start" is not a timestamp: ${JSON.stringify(start)}`,
      start === undefined ? undefined : 'start',
    );
  }
  const volume = jsonNumber(ref, rec, 'baseVolume');
  const candle: Candle = {
    ts,
    open: jsonNumber(ref, rec, 'fillOpen'),
    high: jsonNumber(ref, rec, 'fillHigh'),
    low: jsonNumber(ref, rec, 'fillLow'),
    close: jsonNumber(ref, rec, 'fillClose'),
    volume,
    oracleOpen: jsonNumber(ref, rec, 'oracleOpen'),
    oracleHigh: jsonNumber(ref, rec, 'oracleHigh'),
    oracleLow: jsonNumber(ref, rec, 'oracleLow'),
    oracleClose: jsonNumber(ref, rec, 'oracleClose'),
    // Drift's export carries the last oracle forward on candles without fills; it is not a fresh reading.
    oracleStale: volume === 0,
  };
  const problem = candleProblem(candle);
  if (problem) throw recordError(file, text, KEY, i, problem);
  return candle;
}

export function parseDriftCandles(text: string, file: string): CandleLoad {
  // a piece at a time where the layout allows (drift-candles-chunked.ts): the same load, a fraction of the memory
  return readDriftCandlesInPieces(file, text) ?? driftCandlesFromJson(file, text, parseJsonText(file, text));
}

/** Loads a Drift candle JSON file: sorted, deduplicated, with stale-oracle flags and a report. */
export async function loadDriftCandles(path: DataPath): Promise<CandleLoad> {
  const { file, text } = await readDataFile(path);
  return parseDriftCandles(text, file);
}
