/**
 * Writes candles as generic OHLCV CSV (the format `loadGenericOhlcv` reads): timestamp in epoch ms, numbers in
 * JavaScript's shortest round-trip form, so write → read gives back the same numbers exactly. The optional
 * `oracle` and `funding_rate` columns appear only when some candle has them; missing values are empty cells.
 */
import type { Candle } from './types.ts';

export function formatGenericCsv(candles: readonly Candle[]): string {
  const withOracle = candles.some((c) => c.oracleClose !== undefined);
  const withFunding = candles.some((c) => c.fundingRate !== undefined);
  let header = 'timestamp,open,high,low,close,volume';
  if (withOracle) header += ',oracle';
  if (withFunding) header += ',funding_rate';
  const out: string[] = new Array(candles.length + 1);
  out[0] = header;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i];
    // Epoch ms below 1e11 would read back as seconds (the reader tells units by magnitude): write ISO there.
    const ts = c.ts >= 1e11 || !Number.isInteger(c.ts) ? c.ts : new Date(c.ts).toISOString();
    let row = `${ts},${c.open},${c.high},${c.low},${c.close},${c.volume}`;
    if (withOracle) row += `,${c.oracleClose ?? ''}`;
    if (withFunding) row += `,${c.fundingRate ?? ''}`;
    out[i + 1] = row;
  }
  return `${out.join('\n')}\n`;
}
