/**
 * Market specs. Every Drift perp market resolves by symbol (DRIFT_PERP_MARKETS, the SDK's list); live mode
 * reads each market's spec from its on-chain PerpMarket account (src/venue/drift/chain-markets.ts) and
 * refreshes it. Paper trading and backtests use the table below, with per-bot overrides (`marketSpec:` in the
 * bot config). Sources and caveats of every column: docs/markets.md.
 */
import { DRIFT_PERP_MARKETS } from './drift-perp-markets.ts';
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
  /**
   * True when no table entry exists for this market (a Drift market resolved by symbol only): its numbers are
   * placeholders that live mode replaces from chain; paper and backtests refuse it unless the bot config gives
   * the spec (`marketSpec:`).
   */
  provisional?: boolean;
}

const p = (units: number): bigint => (BigInt(Math.round(units * 1e6)) * PRICE_PRECISION) / 1_000_000n;
const b = (units: number): bigint => (BigInt(Math.round(units * 1e9)) * BASE_PRECISION) / 1_000_000_000n;

/** Current tier-0 fees (DESIGN.md §10): taker 3.5 bps, maker rebate 0.25 bps. */
const FEES = { takerFeeBps: 3.5, makerFeeBps: -0.25 };

/** Margin ratios by contract tier (representative: 20x for A/B, 10x for C, 5x for speculative tiers). */
const MARGIN: Record<ContractTier, [initial: number, maintenance: number]> = {
  A: [500, 300],
  B: [500, 300],
  C: [1000, 500],
  Speculative: [2000, 1000],
  HighlySpeculative: [2000, 1000],
  Isolated: [2000, 1000],
};

/** [symbol, tier, tick (USD), step = min size (base units)]; the index comes from DRIFT_PERP_MARKETS. */
const TABLE: readonly [string, ContractTier, number, number][] = [
  ['SOL-PERP', 'B', 0.0001, 0.01],
  ['BTC-PERP', 'A', 0.1, 0.0001],
  ['ETH-PERP', 'B', 0.01, 0.001],
  ['1MBONK-PERP', 'Speculative', 0.0001, 1],
  ['BNB-PERP', 'C', 0.01, 0.01],
  ['SUI-PERP', 'C', 0.0001, 1],
  ['1MPEPE-PERP', 'Speculative', 0.0001, 1],
  ['DOGE-PERP', 'C', 0.00001, 10],
  ['RENDER-PERP', 'C', 0.0001, 0.1],
  ['XRP-PERP', 'C', 0.0001, 1],
  ['LINK-PERP', 'C', 0.001, 0.1],
  ['PYTH-PERP', 'C', 0.00001, 1],
  ['TIA-PERP', 'C', 0.0001, 0.1],
  ['JTO-PERP', 'C', 0.0001, 0.1],
  ['AVAX-PERP', 'C', 0.001, 0.1],
  ['WIF-PERP', 'Speculative', 0.0001, 1],
  ['JUP-PERP', 'C', 0.0001, 1],
  ['TAO-PERP', 'C', 0.01, 0.01],
  ['W-PERP', 'HighlySpeculative', 0.00001, 1],
  ['KMNO-PERP', 'C', 0.000001, 1],
  ['DRIFT-PERP', 'C', 0.00001, 1],
  ['POPCAT-PERP', 'C', 0.00001, 1],
  ['HYPE-PERP', 'C', 0.001, 0.1],
  ['TRUMP-PERP', 'C', 0.001, 0.1],
  ['FARTCOIN-PERP', 'C', 0.0001, 1],
];

const INDEX_OF = new Map(DRIFT_PERP_MARKETS.map(([i, s]) => [s, i]));
const SYMBOL_OF = new Map(DRIFT_PERP_MARKETS.map(([i, s]) => [i, s]));

function tableSpec([symbol, tier, tick, step]: (typeof TABLE)[number]): MarketSpec {
  const marketIndex = INDEX_OF.get(symbol);
  if (marketIndex === undefined) throw new Error(`market table: ${symbol} is not a Drift perp market`);
  const [initial, maintenance] = MARGIN[tier];
  return {
    symbol,
    marketIndex,
    tickSize: p(tick),
    stepSize: b(step),
    minOrderSize: b(step),
    marginRatioInitial: initial,
    marginRatioMaintenance: maintenance,
    ...FEES,
    contractTier: tier,
    fundingPeriodSec: 3600,
  };
}

/** The spec table (paper, backtest), by symbol. */
export const MARKETS: Readonly<Record<string, MarketSpec>> = Object.freeze(
  Object.fromEntries(TABLE.map((row) => [row[0], tableSpec(row)])),
);

export type MarketOverrides = Partial<Omit<MarketSpec, 'symbol' | 'marketIndex' | 'provisional'>>;

/** The fields a bot config must give for a market the table does not cover (paper, backtest). */
export const REQUIRED_OVERRIDES = [
  'tickSize',
  'stepSize',
  'minOrderSize',
  'marginRatioInitial',
  'marginRatioMaintenance',
] as const;

/** A placeholder for a Drift market without a table entry: live replaces it from chain. */
function provisionalSpec(symbol: string, marketIndex: number): MarketSpec {
  return {
    symbol,
    marketIndex,
    tickSize: 0n,
    stepSize: 0n,
    minOrderSize: 0n,
    marginRatioInitial: 0,
    marginRatioMaintenance: 0,
    ...FEES,
    contractTier: 'Speculative',
    fundingPeriodSec: 3600,
    provisional: true,
  };
}

/**
 * Looks a market up by symbol ("SOL-PERP", case-insensitive) or index: the table's spec, or a provisional
 * one for any other Drift perp market. Overrides apply on top; overriding every REQUIRED_OVERRIDES field of a
 * provisional spec makes it a complete one. Throws with the known names for a symbol Drift does not list.
 */
export function getMarket(key: string | number, overrides?: MarketOverrides): MarketSpec {
  const symbol = typeof key === 'number' ? SYMBOL_OF.get(key) : key.toUpperCase();
  const index = symbol === undefined ? undefined : INDEX_OF.get(symbol);
  if (symbol === undefined || index === undefined) {
    throw new Error(
      `unknown market ${JSON.stringify(key)}; Drift's perp markets: ${DRIFT_PERP_MARKETS.map(([, s]) => s).join(', ')}`,
    );
  }
  const base = MARKETS[symbol] ?? provisionalSpec(symbol, index);
  if (!overrides) return base;
  const out: MarketSpec = { ...base, ...overrides };
  if (out.provisional && REQUIRED_OVERRIDES.every((k) => overrides[k] !== undefined)) delete out.provisional;
  return out;
}

/** Every Drift perp market symbol (the SDK's list). */
export const marketSymbols = (): string[] => DRIFT_PERP_MARKETS.map(([, s]) => s);

/** The symbols the spec table covers (usable in paper and backtests without overrides). */
export const tableSymbols = (): string[] => Object.keys(MARKETS);

/**
 * For paper and backtests: every market must have a known spec. The message says how to give one.
 * Returns the problems (empty when fine).
 */
export function specProblems(markets: readonly MarketSpec[]): string[] {
  return markets
    .filter((m) => m.provisional)
    .map(
      (m) =>
        `${m.symbol} has no entry in the market table (paper and backtests need its spec): give ` +
        `marketSpec: {${REQUIRED_OVERRIDES.join(', ')}} in the bot config, or trade it live (read from chain). ` +
        `Table markets: ${tableSymbols().join(', ')}`,
    );
}
