/**
 * `marketSpec:` in a bot config: per-market overrides of the spec table, keyed by symbol, in trader units:
 *   marketSpec: { ETH-PERP: { tickSize: 0.01, stepSize: 0.001, minOrderSize: 0.001,
 *                              marginRatioInitial: 0.05, marginRatioMaintenance: 0.03, imfFactor: 0.0005 } }
 * tickSize in USD; stepSize / minOrderSize in base units; margin ratios and imfFactor as fractions
 * (0.05 = 5% = 20x). Paper and backtests use them; live mode reads the chain's values instead.
 */
import type { ContractTier, MarketOverrides } from '../domain/markets.ts';
import { marketSymbols } from '../domain/markets.ts';
import { BASE_PRECISION, PRICE_PRECISION } from '../domain/precision.ts';

const TIERS: ContractTier[] = ['A', 'B', 'C', 'Speculative', 'HighlySpeculative', 'Isolated'];
const FIELDS = [
  'tickSize',
  'stepSize',
  'minOrderSize',
  'marginRatioInitial',
  'marginRatioMaintenance',
  'imfFactor',
  'contractTier',
] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Units → integers on Drift's precisions, exactly (decimal text, not float products). */
function scaled(v: number, precision: bigint): bigint | undefined {
  if (!Number.isFinite(v) || v <= 0) return undefined;
  const [int, frac = ''] = v.toFixed(12).split('.');
  const digits = precision.toString().length - 1;
  if (/[1-9]/.test(frac.slice(digits))) return undefined; // finer than the precision
  return BigInt(int) * precision + BigInt((frac + '0'.repeat(digits)).slice(0, digits) || '0');
}

export function parseMarketSpecOverrides(
  input: unknown,
  problems: string[],
): Record<string, MarketOverrides> {
  if (input === undefined) return {};
  if (!isObject(input)) {
    problems.push('marketSpec: must map market symbols to overrides, e.g. {ETH-PERP: {tickSize: 0.01}}');
    return {};
  }
  const out: Record<string, MarketOverrides> = {};
  for (const [symbol, raw] of Object.entries(input)) {
    const key = symbol.toUpperCase();
    const at = `marketSpec.${symbol}`;
    if (!marketSymbols().includes(key)) {
      problems.push(`${at}: not a Drift perp market`);
      continue;
    }
    if (!isObject(raw)) {
      problems.push(`${at}: must be a mapping of ${FIELDS.join(', ')}`);
      continue;
    }
    const o: MarketOverrides = {};
    for (const [k, v] of Object.entries(raw)) {
      const bad = (what: string) => problems.push(`${at}.${k}: ${what} (got ${JSON.stringify(v)})`);
      switch (k) {
        case 'tickSize': {
          const x = typeof v === 'number' ? scaled(v, PRICE_PRECISION) : undefined;
          if (x === undefined) bad('a price step in USD > 0, at most 6 decimals');
          else o.tickSize = x;
          break;
        }
        case 'stepSize':
        case 'minOrderSize': {
          const x = typeof v === 'number' ? scaled(v, BASE_PRECISION) : undefined;
          if (x === undefined) bad('a size in base units > 0, at most 9 decimals');
          else o[k] = x;
          break;
        }
        case 'marginRatioInitial':
        case 'marginRatioMaintenance': {
          if (typeof v !== 'number' || !(v > 0 && v <= 1)) bad('a fraction in (0, 1], e.g. 0.05 for 5%');
          else o[k] = Math.round(v * 10_000);
          break;
        }
        case 'imfFactor': {
          if (typeof v !== 'number' || !(v >= 0 && v <= 1)) bad('a fraction in [0, 1], e.g. 0.0005');
          else o.imfFactor = Math.round(v * 1_000_000);
          break;
        }
        case 'contractTier':
          if (typeof v !== 'string' || !TIERS.includes(v as ContractTier)) bad(`one of ${TIERS.join(', ')}`);
          else o.contractTier = v as ContractTier;
          break;
        default:
          problems.push(`${at}.${k}: unknown field (known: ${FIELDS.join(', ')})`);
      }
    }
    if (
      o.marginRatioInitial !== undefined &&
      o.marginRatioMaintenance !== undefined &&
      o.marginRatioMaintenance > o.marginRatioInitial
    ) {
      problems.push(`${at}: marginRatioMaintenance must not exceed marginRatioInitial`);
    }
    out[key] = o;
  }
  return out;
}
