/**
 * Candles as the records of a Drift candle file (the fields and string forms Drift's data API writes, prices to
 * four decimals, the oracle at the fill prices): what a test or a bench writes to make a Drift candle file of
 * generated bars.
 */
import type { Candle } from '../types.ts';

export interface DriftCandleRecord {
  start: string;
  fillOpen: string;
  fillClose: string;
  fillHigh: string;
  fillLow: string;
  oracleOpen: string;
  oracleClose: string;
  oracleHigh: string;
  oracleLow: string;
  quoteVolume: string;
  baseVolume: string;
  resolution: string;
}

const price = (v: number): string => v.toFixed(4);

/** Each candle as a 1-minute Drift record. */
export function driftCandleRecords(candles: readonly Candle[]): DriftCandleRecord[] {
  return candles.map((c) => ({
    start: String(c.ts),
    fillOpen: price(c.open),
    fillClose: price(c.close),
    fillHigh: price(c.high),
    fillLow: price(c.low),
    oracleOpen: price(c.open),
    oracleClose: price(c.close),
    oracleHigh: price(c.high),
    oracleLow: price(c.low),
    quoteVolume: price(c.volume * c.close),
    baseVolume: price(c.volume),
    resolution: '1',
  }));
}
