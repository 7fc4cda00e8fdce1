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
import { baseToNumber } from '../domain/precision.ts';
import { type ExecutionPolicy, parseExecutionPolicy } from '../execution/policy.ts';
import { parseRiskLimits, type RiskLimits } from '../risk/limits.ts';
import { type GridParams, parseGridParams } from '../strategies/grid/params.ts';
import { parseSpreadParams, type SpreadParams } from '../strategies/spread/params.ts';
import { ConfigError } from './config-error.ts';
import { parseMarketSpecOverrides } from './market-spec.ts';
import {
  botNameSchema,
  collateralSchema,
  DEFAULT_FEES,
  feesSchema,
  NAME_RULE,
  SPREAD_MARKETS,
} from './schema.ts';

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
  /**
   * driftQuantity / kmnoQuantity default to the seed's 100 / 1000; `auto` (asked for explicitly) sizes each leg
   * at a quarter of the collateral from the first prices, and the runner then fixes the numbers in the bot's
   * objective so a restart never re-sizes a held pair (see resolveSpreadSizes).
   */
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

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  // JSON would print NaN and Infinity (YAML's .nan, .inf) as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // BigInt and cyclic values cannot be JSON: describe them rather than crash while reporting the problem.
    return typeof v === 'bigint' ? `${v}n` : Object.prototype.toString.call(v);
  }
};
/** A size left out, or written as 'auto': sized from the collateral at the first price. */
const isAuto = (v: unknown): boolean => v === undefined || v === 'auto';
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseFees(input: unknown, problems: string[]): FeeConfig {
  if (input === undefined) return { ...DEFAULT_FEES };
  if (!isObject(input)) {
    problems.push(`fees: must be an object {takerBps, makerBps} (got ${show(input)})`);
    return { ...DEFAULT_FEES };
  }
  const r = feesSchema.safeParse(input);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    const key = issue.path[0];
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) problems.push(`fees.${k}: unknown field (known: takerBps, makerBps)`);
    } else if (key === undefined) {
      problems.push(`fees: ${issue.message} (got ${show(input.takerBps)} + ${show(input.makerBps)})`);
    } else {
      problems.push(`fees.${String(key)}: ${issue.message} (got ${show(input[key as string])})`);
    }
  }
  return { ...DEFAULT_FEES };
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

export const belowMinOrder = (size: number, market: MarketSpec): boolean =>
  BigInt(Math.round(size * 1e9)) < market.minOrderSize;

/**
 * A size below the market's minimum order can never be placed: the bot would run and trade nothing (a
 * backtest with 0 fills and no word why). Sizes left 'auto' are sized at or above the minimum.
 */
function checkOrderSizes(c: BotConfig, problems: string[]): void {
  const check = (field: string, size: number | 'auto', market: MarketSpec | undefined) => {
    if (size === 'auto' || !market) return;
    if (belowMinOrder(size, market)) {
      problems.push(
        `${field}: must be at least ${market.symbol}'s minimum order size ${baseToNumber(market.minOrderSize)}, or left out for 'auto' (got ${size}: no order could ever be placed)`,
      );
    }
  };
  if (c.strategy === 'grid') check('grid.baseSizePerLevel', c.grid.baseSizePerLevel, c.markets[0]);
  else {
    check(
      'spread.driftQuantity',
      c.spread.driftQuantity,
      c.markets.find((m) => m.symbol === 'DRIFT-PERP'),
    );
    check(
      'spread.kmnoQuantity',
      c.spread.kmnoQuantity,
      c.markets.find((m) => m.symbol === 'KMNO-PERP'),
    );
  }
}

