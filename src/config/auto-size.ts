/**
 * Sizes left as 'auto' in a bot config, resolved from the first price the bot sees:
 * - grid: the full ladder on one side (levels × baseSizePerLevel) is worth the collateral (1× notional);
 * - spread (only when a quantity is `auto`, asked for explicitly; the defaults are the seed's 100 / 1000): each
 *   leg is worth a quarter of the collateral. The runner fixes the resolved numbers in the bot's objective at
 *   once, so the sizes are chosen once and a restart after a price move keeps them.
 * Sizes go down onto the market's step and never below its minimum order size.
 */

import type { MarketSpec } from '../domain/markets.ts';
import { baseToNumber } from '../domain/precision.ts';
import { sizeOnStep } from '../domain/rounding.ts';
import type { GridParams } from '../strategies/grid/params.ts';
import type { SpreadParams } from '../strategies/spread/params.ts';
import type { GridBotConfig, SpreadBotConfig } from './bot-config.ts';

function fit(value: number, market: MarketSpec): number {
  const s = sizeOnStep(value, market.stepSize);
  return baseToNumber(s < market.minOrderSize ? market.minOrderSize : s);
}

export function resolveGridSize(config: GridBotConfig, price: number): GridParams {
  const { grid } = config;
  if (grid.baseSizePerLevel !== 'auto') return { ...grid, baseSizePerLevel: grid.baseSizePerLevel };
  return { ...grid, baseSizePerLevel: fit(config.collateral / (grid.levels * price), config.markets[0]) };
}

export function resolveSpreadSizes(
  config: SpreadBotConfig,
  driftPrice: number,
  kmnoPrice: number,
): SpreadParams {
  const { spread } = config;
  const [drift, kmno] = config.markets;
  return {
    ...spread,
    driftQuantity:
      spread.driftQuantity === 'auto' ? fit(config.collateral / 4 / driftPrice, drift) : spread.driftQuantity,
    kmnoQuantity:
      spread.kmnoQuantity === 'auto' ? fit(config.collateral / 4 / kmnoPrice, kmno) : spread.kmnoQuantity,
  };
}
