/**
 * When the grid bot decides (DESIGN.md §2's hybrid loop, docs/grid-strategy.md "Triggers"). Pure: the caller
 * passes what it observed since the last decision and the clock.
 *
 * Urgent — decided at once, whatever the cadence:
 *   venue_event   a fill, funding payment, reject or liquidation (a filled level must be answered);
 *   oracle_state  the oracle turned stale or fresh;
 *   risk_changed  the risk verdict would differ from the last decision's (kind, tripped rules, flatten mode, or
 *                 the band by at least one level's size);
 *   timer         a deadline passed: the next ramp-in opening, or a daily-loss flatten turning taker;
 *   range_moved   the laid range would be re-laid (the blended range left it) or the lattice re-chosen;
 *   mark_moved    a market-relative order (a reduction or defense at the touch) is live and the mark moved past
 *                 the requote threshold.
 * Routine — at most one per `cadenceMs × cadenceFactor` (volatility slows them):
 *   level_crossed the price moved to another lattice level without a fill (the live window of the ladder shifts);
 *   heartbeat     nothing happened for `heartbeatMs × cadenceFactor`.
 * A price moving between levels decides nothing: the ladder's orders wait where they are.
 */

export type GridTrigger =
  | 'venue_event'
  | 'oracle_state'
  | 'risk_changed'
  | 'timer'
  | 'range_moved'
  | 'mark_moved'
  | 'level_crossed'
  | 'heartbeat';

export interface GridTriggerConfig {
  /** Routine decisions are at least this far apart (× cadence factor). */
  cadenceMs: number;
  /** Decide at least this often when nothing happens (× cadence factor). */
  heartbeatMs: number;
  /** A market-relative order is requoted after the mark moved this far (bps). */
  requoteThresholdBps: number;
}

/** What the last decision saw. */
export interface LastDecision {
  ts: number;
  mark: number;
  zone: number;
  oracleStale: boolean;
  cadenceFactor: number;
  /** A live order priced off the touch (reduction, defense) was wanted. */
  marketRelative: boolean;
}

/** What is observed now; the booleans are the caller's comparisons against the last decision. */
export interface GridObservation {
  ts: number;
  mark: number;
  zone: number;
  oracleStale: boolean;
  venueEvent: boolean;
  riskChanged: boolean;
  rangeMoved: boolean;
  /** The earliest pending deadline (ramp-in, flatten), +Infinity when none. */
  nextTimerTs: number;
}

export function gridTrigger(
  now: GridObservation,
  last: LastDecision | undefined,
  cfg: GridTriggerConfig,
): GridTrigger | null {
  if (now.venueEvent || last === undefined) return 'venue_event';
  if (now.oracleStale !== last.oracleStale) return 'oracle_state';
  if (now.riskChanged) return 'risk_changed';
  if (now.ts >= now.nextTimerTs) return 'timer';
  if (now.rangeMoved) return 'range_moved';
  // (1 − 1e-9): a move of exactly the threshold counts, whatever the binary noise of the subtraction
  if (
    last.marketRelative &&
    !(Math.abs(now.mark - last.mark) * 10_000 < cfg.requoteThresholdBps * last.mark * (1 - 1e-9))
  ) {
    return 'mark_moved';
  }
  const elapsed = now.ts - last.ts;
  if (elapsed < cfg.cadenceMs * last.cadenceFactor) return null;
  if (now.zone !== last.zone) return 'level_crossed';
  if (elapsed >= cfg.heartbeatMs * last.cadenceFactor) return 'heartbeat';
  return null;
}