/** Validates raw config data; throws ConfigError listing every problem. `source` names the file. */
export function parseBotConfig(raw: unknown, source: string): BotConfig {
  if (raw === null || raw === undefined)
    throw new ConfigError(source, ['holds no settings (name, strategy, market, collateral, …)']);
  if (!isObject(raw)) throw new ConfigError(source, [`must be a mapping of settings (got ${show(raw)})`]);
  const problems: string[] = [];
  for (const k of Object.keys(raw)) {
    if (!BOT_CONFIG_KEYS.includes(k))
      problems.push(`${k}: unknown field (known: ${BOT_CONFIG_KEYS.join(', ')})`);
  }
  const { name, strategy, collateral } = raw;
  if (!botNameSchema.safeParse(name).success) {
    problems.push(`name: required, ${NAME_RULE} (got ${show(name)})`);
  }
  if (!collateralSchema.safeParse(collateral).success) {
    problems.push(`collateral: required, USDC > 0 and ≤ 1e9 (got ${show(collateral)})`);
  }
  const fees = parseFees(raw.fees, problems);
  const specs = parseMarketSpecOverrides(raw.marketSpec, problems);
  const execution = parseExecutionPolicy(raw.execution ?? {});
  if (!execution.ok) problems.push(...execution.errors);
  const risk = parseRiskLimits(raw.risk ?? {});
  if (!risk.ok) problems.push(...risk.errors);

  const shared: SharedSections = { name, collateral, fees, specs, execution, risk };
  let result: BotConfig | undefined;
  if (strategy === 'grid') {
    result = parseGridBotConfig(raw, shared, problems);
  } else if (strategy === 'spread') {
    result = parseSpreadBotConfig(raw, shared, problems);
  } else {
    problems.push(`strategy: required, "grid" or "spread" (got ${show(strategy)})`);
  }
  if (result) checkOrderSizes(result, problems);
  if (problems.length > 0 || !result) throw new ConfigError(source, problems);
  return result;
}

/** The sections both strategies share, as parsed (name and collateral as given: checked already). */
interface SharedSections {
  name: unknown;
  collateral: unknown;
  fees: FeeConfig;
  specs: Record<string, MarketOverrides>;
  execution: ReturnType<typeof parseExecutionPolicy>;
  risk: ReturnType<typeof parseRiskLimits>;
}

/** A grid bot's own fields: one `market`, the `grid` section (its size may be 'auto'). */
function parseGridBotConfig(
  raw: Record<string, unknown>,
  { name, collateral, fees, specs, execution, risk }: SharedSections,
  problems: string[],
): GridBotConfig | undefined {
  if (raw.markets !== undefined) problems.push('markets: grid bots trade one market; use `market:`');
  if (raw.spread !== undefined) problems.push('spread: only for `strategy: spread`');
  if (raw.market === undefined)
    problems.push(
      `market: required for grid bots (a Drift perp market, e.g. ${tableSymbols().slice(0, 6).join(', ')})`,
    );
  const market =
    raw.market === undefined ? undefined : resolveMarket(raw.market, 'market', fees, problems, specs);
  const gridRaw = raw.grid === undefined ? {} : raw.grid;
  const auto = isObject(gridRaw) && isAuto(gridRaw.baseSizePerLevel);
  const grid = parseGridParams(auto ? { ...gridRaw, baseSizePerLevel: 1 } : gridRaw);
  if (!grid.ok) problems.push(...grid.errors);
  if (!(market && grid.ok && execution.ok && risk.ok)) return undefined;
  return {
    name: name as string,
    strategy: 'grid',
    collateral: collateral as number,
    markets: [market],
    grid: { ...grid.params, baseSizePerLevel: auto ? 'auto' : grid.params.baseSizePerLevel },
    execution: execution.policy,
    risk: risk.limits,
    fees,
  };
}

/** A spread bot's own fields: `markets` (DRIFT-PERP and KMNO-PERP), the `spread` section (legs may be 'auto'). */
function parseSpreadBotConfig(
  raw: Record<string, unknown>,
  { name, collateral, fees, specs, execution, risk }: SharedSections,
  problems: string[],
): SpreadBotConfig | undefined {
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
  // Spread legs have seed defaults (100 / 1000): only an explicit 'auto' sizes them from the price.
  const autoDrift = isObject(spreadRaw) && spreadRaw.driftQuantity === 'auto';
  const autoKmno = isObject(spreadRaw) && spreadRaw.kmnoQuantity === 'auto';
  const spread = parseSpreadParams(
    isObject(spreadRaw)
      ? {
          ...spreadRaw,
          ...(autoDrift ? { driftQuantity: 1 } : {}),
          ...(autoKmno ? { kmnoQuantity: 1 } : {}),
        }
      : spreadRaw,
  );
  if (!spread.ok) problems.push(...spread.errors);
  if (!(ok && spread.ok && execution.ok && risk.ok)) return undefined;
  const markets = SPREAD_MARKETS.map((m) => resolveMarket(m, 'markets', fees, problems, specs) as MarketSpec);
  return {
    name: name as string,
    strategy: 'spread',
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
