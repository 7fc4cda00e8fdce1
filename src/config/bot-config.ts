/**
 * The bot config: one file per bot (YAML or JSON). Only name, strategy, market(s) and collateral are
 * required; every section has defaults. Each section is validated by its owner's schema, and every problem is
 * reported with its field path, so a user sees all of them at once.
 */
import {
  getMarket,
  type MarketOverrides,
  type MarketSpec,
  marketSymbols,
  tableSymbols,
} from '../domain/markets.ts';
import { type ExecutionPolicy, parseExecutionPolicy } from '../execution/policy.ts';
import { parseRiskLimits, type RiskLimits } from '../risk/limits.ts';
import { type GridParams, parseGridParams } from '../strategies/grid/params.ts';
import { parseSpreadParams, type SpreadParams } from '../strategies/spread/params.ts';
import { ConfigError } from './config-error.ts';
import { parseMarketSpecOverrides } from './market-spec.ts';

export interface FeeConfig {
  takerBps: number;
  makerBps: number;
}

interface BotConfigBase {
  name: string;
  /** Starting USDC collateral (backtest and paper deposit it; live checks it is there). */
  collateral: number;
  execution: ExecutionPolicy;
  risk: RiskLimits;
  fees: FeeConfig;
  /** The markets traded, with fees applied: one for grid bots, [DRIFT-PERP, KMNO-PERP] for spread bots. */
  markets: MarketSpec[];
}

export interface GridBotConfig extends BotConfigBase {
  strategy: 'grid';
  /**
   * grid.baseSizePerLevel may be left out: the composition root then sizes levels so the full ladder on one
   * side is worth the collateral at the first price seen (1× notional), see `resolveGridSize`.
   */
  grid: Omit<GridParams, 'baseSizePerLevel'> & { baseSizePerLevel: number | 'auto' };
}

export interface SpreadBotConfig extends BotConfigBase {
  strategy: 'spread';
  /** driftQuantity / kmnoQuantity may be left out ('auto': each leg worth a quarter of the collateral). */
  spread: Omit<SpreadParams, 'driftQuantity' | 'kmnoQuantity'> & {
    driftQuantity: number | 'auto';
    kmnoQuantity: number | 'auto';
  };
}

export type BotConfig = GridBotConfig | SpreadBotConfig;

