/** Shared fixtures for the grid tests (not shipped code paths). */
import type { MarketSnapshot } from '../../../domain/snapshot.ts';

export const snapshotAt = (mark: number, over: Partial<MarketSnapshot> = {}): MarketSnapshot => ({
  ts: 1_740_000_000_000,
  marketIndex: 0,
  mark,
  bid: mark * 0.9999,
  ask: mark * 1.0001,
  oracle: mark,
  oracleAgeMs: 0,
  oracleStale: false,
  fundingRate: 0,
  nextFundingTs: 1_740_000_000_000 + 3_600_000,
  divergence: 0,
  vol: 0.5,
  reduceOnly: false,
  ...over,
});
