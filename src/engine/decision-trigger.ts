/**
 * The hybrid loop's trigger (DESIGN.md §2): decide on events — a fill, a funding settlement, the mark moving past
 * the requote threshold since the last decision, the oracle turning stale or fresh — and otherwise on a
 * heartbeat. Pure: the caller passes what happened and the clock.
 */

export interface TriggerConfig {
  /** Decide when the mark has moved this far (bps) from the mark of the last decision. */
  requoteThresholdBps: number;
  /** Decide at least this often (ms), scaled by the strategy's cadence factor. */
  heartbeatMs: number;
}

export interface TriggerState {
  lastTs: number;
  lastMark: number;
  lastOracleStale: boolean;
}

export const initialTriggerState = (): TriggerState => ({
  lastTs: Number.NEGATIVE_INFINITY,
  lastMark: Number.NaN,
  lastOracleStale: false,
});

export interface TriggerInputs {
  ts: number;
  mark: number;
  oracleStale: boolean;
  /** A fill, funding payment, liquidation or reject arrived since the last decision. */
  venueEvent: boolean;
  /** ≥ 1: volatility slows the cadence by this factor. */
  cadenceFactor: number;
}

export type TriggerReason = 'venue_event' | 'mark_moved' | 'oracle_state' | 'heartbeat' | null;

export function decisionTrigger(x: TriggerInputs, s: TriggerState, cfg: TriggerConfig): TriggerReason {
  if (x.venueEvent) return 'venue_event';
  if (x.oracleStale !== s.lastOracleStale) return 'oracle_state';
  // (1 − 1e-9): a move of exactly the threshold counts, whatever the binary noise of the subtraction
  if (!(Math.abs(x.mark - s.lastMark) * 10_000 < cfg.requoteThresholdBps * s.lastMark * (1 - 1e-9))) {
    return 'mark_moved';
  }
  if (x.ts - s.lastTs >= cfg.heartbeatMs * x.cadenceFactor) return 'heartbeat';
  return null;
}

export function markDecided(s: TriggerState, x: TriggerInputs): void {
  s.lastTs = x.ts;
  s.lastMark = x.mark;
  s.lastOracleStale = x.oracleStale;
}
