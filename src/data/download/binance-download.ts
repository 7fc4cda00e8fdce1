/**
 * Binance's public USD-M futures dumps (sources.ts): one zip per month, checked against its .CHECKSUM
 * (sha256), unpacked to DIR/SYM-INTERVAL-YYYY-MM.csv (klines) or DIR/SYM-fundingRate-YYYY-MM.csv. A month whose
 * CSV is already there is skipped, so a re-run resumes. Each CSV is validated with the backtest's loaders.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { UserError } from '../../cli/user-error.ts';
import { type DownloadResult, validate } from './drift-download.ts';
import { httpGet } from './http-get.ts';
import { binanceFundingUrl, binanceKlinesUrl, monthsBetween } from './sources.ts';
import { writeAtomic } from './write-atomic.ts';

export interface BinanceOptions {
  base: string;
  kind: 'klines' | 'funding';
  symbol: string;
  /** Klines only, e.g. 1m, 15m, 1h. */
  interval?: string;
  fromMonth: string;
  toMonth: string;
  out: string;
  backoffMs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** sha256 of the zip against the sidecar's first field (`<hex>  <file name>`). */
export function checkSum(zip: Uint8Array, sidecar: string, url: string): void {
  const expected = sidecar.trim().split(/\s+/)[0]?.toLowerCase();
  const actual = createHash('sha256').update(zip).digest('hex');
  if (!expected || !/^[0-9a-f]{64}$/.test(expected))
    throw new UserError(`${url}.CHECKSUM: not a sha256 checksum`);
  if (expected !== actual) {
    throw new UserError(
      `${url}: checksum mismatch (expected ${expected}, got ${actual}); run again to re-download`,
    );
  }
}

function singleCsv(zip: Uint8Array, url: string): Uint8Array {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (err) {
    throw new UserError(`${url}: not a readable zip (${(err as Error).message})`);
  }
  const csv = Object.entries(files).filter(([name]) => name.toLowerCase().endsWith('.csv'));
  if (csv.length !== 1) throw new UserError(`${url}: expected one CSV in the zip, found ${csv.length}`);
  return csv[0][1];
}

export async function downloadBinance(o: BinanceOptions): Promise<DownloadResult[]> {
  mkdirSync(o.out, { recursive: true });
  const months = monthsBetween(o.fromMonth, o.toMonth);
  const out: DownloadResult[] = [];
  for (const [i, month] of months.entries()) {
    const name =
      o.kind === 'klines' ? `${o.symbol}-${o.interval}-${month}.csv` : `${o.symbol}-fundingRate-${month}.csv`;
    const file = join(o.out, name);
    let requests = 0;
    let reused = 0;
    if (existsSync(file)) {
      reused = 1;
    } else {
      const url =
        o.kind === 'klines'
          ? binanceKlinesUrl(o.base, o.symbol, o.interval as string, month)
          : binanceFundingUrl(o.base, o.symbol, month);
      const zip = await httpGet(url, { backoffMs: o.backoffMs });
      const sidecar = (await httpGet(`${url}.CHECKSUM`, { backoffMs: o.backoffMs })).toString('utf8');
      requests = 2;
      checkSum(zip, sidecar, url);
      writeAtomic(file, singleCsv(zip, url));
    }
    let report: DownloadResult['report'];
    try {
      report = await validate(file, o.kind === 'klines' ? 'candles' : 'funding');
    } catch (err) {
      unlinkSync(file); // not kept: a re-run must not skip a file the loaders cannot read
      throw err;
    }
    out.push({ file, requests, reused, report });
    o.onProgress?.(i + 1, months.length);
  }
  return out;
}