/** The top-level fields a bot config may have (the API's create-bot body too). */
export const BOT_CONFIG_KEYS = [
  'name',
  'strategy',
  'market',
  'markets',
  'collateral',
  'grid',
  'spread',
  'execution',
  'risk',
  'fees',
  'marketSpec',
];
const SPREAD_MARKETS = ['DRIFT-PERP', 'KMNO-PERP'];
const DEFAULT_FEES: FeeConfig = { takerBps: 3.5, makerBps: -0.25 };
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // BigInt and cyclic values cannot be JSON: describe them rather than crash while reporting the problem.
    return typeof v === 'bigint' ? `${v}n` : Object.prototype.toString.call(v);
  }
};
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseFees(input: unknown, problems: string[]): FeeConfig {
  if (input === undefined) return { ...DEFAULT_FEES };
  if (!isObject(input)) {
    problems.push(`fees: must be an object {takerBps, makerBps} (got ${show(input)})`);
    return DEFAULT_FEES;
  }
  const out = { ...DEFAULT_FEES };
  for (const [k, v] of Object.entries(input)) {
    if (k !== 'takerBps' && k !== 'makerBps') {
      problems.push(`fees.${k}: unknown field (known: takerBps, makerBps)`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < -100 || v > 100) {
      problems.push(`fees.${k}: must be a number of basis points between -100 and 100 (got ${show(v)})`);
    } else out[k] = v;
  }
  if (out.takerBps + out.makerBps < 0) {
    problems.push(`fees: takerBps + makerBps must not be negative (got ${out.takerBps} + ${out.makerBps})`);
  }
  return out;
}

function resolveMarket(
  symbol: unknown,
  field: string,
  fees: FeeConfig,
  problems: string[],
  overrides: Record<string, MarketOverrides> = {},
): MarketSpec | undefined {
  if (typeof symbol !== 'string' || !marketSymbols().includes(symbol.toUpperCase())) {
    problems.push(
      `${field}: must be a Drift perp market, e.g. ${tableSymbols().slice(0, 6).join(', ')} (got ${show(symbol)})`,
    );
    return undefined;
  }
  return getMarket(symbol, {
    ...overrides[symbol.toUpperCase()],
    takerFeeBps: fees.takerBps,
    makerFeeBps: fees.makerBps,
  });
}

/** Validates raw config data; throws ConfigError listing every problem. `source` names the file. */
export function parseBotConfig(raw: unknown, source: string): BotConfig {
  if (!isObject(raw)) throw new ConfigError(source, [`must be a mapping of settings (got ${show(raw)})`]);
  const problems: string[] = [];
  for (const k of Object.keys(raw)) {
    if (!BOT_CONFIG_KEYS.includes(k))
      problems.push(`${k}: unknown field (known: ${BOT_CONFIG_KEYS.join(', ')})`);
  }
  const { name, strategy, collateral } = raw;
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    problems.push(`name: required, 1–64 letters, digits, '.', '_' or '-' (got ${show(name)})`);
  }
  if (typeof collateral !== 'number' || !Number.isFinite(collateral) || collateral <= 0 || collateral > 1e9) {
    problems.push(`collateral: required, USDC > 0 and ≤ 1e9 (got ${show(collateral)})`);
  }
  const fees = parseFees(raw.fees, problems);
  const specs = parseMarketSpecOverrides(raw.marketSpec, problems);
  const execution = parseExecutionPolicy(raw.execution ?? {});
  if (!execution.ok) problems.push(...execution.errors);
  const risk = parseRiskLimits(raw.risk ?? {});
  if (!risk.ok) problems.push(...risk.errors);

  let result: BotConfig | undefined;
  if (strategy === 'grid') {
    if (raw.markets !== undefined) problems.push('markets: grid bots trade one market; use `market:`');
    if (raw.spread !== undefined) problems.push('spread: only for `strategy: spread`');
    if (raw.market === undefined)
      problems.push(
        `market: required for grid bots (a Drift perp market, e.g. ${tableSymbols().slice(0, 6).join(', ')})`,
      );
    const market =
      raw.market === undefined ? undefined : resolveMarket(raw.market, 'market', fees, problems, specs);
    const gridRaw = raw.grid === undefined ? {} : raw.grid;
    const auto = isObject(gridRaw) && gridRaw.baseSizePerLevel === undefined;
    const grid = parseGridParams(auto ? { ...gridRaw, baseSizePerLevel: 1 } : gridRaw);
    if (!grid.ok) problems.push(...grid.errors);
    if (market && grid.ok && execution.ok && risk.ok) {
      result = {
        name: name as string,
        strategy,
        collateral: collateral as number,
        markets: [market],
        grid: { ...grid.params, baseSizePerLevel: auto ? 'auto' : grid.params.baseSizePerLevel },
        execution: execution.policy,
        risk: risk.limits,
        fees,
      };
    }
  } else if (strategy === 'spread') {
    if (raw.market !== undefined)
      problems.push('market: spread bots trade two markets; use `markets: [DRIFT-PERP, KMNO-PERP]`');
    if (raw.grid !== undefined) problems.push('grid: only for `strategy: grid`');
    const list = raw.markets ?? SPREAD_MARKETS;
    const ok =
      Array.isArray(list) &&
      list.length === 2 &&
      SPREAD_MARKETS.every((m) => list.some((x) => typeof x === 'string' && x.toUpperCase() === m));
    if (!ok) problems.push(`markets: must be [DRIFT-PERP, KMNO-PERP] (got ${show(list)})`);
    const spreadRaw = raw.spread === undefined ? {} : raw.spread;
    const autoDrift = isObject(spreadRaw) && spreadRaw.driftQuantity === undefined;
    const autoKmno = isObject(spreadRaw) && spreadRaw.kmnoQuantity === undefined;
    const spread = parseSpreadParams(
      isObject(spreadRaw)
        ? {
            ...spreadRaw,
            driftQuantity: spreadRaw.driftQuantity ?? 1,
            kmnoQuantity: spreadRaw.kmnoQuantity ?? 1,
          }
        : spreadRaw,
    );
    if (!spread.ok) problems.push(...spread.errors);
    if (ok && spread.ok && execution.ok && risk.ok) {
      const markets = SPREAD_MARKETS.map(
        (m) => resolveMarket(m, 'markets', fees, problems, specs) as MarketSpec,
      );
      result = {
        name: name as string,
        strategy,
        collateral: collateral as number,
        markets,
        spread: {
          ...spread.params,
          driftQuantity: autoDrift ? 'auto' : spread.params.driftQuantity,
          kmnoQuantity: autoKmno ? 'auto' : spread.params.kmnoQuantity,
        },
        execution: execution.policy,
        risk: risk.limits,
        fees,
      };
    }
  } else {
    problems.push(`strategy: required, "grid" or "spread" (got ${show(strategy)})`);
  }
  if (problems.length > 0 || !result) throw new ConfigError(source, problems);
  return result;
}
