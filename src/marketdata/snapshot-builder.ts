/**
 * Builds the MarketSnapshot the decision layer reads, incrementally from bars and funding records.
 *
 * Hot path: a backtest pushes millions of bars per second, so every update mutates one snapshot object in
 * place (`current`) and allocates nothing. Copy it (`snapshot()`) before keeping it past the next update.
 *
 * Choices (docs/grid-strategy.md):
 * - mark = bar close; bid/ask = mark ∓ half the configured spread (bars carry no book).
 * - snapshot.ts = bar close time (candle.ts + intervalMs): the close is not known before then.
 * - oracle = the bar's oracleClose when fresh; a stale or missing one keeps the last fresh value and its age
 *   grows. oracleStale = the bar says so, or age > limit, or no fresh oracle yet. A source with no oracle column
 *   at all (spot CSV) uses the mark as its oracle when `oracleFromMark` is set (the default).
 * - vol = realised volatility of log returns of the mark over the last `volWindow` bars, annualised.
 */
import type { Candle, FundingRecord } from '../data/types.ts';
import type { MarketSnapshot } from '../domain/snapshot.ts';
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
    this.current = {
      ts: 0,
      marketIndex: config.marketIndex,
      mark: Number.NaN,
      bid: Number.NaN,
      ask: Number.NaN,
      oracle: Number.NaN,
      oracleAgeMs: Number.POSITIVE_INFINITY,
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
    const freshOracle = hasOracle ? candle.oracleStale !== true : this.oracleFromMark;
    if (freshOracle) {
      s.oracle = hasOracle ? (candle.oracleClose as number) : mark;
      this.lastFreshOracleTs = ts;
    } else if (Number.isNaN(s.oracle) && hasOracle) {
      // never seen a fresh one: the stale value is still the best guess at the price, flagged stale below
      s.oracle = candle.oracleClose as number;
    }
    s.oracleAgeMs = Number.isNaN(this.lastFreshOracleTs)
      ? Number.POSITIVE_INFINITY
      : ts - this.lastFreshOracleTs;
    s.oracleStale = candle.oracleStale === true || !freshOracle || s.oracleAgeMs > this.oracleStaleMs;
    s.divergence = s.oracle > 0 ? (mark - s.oracle) / s.oracle : 0;
    if (candle.fundingRate !== undefined) s.fundingRate = candle.fundingRate;
    s.nextFundingTs = this.nextFundingAfter(ts);

    this.vol.push(mark);
    s.vol = this.vol.annualised(intervalMs);
    this.barCount++;
    return s;
  }

  /** Applies a funding record: the snapshot carries the latest rate, converted to an hourly fraction. */
  onFunding(record: FundingRecord): MarketSnapshot {
    const s = this.current;
    s.fundingRate = record.periodHours > 0 ? record.rateFraction / record.periodHours : record.rateFraction;
    if (record.ts > s.ts) {
      s.ts = record.ts;
      s.nextFundingTs = this.nextFundingAfter(record.ts);
      if (!Number.isNaN(this.lastFreshOracleTs)) {
        s.oracleAgeMs = record.ts - this.lastFreshOracleTs;
        s.oracleStale = s.oracleStale || s.oracleAgeMs > this.oracleStaleMs;
      }
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
