/**
 * Drift funding-rate JSON (data API export of FundingRateRecord): `{"fundingRates":[{ts (s), fundingRate,
 * oraclePriceTwap, markPriceTwap, marketIndex, ...}, ...]}` with integers in Drift precisions: fundingRate is
 * USDC per 1 base for the hour at FUNDING_RATE_PRECISION (1e9), TWAPs at PRICE_PRECISION (1e6).
 */
import { FUNDING_RATE_PRECISION, PRICE_PRECISION } from '../domain/precision.ts';
import { DataError } from './errors.ts';
import { isRecord, type JsonRecordRef, jsonBigInt, jsonNumber, topLevelArray } from './json-fields.ts';
import { elementLines, parseJsonText, recordError } from './json-source.ts';
import { type FundingLoad, finishFunding } from './load-result.ts';
import { type DataPath, readDataFile } from './read-file.ts';
import type { FundingRecord } from './types.ts';

export const DRIFT_FUNDING_FORMAT = 'drift-funding-json';
const KEY = 'fundingRates';
const FUNDING_SCALE = Number(FUNDING_RATE_PRECISION);
const PRICE_SCALE = Number(PRICE_PRECISION);

export function driftFundingFromJson(file: string, text: string, root: unknown): FundingLoad {
  const raw = topLevelArray(file, root, KEY, 'Drift funding');
  if (raw.length === 0) throw new DataError(file, 1, 'the "fundingRates" array is empty');
  const parsed: FundingRecord[] = new Array(raw.length);
  const ref: JsonRecordRef = { file, text, arrayKey: KEY, index: 0 };
  let market: unknown;
  for (let i = 0; i < raw.length; i++) {
    const rec = raw[i];
    ref.index = i;
    if (!isRecord(rec)) throw recordError(file, text, KEY, i, 'funding record is not an object');
    // One file is one market; mixing them would silently merge two funding histories.
    if (i === 0) market = rec.marketIndex;
    else if (rec.marketIndex !== market) {
      throw recordError(
        file,
        text,
        KEY,
        i,
        `marketIndex ${JSON.stringify(rec.marketIndex)} differs from the file's first record (${JSON.stringify(market)})`,
        'marketIndex',
      );
    }
    const seconds = jsonNumber(ref, rec, 'ts');
    const ratePerBase = jsonBigInt(ref, rec, 'fundingRate');
    const oracleTwapInt = jsonNumber(ref, rec, 'oraclePriceTwap');
    const markTwapInt = jsonNumber(ref, rec, 'markPriceTwap');
    if (oracleTwapInt <= 0) {
      throw recordError(
        file,
        text,
        KEY,
        i,
        `oraclePriceTwap must be positive, got ${oracleTwapInt}`,
        'oraclePriceTwap',
      );
    }
    if (markTwapInt <= 0) {
      throw recordError(
        file,
        text,
        KEY,
        i,
        `markPriceTwap must be positive, got ${markTwapInt}`,
        'markPriceTwap',
      );
    }
    const oracleTwap = oracleTwapInt / PRICE_SCALE;
    parsed[i] = {
      ts: seconds * 1000,
      ratePerBase,
      rateFraction: Number(ratePerBase) / FUNDING_SCALE / oracleTwap,
      oracleTwap,
      markTwap: markTwapInt / PRICE_SCALE,
      periodHours: 1,
    };
  }
  const marketIndex =
    typeof market === 'number' ? market : Number.isInteger(Number(market)) ? Number(market) : undefined;
  return finishFunding(
    file,
    DRIFT_FUNDING_FORMAT,
    parsed,
    (idx) => elementLines(text, KEY, idx),
    marketIndex === undefined ? undefined : { marketIndex },
  );
}

export function parseDriftFunding(text: string, file: string): FundingLoad {
  return driftFundingFromJson(file, text, parseJsonText(file, text));
}

/** Loads a Drift funding-rate JSON file (hourly settlements), sorted and deduplicated, with a report. */
export async function loadDriftFunding(path: DataPath): Promise<FundingLoad> {
  const { file, text } = await readDataFile(path);
  return parseDriftFunding(text, file);
}
