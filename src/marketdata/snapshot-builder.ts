/**
 * Builds the MarketSnapshot the decision layer reads, incrementally from bars and funding records.
 *
 * Hot path: a backtest pushes millions of bars per second, so every update mutates one snapshot object in
 * place (`current`) and allocates nothing. Copy it (`snapshot()`) before keeping it past the next update.
 *
 * Choices (docs/grid-strategy.md):
 * - mark = bar close; bid/ask = mark ∓ half the configured spread (bars carry no book).
 * - snapshot.ts = bar close time (candle.ts + intervalMs): the close is not known before then.
 * - oracle = the bar's oracleClose when observed (oracleAgeMs = a live feed's slot lag, `oracleLagMs`). A bar
 *   whose oracle was not observed (Drift's export repeats it on zero-volume candles) carries the last observation
 *   forward (`lastObservedOracle`, its age in oracleAgeMs) and uses the bar's own price as the oracle estimate
 *   (`oracleObserved: false`): a gap in the export is not a stale oracle on Drift. oracleStale = a live oracle
 *   lags beyond `oracleStaleMs`, or there is no oracle at all. A source with no oracle column (spot CSV) uses the
 *   mark as its oracle when `oracleFromMark` is set (the default).
 * - vol = realised volatility of log returns of the mark over the last `volWindow` bars, annualised.
 * - fundingRate = the latest funding record's hourly rate; until one arrives, Drift's formula on the bars' mark
 *   and oracle (funding-estimate.ts), which is what the simulator charges when it has no records.
 */
import type { Candle, FundingRecord } from '../data/types.ts';
import type { ContractTier } from '../domain/markets.ts';
import type { MarketSnapshot } from '../domain/snapshot.ts';
import { FormulaFundingEstimate } from './funding-estimate.ts';
import { RealisedVol } from './realised-vol.ts';

export interface SnapshotBuilderConfig {
  marketIndex: number;
  /** Full synthetic bid–ask spread in basis points of the mark. Default 2. */
  spreadBps?: number;
  /** The oracle counts as stale once its last fresh value is older than this. Default 30 minutes. */
  oracleStaleMs?: number;
  /** Returns in the volatility window. Default 60. */
  volWindow?: number;
  /** Funding period; next funding is at the next multiple of it (Drift: on the hour). Default 3600 s. */
  fundingPeriodSec?: number;
  /** Use the mark as the oracle when a bar carries no oracle at all. Default true. */
  oracleFromMark?: boolean;
  /** The market's contract tier: the clamp of the funding estimate used until a funding record arrives. */
  contractTier?: ContractTier;
}

export class MarketSnapshotBuilder {
  /** The live snapshot, mutated by every update. */
  readonly current: MarketSnapshot;
  private readonly halfSpread: number;
  private readonly oracleStaleMs: number;
  private readonly fundingPeriodMs: number;
  private readonly oracleFromMark: boolean;
  private readonly vol: RealisedVol;
  private lastFreshOracleTs = Number.NaN;
  private readonly fundingEstimate: FormulaFundingEstimate;
  /** Funding records (or bars carrying a rate) were seen: they are the truth, the formula estimate stops. */
  private fundingObserved = false;
  private barCount = 0;

  constructor(config: SnapshotBuilderConfig) {
    const spreadBps = config.spreadBps ?? 2;
    if (!(spreadBps >= 0)) throw new RangeError(`spreadBps must be ≥ 0 (got ${spreadBps})`);
    this.halfSpread = spreadBps / 2 / 10_000;
    this.oracleStaleMs = config.oracleStaleMs ?? 30 * 60_000;
    this.fundingPeriodMs = (config.fundingPeriodSec ?? 3600) * 1000;
    if (!(this.fundingPeriodMs > 0)) throw new RangeError('fundingPeriodSec must be > 0');
    this.oracleFromMark = config.oracleFromMark ?? true;
    this.vol = new RealisedVol(config.volWindow ?? 60);
    this.fundingEstimate = new FormulaFundingEstimate(
      config.contractTier ?? 'A',
      this.fundingPeriodMs / 1000,
    );
    this.current = {
      ts: 0,
      marketIndex: config.marketIndex,
      mark: Number.NaN,
      bid: Number.NaN,
      ask: Number.NaN,
      oracle: Number.NaN,
      oracleAgeMs: Number.POSITIVE_INFINITY,
      oracleObserved: false,
      lastObservedOracle: Number.NaN,
      oracleStale: true,
      fundingRate: 0,
      nextFundingTs: 0,
      divergence: 0,
      vol: 0,
      reduceOnly: false,
    };
  }

