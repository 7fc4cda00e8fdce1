/**
 * The shapes every loader produces. Prices are floats in quote units (USDC) as the files give them; the venue
 * turns them into integers at its edge. Times are epoch milliseconds, UTC.
 */

/** One OHLC bar of a market's trade (mark) price, with the oracle's bar when the source has one. */
export interface Candle {
  /** Bar open time, epoch ms. */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base volume (0 when unknown). */
  volume: number;
  /** Oracle OHLC (Drift candles carry it; a generic CSV may carry an oracle close only). */
  oracleOpen?: number;
  oracleHigh?: number;
  oracleLow?: number;
  oracleClose?: number;
  /**
   * True when the oracle fields were not observed on this bar: Drift's export repeats the last oracle on
   * zero-volume candles. That is a gap in the export, not a stale oracle on Drift (data/README.md): consumers
   * carry the last observation forward with its age and use the bar's own prices as the oracle estimate.
   */
  oracleStale?: boolean;
  /**
   * Live feeds only: how far the oracle's publish slot lags the current slot, in ms. A lagging live oracle is
   * what rule F's stale-oracle PAUSE is about. Absent for replayed files.
   */
  oracleLagMs?: number;
  /** Funding rate as a fraction of price for the period, when the source has one (generic CSV). */
  fundingRate?: number;
  /** Best bid and ask at the bar's close, when the source has a book (live: Drift's DLOB + vAMM). */
  bid?: number;
  ask?: number;
}

/** One funding settlement (or, from exchange CSVs, one funding interval). */
export interface FundingRecord {
  ts: number;
  /** Drift: USDC per 1 base unit for the period, FUNDING_RATE precision (1e9). Absent for CSV sources. */
  ratePerBase?: bigint;
  /** The rate as a fraction of the oracle price for the period; longs pay when positive. */
  rateFraction: number;
  oracleTwap?: number;
  markTwap?: number;
  /** Length of the funding period in hours (Drift 1, Binance usually 8). */
  periodHours: number;
}

/** What loaders noticed and fixed or flagged; reported to the user, never silently dropped. */
export interface LoadReport {
  file: string;
  format: string;
  rows: number;
  /** Identical repeated records dropped. */
  duplicatesDropped: number;
  /** Same timestamp, different content: the later record in the file won. */
  superseded: { ts: number; line: number }[];
  /** Places where time did not move forward in the file (repeats included; it is sorted afterwards). */
  outOfOrder: number;
  /** Places where time went backwards: the file was not in time order (reported to the user as reordered). */
  steppedBack?: number;
  /** Missing bars: from, to (epoch ms, exclusive bounds of the hole) and how many bars are missing. */
  gaps: { from: number; to: number; missingBars: number }[];
  /** Runs of bars whose oracle is stale, longest first. */
  staleOracle: { from: number; to: number; bars: number }[];
  /** Bar length in ms inferred from the data (0 for funding files). */
  intervalMs: number;
  firstTs: number;
  lastTs: number;
  /** The market the file says it is for, when it says (Drift funding: marketIndex; Binance funding: symbol). */
  market?: { marketIndex?: number; symbol?: string };
}

/** The time-ordered stream the simulator and the decision loop consume. */
export type MarketEvent =
  | { type: 'bar'; market: string; candle: Candle; intervalMs: number }
  | { type: 'funding'; market: string; record: FundingRecord };
