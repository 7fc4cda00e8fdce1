/**
 * Sanity rules every candle must pass before it reaches a backtest: a bar whose high is below its low, or a
 * non-positive price, is a broken file, and trading on it would give meaningless fills.
 */
import type { Candle } from './types.ts';

function ohlcProblem(
  prefix: string,
  open: number,
  high: number,
  low: number,
  close: number,
): string | undefined {
  // Fast path first: half a million rows go through here, so build no arrays or text for sound bars.
  if (
    low > 0 &&
    high >= low &&
    open >= low &&
    open <= high &&
    close >= low &&
    close <= high &&
    high < Infinity
  ) {
    return undefined;
  }
  const names =
    prefix === ''
      ? ['open', 'high', 'low', 'close']
      : ['Open', 'High', 'Low', 'Close'].map((n) => prefix + n);
  const values = [open, high, low, close];
  for (let i = 0; i < 4; i++) {
    if (!Number.isFinite(values[i])) return `${names[i]} is not a number: ${values[i]}`;
    if (values[i] <= 0) return `${names[i]} must be a positive price, got ${values[i]}`;
  }
  if (high < low) return `${names[1]} ${high} is below ${names[2]} ${low}`;
  if (open < low || open > high)
    return `${names[0]} ${open} is outside [${names[2]} ${low}, ${names[1]} ${high}]`;
  return `${names[3]} ${close} is outside [${names[2]} ${low}, ${names[1]} ${high}]`;
}

/** The first rule a bar's trade figures break (candleProblem's first checks), or undefined when they are sound. */
export function tradeProblem(
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string | undefined {
  const trade = ohlcProblem('', open, high, low, close);
  if (trade) return trade;
  if (!Number.isFinite(volume)) return `volume is not a number: ${volume}`;
  if (volume < 0) return `volume must not be negative, got ${volume}`;
  return undefined;
}

/** The first rule a candle breaks, as a sentence for the user, or undefined when it is sound. */
export function candleProblem(c: Candle): string | undefined {
  const trade = tradeProblem(c.open, c.high, c.low, c.close, c.volume);
  if (trade) return trade;
  if (c.oracleOpen !== undefined && c.oracleHigh !== undefined && c.oracleLow !== undefined) {
    const oracle = ohlcProblem(
      'oracle',
      c.oracleOpen,
      c.oracleHigh,
      c.oracleLow,
      c.oracleClose ?? Number.NaN,
    );
    if (oracle) return oracle;
  } else if (c.oracleClose !== undefined && !(c.oracleClose > 0)) {
    return `oracle must be a positive price, got ${c.oracleClose}`;
  }
  if (c.fundingRate !== undefined && !Number.isFinite(c.fundingRate)) {
    return `funding rate is not a number: ${c.fundingRate}`;
  }
  return undefined;
}