  /** Bars seen so far. */
  get bars(): number {
    return this.barCount;
  }

  /** Applies one bar (bars in time order). Returns `current` for convenience. */
  onBar(candle: Candle, intervalMs: number): MarketSnapshot {
    const s = this.current;
    const ts = candle.ts + intervalMs;
    const mark = candle.close;
    s.ts = ts;
    s.mark = mark;
    // A book's best levels when the source has them (live); else the configured spread around the mark.
    s.bid = candle.bid ?? mark * (1 - this.halfSpread);
    s.ask = candle.ask ?? mark * (1 + this.halfSpread);

    const hasOracle = candle.oracleClose !== undefined;
    if (hasOracle && candle.oracleStale !== true) {
      // An observation. A live feed says how far its slot lags; a replayed observation is as old as its bar.
      const lag = candle.oracleLagMs ?? 0;
      s.oracle = candle.oracleClose as number;
      s.lastObservedOracle = s.oracle;
      this.lastFreshOracleTs = ts - lag;
      s.oracleAgeMs = lag;
      s.oracleObserved = true;
      s.oracleStale = lag > this.oracleStaleMs;
    } else if (hasOracle) {
      // A gap in the export (no fill, the last oracle repeated): carry the last observation forward with its
      // age and take the bar's own price as the estimate (data/README.md). Not a stale oracle on Drift.
      if (Number.isNaN(s.lastObservedOracle)) s.lastObservedOracle = candle.oracleClose as number;
      s.oracle = mark;
      s.oracleObserved = false;
      s.oracleAgeMs = Number.isNaN(this.lastFreshOracleTs)
        ? Number.POSITIVE_INFINITY
        : ts - this.lastFreshOracleTs;
      s.oracleStale = false;
    } else if (this.oracleFromMark) {
      // No oracle column at all (spot data): the mark stands in for it.
      s.oracle = mark;
      s.lastObservedOracle = mark;
      this.lastFreshOracleTs = ts;
      s.oracleAgeMs = 0;
      s.oracleObserved = true;
      s.oracleStale = false;
    } else {
      s.oracleAgeMs = Number.isNaN(this.lastFreshOracleTs)
        ? Number.POSITIVE_INFINITY
        : ts - this.lastFreshOracleTs;
      s.oracleObserved = false;
      s.oracleStale = true;
    }
    s.divergence = s.oracle > 0 ? (mark - s.oracle) / s.oracle : 0;
    if (candle.fundingRate !== undefined) {
      s.fundingRate = candle.fundingRate;
      this.fundingObserved = true;
    } else if (!this.fundingObserved) {
      this.fundingEstimate.push(ts, intervalMs, mark, s.oracle);
      s.fundingRate = this.fundingEstimate.hourlyFraction();
    }
    s.nextFundingTs = this.nextFundingAfter(ts);

    this.vol.push(mark);
    s.vol = this.vol.annualised(intervalMs);
    this.barCount++;
    return s;
  }

  /** Applies a funding record: the snapshot carries the latest rate, converted to an hourly fraction. */
  onFunding(record: FundingRecord): MarketSnapshot {
    const s = this.current;
    this.fundingObserved = true;
    s.fundingRate = record.periodHours > 0 ? record.rateFraction / record.periodHours : record.rateFraction;
    if (record.ts > s.ts) {
      s.ts = record.ts;
      s.nextFundingTs = this.nextFundingAfter(record.ts);
      // The oracle's age is not touched: a funding record is no oracle reading, and a replayed bar's observation
      // stands for its whole interval. Live staleness comes from the feed's slot lag (the bar's oracleLagMs).
    }
    return s;
  }

  /** The venue switched the market in or out of reduce-only mode. */
  setReduceOnly(flag: boolean): void {
    this.current.reduceOnly = flag;
  }

  /** The venue paused trading in the market (or resumed it). */
  setMarketPaused(flag: boolean): void {
    this.current.marketPaused = flag;
  }

  /** A copy of the current snapshot, safe to keep. */
  snapshot(): MarketSnapshot {
    return { ...this.current };
  }

  /** The next funding boundary strictly after `ts` (Drift settles on the hour). */
  private nextFundingAfter(ts: number): number {
    const p = this.fundingPeriodMs;
    return Math.floor(ts / p) * p + p;
  }
}
