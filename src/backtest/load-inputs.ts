/**
 * Turns `--data [MARKET=]FILE` and `--funding [MARKET=]FILE` arguments into one merged event stream, checking
 * that every file belongs to a market the bot trades. A bare FILE goes to the bot's only market.
 */

import { UserError } from '../cli/user-error.ts';
import type { BarColumns } from '../data/bar-columns.ts';
import { type EventTape, loadMarketFile, type MarketEventInput, mergeEventTape } from '../data/index.ts';
import type { FundingRecord, LoadReport } from '../data/types.ts';
import { getMarket, type MarketSpec, marketSymbols } from '../domain/markets.ts';
import type { FileArg } from './file-arg.ts';

export { type FileArg, parseFileArg } from './file-arg.ts';

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

/**
 * Prices below the market's tick round to 0 in the venue: the backtest would run at a mark of 0 and fill
 * nothing. That is a file in other units (or for another market), not a market to trade.
 */
function checkPriceScale(path: string, bars: BarColumns, m: MarketSpec): void {
  const tick = Number(m.tickSize) / 1e6;
  let low = Number.POSITIVE_INFINITY;
  // an index loop: a for…of over the column made an iterator result per bar while the loop ran unoptimised
  const lows = bars.low;
  for (let i = 0; i < lows.length; i++) if (lows[i] < low) low = lows[i];
  if (low < tick) {
    throw new UserError(
      `--data ${path}: prices go down to ${low}, below ${m.symbol}'s tick ${tick}: prices in other units, or a file for another market?`,
    );
  }
}

/** A funding file that names its market must be for the market it is given to. */
function checkFundingMarket(path: string, report: LoadReport, m: MarketSpec): void {
  const said = report.market;
  if (said?.marketIndex !== undefined && said.marketIndex !== m.marketIndex) {
    const other = marketSymbols().find((s) => getMarket(s).marketIndex === said.marketIndex);
    throw new UserError(
      `--funding ${path}: the file is for market ${said.marketIndex}${other ? ` (${other})` : ''}, not ${m.symbol} (market ${m.marketIndex})`,
    );
  }
  const base = m.symbol.replace(/-PERP$/, '');
  if (said?.symbol !== undefined && !said.symbol.toUpperCase().startsWith(base)) {
    throw new UserError(`--funding ${path}: the file's symbol is ${said.symbol}, not one for ${m.symbol}`);
  }
}

/** A `--funding` file for `spec`'s market: its records and report (a price file, or another market's: UserError). */
export async function loadFundingFile(
  path: string,
  spec: MarketSpec,
): Promise<{ records: FundingRecord[]; report: LoadReport }> {
  const loaded = await loadMarketFile(path);
  if (loaded.kind === 'candles')
    throw new UserError(
      `--funding ${path}: this is a price file (${loaded.report.format}); pass it with --data`,
    );
  checkFundingMarket(path, loaded.report, spec);
  return { records: loaded.records, report: loaded.report };
}

export interface LoadedInputs {
  /** The merged stream by column (event-tape.ts); `toArray()` where event objects are needed. */
  events: EventTape;
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
      const spec = markets.find((m) => m.symbol === market) as MarketSpec;
      if (flag === '--funding') {
        const funding = await loadFundingFile(arg.path, spec);
        reports.push(funding.report);
        fundingGiven = true;
        inputs.push({ market, funding: funding.records });
        continue;
      }
      const loaded = await loadMarketFile(arg.path);
      reports.push(loaded.report);
      if (loaded.kind !== 'candles')
        throw new UserError(
          `--data ${arg.path}: this is a funding file (${loaded.report.format}); pass it with --funding`,
        );
      checkPriceScale(arg.path, loaded.bars, spec);
      inputs.push({ market, bars: loaded.bars, intervalMs: loaded.report.intervalMs || undefined });
    }
  }
  for (const m of markets) {
    if (!inputs.some((i) => i.market === m.symbol && i.bars)) {
      throw new UserError(`no price data for ${m.symbol}: add --data ${m.symbol}=FILE`);
    }
  }
  return { events: mergeEventTape(inputs), reports, fundingGiven };
}
