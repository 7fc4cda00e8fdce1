/**
 * What can go wrong and how often. Rates are probabilities per opportunity: per execute call (rejects,
 * disconnects, timeouts), per delivered venue event (drop, duplicate, delay) and per bar (market faults).
 * Everything is off in NO_FAULTS; DEFAULT_FAULTS is the chaos campaign's mix.
 */

export type FaultKind =
  | 'reject'
  | 'partialFill'
  | 'delayEvent'
  | 'dropEvent'
  | 'duplicateEvent'
  | 'staleOracle'
  | 'missingOracle'
  | 'oracleDivergence'
  | 'priceGap'
  | 'fundingSpike'
  | 'missingBar'
  | 'disconnect'
  | 'timeout'
  | 'crash';

export const FAULT_KINDS: readonly FaultKind[] = [
  'reject',
  'partialFill',
  'delayEvent',
  'dropEvent',
  'duplicateEvent',
  'staleOracle',
  'missingOracle',
  'oracleDivergence',
  'priceGap',
  'fundingSpike',
  'missingBar',
  'disconnect',
  'timeout',
  'crash',
];

export type FaultCounts = Record<FaultKind, number>;

export const emptyFaultCounts = (): FaultCounts =>
  Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as FaultCounts;

export function addFaultCounts(into: FaultCounts, from: FaultCounts): void {
  for (const k of FAULT_KINDS) into[k] += from[k];
}

export interface VenueFaultRates {
  /** Per command: the venue refuses it (not applied; a `rejected` event follows for placements). */
  reject: number;
  /** Per execute call: the connection drops for `disconnectCalls` calls (nothing is applied meanwhile). */
  disconnect: number;
  /** How many consecutive calls (or bars, in the chaos loop) a disconnect lasts: [min, max]. */
  disconnectLength: [number, number];
  /** Per execute call: the venue applies the commands but the caller never hears back. */
  timeout: number;
  /** Per venue event: lost on the way to the bot. */
  dropEvent: number;
  /** Per venue event: delivered twice. */
  duplicateEvent: number;
  /** Per venue event: held back and delivered after the next batch. */
  delayEvent: number;
}

export interface MarketFaultRates {
  /** Per bar: a run of stale-oracle bars starts (oracle frozen, flagged stale). */
  staleOracle: number;
  /** Per bar: a run of bars without any oracle field starts. */
  missingOracle: number;
  /** Per bar: the oracle jumps away from the mark for a few bars. */
  oracleDivergence: number;
  /** Per bar: the price falls (or rises) by `gapPct` over `gapBars` bars and stays there. */
  priceGap: number;
  /** Size of a price gap, % (30 = a 30% drop). */
  gapPct: number;
  /** Bars over which a gap happens: [min, max]. */
  gapBars: [number, number];
  /** Per funding record: the rate is multiplied into a spike (± 0.5–2 %/h). */
  fundingSpike: number;
  /** Per bar: the bar is missing from the feed (a data gap). */
  missingBar: number;
}

export interface FaultConfig {
  venue: VenueFaultRates;
  market: MarketFaultRates;
  /** Partial fills: the exchange's participation cap (fraction of bar volume all resting orders may take). */
  participation: number;
  /** Per bar: the bot process crashes and restarts from the venue (chaos loop only). */
  crash: number;
}

export const NO_FAULTS: FaultConfig = {
  venue: {
    reject: 0,
    disconnect: 0,
    disconnectLength: [1, 1],
    timeout: 0,
    dropEvent: 0,
    duplicateEvent: 0,
    delayEvent: 0,
  },
  market: {
    staleOracle: 0,
    missingOracle: 0,
    oracleDivergence: 0,
    priceGap: 0,
    gapPct: 30,
    gapBars: [3, 10],
    fundingSpike: 0,
    missingBar: 0,
  },
  participation: 0,
  crash: 0,
};

export const DEFAULT_FAULTS: FaultConfig = {
  venue: {
    reject: 0.02,
    disconnect: 0.004,
    disconnectLength: [1, 15],
    timeout: 0.01,
    dropEvent: 0.02,
    duplicateEvent: 0.02,
    delayEvent: 0.03,
  },
  market: {
    staleOracle: 0.002,
    missingOracle: 0.001,
    oracleDivergence: 0.001,
    priceGap: 0.0008,
    gapPct: 30,
    gapBars: [2, 10],
    fundingSpike: 0.05,
    missingBar: 0.003,
  },
  participation: 0.05,
  crash: 0.0005,
};
