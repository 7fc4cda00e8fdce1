/**
 * Market specs for the perps zero-perps trades. Live mode reads these from the on-chain PerpMarket account;
 * the simulator and backtests use this table (every field overridable per bot).
 * Market indexes from the SDK's `PerpMarkets['mainnet-beta']`; tick/step/min sizes and margin ratios are
 * representative values of the mainnet config, documented in docs/markets.md.
 */
import { BASE_PRECISION, PRICE_PRECISION } from './precision.ts';

/** Drift's contract tiers decide the funding clamp (A/B: oracle/33, C: /20, others: /10). */
export type ContractTier = 'A' | 'B' | 'C' | 'Speculative' | 'HighlySpeculative' | 'Isolated';

export interface MarketSpec {
  symbol: string;
  marketIndex: number;
  /** PRICE precision. */
  tickSize: bigint;
  /** BASE precision. */
  stepSize: bigint;
  /** BASE precision. */
  minOrderSize: bigint;
  /** MARGIN precision (1e4): 1000 = 10% initial margin, i.e. 10x max leverage. */
  marginRatioInitial: number;
  marginRatioMaintenance: number;
  /** Fees in basis points; negative maker fee is a rebate. */
  takerFeeBps: number;
  makerFeeBps: number;
  contractTier: ContractTier;
  /** Drift settles funding once per period (3600 s). */
  fundingPeriodSec: number;
  /**
   * Drift's size premium factor (IMF, MARGIN precision 1e6 as on chain): large positions need more margin.
   * Absent = 0 (no premium).
   */
  imfFactor?: number;
}

const p = (units: number): bigint => (BigInt(Math.round(units * 1e6)) * PRICE_PRECISION) / 1_000_000n;
const b = (units: number): bigint => (BigInt(Math.round(units * 1e9)) * BASE_PRECISION) / 1_000_000_000n;

/** Current tier-0 fees (DESIGN.md §10): taker 3.5 bps, maker rebate 0.25 bps. */
const FEES = { takerFeeBps: 3.5, makerFeeBps: -0.25 };

export const MARKETS: Readonly<Record<string, MarketSpec>> = Object.freeze({
  'SOL-PERP': {
    symbol: 'SOL-PERP',
    marketIndex: 0,
    tickSize: p(0.0001),
    stepSize: b(0.01),
    minOrderSize: b(0.01),
    marginRatioInitial: 500,
    marginRatioMaintenance: 300,
    ...FEES,
    contractTier: 'A',
    fundingPeriodSec: 3600,
  },
  'BTC-PERP': {
    symbol: 'BTC-PERP',
    marketIndex: 1,
    tickSize: p(0.1),
    stepSize: b(0.0001),
    minOrderSize: b(0.0001),
    marginRatioInitial: 500,
    marginRatioMaintenance: 300,
    ...FEES,
    contractTier: 'A',
    fundingPeriodSec: 3600,
  },
  'KMNO-PERP': {
    symbol: 'KMNO-PERP',
    marketIndex: 28,
    tickSize: p(0.000001),
    stepSize: b(1),
    minOrderSize: b(1),
    marginRatioInitial: 1000,
    marginRatioMaintenance: 500,
    ...FEES,
    contractTier: 'C',
    fundingPeriodSec: 3600,
  },
  'DRIFT-PERP': {
    symbol: 'DRIFT-PERP',
    marketIndex: 30,
    tickSize: p(0.00001),
    stepSize: b(1),
    minOrderSize: b(1),
    marginRatioInitial: 1000,
    marginRatioMaintenance: 500,
    ...FEES,
    contractTier: 'C',
    fundingPeriodSec: 3600,
  },
});

export type MarketOverrides = Partial<Omit<MarketSpec, 'symbol' | 'marketIndex'>>;

/** Looks a market up by symbol ("SOL-PERP", case-insensitive) or index; throws with the known names if absent. */
export function getMarket(key: string | number, overrides?: MarketOverrides): MarketSpec {
  const spec =
    typeof key === 'number'
      ? Object.values(MARKETS).find((m) => m.marketIndex === key)
      : MARKETS[key.toUpperCase()];
  if (!spec) {
    throw new Error(`unknown market ${JSON.stringify(key)}; known: ${Object.keys(MARKETS).join(', ')}`);
  }
  return overrides ? { ...spec, ...overrides } : spec;
}

export const marketSymbols = (): string[] => Object.keys(MARKETS);
