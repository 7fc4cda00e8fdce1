/**
 * Candles kept by value: a piece's candles as a reader makes them (drift-record-scan.ts), in one buffer reused
 * piece after piece, read out through an object the caller reuses. A year of Drift candles read as half a million
 * candle objects was a good part of the reading thread's collections (issue 17, twentieth round).
 */
import type { Candle } from './types.ts';

/** A candle's fields in a row: time, the fill OHLC, the volume, the oracle OHLC (oracleStale: the volume is 0). */
const STRIDE = 10;

/** A fresh candle object with every field in driftCandleOf's order, for ScannedCandles to fill. */
export const newCandle = (): Candle => ({
  ts: 0,
  open: 0,
  high: 0,
  low: 0,
  close: 0,
  volume: 0,
  oracleOpen: 0,
  oracleHigh: 0,
  oracleLow: 0,
  oracleClose: 0,
  oracleStale: false,
});

export class ScannedCandles {
  length = 0;
  #v = new Float64Array(STRIDE * 2048);

  /** Adds candle `c`'s fields (a candle with the oracle's fields and oracleStale as volume === 0). */
  push(c: Candle): void {
    let v = this.#v;
    const at = this.length * STRIDE;
    if (at + STRIDE > v.length) {
      v = new Float64Array(v.length * 2);
      v.set(this.#v);
      this.#v = v;
    }
    v[at] = c.ts;
    v[at + 1] = c.open;
    v[at + 2] = c.high;
    v[at + 3] = c.low;
    v[at + 4] = c.close;
    v[at + 5] = c.volume;
    v[at + 6] = c.oracleOpen as number;
    v[at + 7] = c.oracleHigh as number;
    v[at + 8] = c.oracleLow as number;
    v[at + 9] = c.oracleClose as number;
    this.length++;
  }

  /** Candle k's fields written into `into` (a caller's reused object, or newCandle()); returns `into`. */
  candle(k: number, into: Candle): Candle {
    const v = this.#v;
    const at = k * STRIDE;
    into.ts = v[at] as number;
    into.open = v[at + 1] as number;
    into.high = v[at + 2] as number;
    into.low = v[at + 3] as number;
    into.close = v[at + 4] as number;
    into.volume = v[at + 5] as number;
    into.oracleOpen = v[at + 6] as number;
    into.oracleHigh = v[at + 7] as number;
    into.oracleLow = v[at + 8] as number;
    into.oracleClose = v[at + 9] as number;
    into.oracleStale = into.volume === 0;
    return into;
  }
}
