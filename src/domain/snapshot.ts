/**
 * What the decision layer sees of one market at one instant. Built incrementally by src/marketdata from the
 * market event stream (backtest, replay) or the live feed; floats in quote units, times epoch ms.
 */
export interface MarketSnapshot {
  ts: number;
  marketIndex: number;
  slot?: number;
  /** Drift's mark: midpoint of best bid and ask (DLOB + vAMM). */
  mark: number;
  bid: number;
  ask: number;
  /** The oracle price the decision uses: the observation, or (not observed) the bar's own price as estimate. */
  oracle: number;
  /**
   * Age of the last oracle observation, ms: a live feed's slot lag when observed (0 for a replayed observation);
   * time since the last observation when this bar's oracle was not observed.
   */
  oracleAgeMs: number;
  /**
   * False when this bar carried no oracle observation (a replayed export's gap): `oracle` is then the bar's
   * price as the estimate and `lastObservedOracle` the value carried forward. Absent = observed.
   */
  oracleObserved?: boolean;
  /** The last observed oracle value (carried forward through unobserved bars); NaN before the first. */
  lastObservedOracle?: number;
  /**
   * True when a live oracle's slot lags beyond the staleness limit, or no price is known at all. A replayed bar
   * without an observation is not stale (see oracleObserved): that is a gap in the export, not on Drift.
   */
  oracleStale: boolean;
  /** Last known hourly funding rate as a fraction of price; longs pay when positive. */
  fundingRate: number;
  nextFundingTs: number;
  /** (mark − oracle) / oracle, signed fraction. */
  divergence: number;
  /** Volatility proxy: realised volatility of log returns, annualised fraction (0.8 = 80%/yr). */
  vol: number;
  /** True when the venue has the market in reduce-only mode. */
  reduceOnly: boolean;
  /** True when the venue does not trade the market now (fills paused, settling, delisted): rule F pauses. */
  marketPaused?: boolean;
}

/** An order the execution layer wants to exist, already on the tick and step. */
export interface DesiredOrder {
  marketIndex: number;
  side: 'buy' | 'sell';
  /** PRICE precision. */
  price: bigint;
  /** Unsigned, BASE precision. */
  base: bigint;
  postOnly: boolean;
  reduceOnly: boolean;
  /** Ladder level (1 = nearest the anchor), or 0 for non-ladder orders (defense, reduction, spread legs). */
  level: number;
  /** Taker orders (defense, reduction, spread legs): market/IOC with `price` as the worst acceptable price. */
  taker: boolean;
}
