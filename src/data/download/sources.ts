/**
 * Where the public market data lives (docs/data.md cites where each pattern was found):
 *
 * - Drift candles:  GET {drift-api}/tv/history?marketIndex=I&marketType=perp&resolution=R&from=MS&to=MS
 *                   → {"candles":[{start, fillOpen…, oracleOpen…, baseVolume…}]}; the shipped Drift price files
 *                   were fetched this way, in windows of 2,000 candles.
 * - Drift funding:  GET {drift-data-api}/fundingRates?marketName=SYMBOL → {"fundingRates":[…]} (last 30 days).
 * - Binance USD-M:  {binance-vision}/data/futures/um/monthly/klines/SYM/INTERVAL/SYM-INTERVAL-YYYY-MM.zip
 *                   {binance-vision}/data/futures/um/monthly/fundingRate/SYM/SYM-fundingRate-YYYY-MM.zip
 *                   each with a `.CHECKSUM` beside it (sha256, as `sha256sum` prints it).
 */

export const DEFAULT_BASES = {
  drift: 'https://mainnet-beta.api.drift.trade',
  driftData: 'https://data.api.drift.trade',
  binance: 'https://data.binance.vision',
} as const;

export type Bases = { drift: string; driftData: string; binance: string };

/** Candles per Drift request (the window size the shipped files were fetched with). */
export const DRIFT_CANDLES_PER_REQUEST = 2000;

const trim = (b: string) => b.replace(/\/+$/, '');

export function driftCandlesUrl(
  base: string,
  marketIndex: number,
  resolution: string,
  from: number,
  to: number,
): string {
  const q = new URLSearchParams({
    marketIndex: String(marketIndex),
    marketType: 'perp',
    resolution,
    from: String(from),
    to: String(to),
  });
  return `${trim(base)}/tv/history?${q}`;
}

export const driftFundingUrl = (base: string, symbol: string): string =>
  `${trim(base)}/fundingRates?${new URLSearchParams({ marketName: symbol })}`;

export const binanceKlinesUrl = (base: string, symbol: string, interval: string, month: string): string =>
  `${trim(base)}/data/futures/um/monthly/klines/${symbol}/${interval}/${symbol}-${interval}-${month}.zip`;

export const binanceFundingUrl = (base: string, symbol: string, month: string): string =>
  `${trim(base)}/data/futures/um/monthly/fundingRate/${symbol}/${symbol}-fundingRate-${month}.zip`;

/** Drift's resolutions (minutes, or D/W/M) → milliseconds per candle. */
export function resolutionMs(resolution: string): number {
  const minutes: Record<string, number> = {
    '1': 1,
    '5': 5,
    '15': 15,
    '60': 60,
    '240': 240,
    D: 1440,
    W: 10080,
  };
  const m = minutes[resolution];
  if (m === undefined)
    throw new RangeError(`unknown Drift resolution ${resolution} (1, 5, 15, 60, 240, D, W)`);
  return m * 60_000;
}

/** Months "YYYY-MM" from `from` to `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const parse = (s: string) => {
    const m = /^(\d{4})-(\d{2})$/.exec(s);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`${s}: not a month (YYYY-MM)`);
    return Number(m[1]) * 12 + Number(m[2]) - 1;
  };
  const a = parse(from);
  const b = parse(to);
  if (b < a) throw new RangeError(`${to} is before ${from}`);
  const out: string[] = [];
  for (let k = a; k <= b; k++) out.push(`${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`);
  return out;
}
