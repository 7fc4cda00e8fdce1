/**
 * Turns `--data [MARKET=]FILE` and `--funding [MARKET=]FILE` arguments into one merged event stream, checking
 * that every file belongs to a market the bot trades. A bare FILE goes to the bot's only market.
 */

import { UserError } from '../cli/user-error.ts';
import { loadMarketFile, type MarketEventInput, mergeMarketEvents } from '../data/index.ts';
import type { LoadReport, MarketEvent } from '../data/types.ts';
import type { MarketSpec } from '../domain/markets.ts';

export interface FileArg {
  market: string | undefined;
  path: string;
}

/** `SOL-PERP=file.csv` → {market, path}; a path that merely contains '=' elsewhere stays a path. */
export function parseFileArg(arg: string): FileArg {
  const m = /^([A-Za-z0-9]+-PERP)=(.+)$/i.exec(arg);
  return m ? { market: m[1].toUpperCase(), path: m[2] } : { market: undefined, path: arg };
}

function marketFor(arg: FileArg, markets: readonly MarketSpec[], flag: string): string {
  if (arg.market) {
    if (!markets.some((m) => m.symbol === arg.market)) {
      throw new UserError(
        `${flag} ${arg.market}=${arg.path}: the config does not trade ${arg.market} (it trades ${markets.map((m) => m.symbol).join(', ')})`,
      );
    }
    return arg.market;
  }
  if (markets.length !== 1) {
    throw new UserError(
      `${flag} ${arg.path}: this bot trades ${markets.map((m) => m.symbol).join(' and ')}; say which market the file is for, e.g. ${flag} ${markets[0].symbol}=${arg.path}`,
    );
  }
  return markets[0].symbol;
}

export interface LoadedInputs {
  events: MarketEvent[];
  reports: LoadReport[];
  fundingGiven: boolean;
}

export async function loadBacktestInputs(
  data: readonly FileArg[],
  funding: readonly FileArg[],
  markets: readonly MarketSpec[],
): Promise<LoadedInputs> {
  if (data.length === 0)
    throw new UserError('--data is required (a price file for each market the bot trades)');
  const inputs: MarketEventInput[] = [];
  const reports: LoadReport[] = [];
  let fundingGiven = false;
  for (const [flag, args] of [
    ['--data', data],
    ['--funding', funding],
  ] as const) {
    for (const arg of args) {
      const market = marketFor(arg, markets, flag);
      const loaded = await loadMarketFile(arg.path);
      reports.push(loaded.report);
      if (loaded.kind === 'candles') {
        if (flag === '--funding')
          throw new UserError(
            `--funding ${arg.path}: this is a price file (${loaded.report.format}); pass it with --data`,
          );
        inputs.push({ market, candles: loaded.candles, intervalMs: loaded.report.intervalMs || undefined });
      } else {
        fundingGiven = true;
        inputs.push({ market, funding: loaded.records });
      }
    }
  }
  for (const m of markets) {
    if (!inputs.some((i) => i.market === m.symbol && i.candles)) {
      throw new UserError(`no price data for ${m.symbol}: add --data ${m.symbol}=FILE`);
    }
  }
  return { events: mergeMarketEvents(inputs), reports, fundingGiven };
}
