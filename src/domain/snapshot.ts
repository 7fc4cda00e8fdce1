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
  oracle: number;
  /** Ms since the oracle last changed from a fresh observation; 0 when fresh. */
  oracleAgeMs: number;
  /** True when the oracle is older than the configured staleness limit (or missing). */
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
