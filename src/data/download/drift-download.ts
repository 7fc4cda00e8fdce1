/**
 * Drift's public candle and funding records, as the shipped data/drift files were fetched (sources.ts).
 * Candles come in windows of 2,000; each window is kept in DIR/.parts/ as it arrives, so an interrupted
 * download resumes with the windows still missing. The final file is `{"candles": [...]}` in window order
 * (overlapping window edges repeat a candle, exactly like the shipped files; the loader drops repeats).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../cli/user-error.ts';
import { loadMarketFile } from '../index.ts';
import type { LoadReport } from '../types.ts';
import { httpGet } from './http-get.ts';
import { DRIFT_CANDLES_PER_REQUEST, driftCandlesUrl, driftFundingUrl, resolutionMs } from './sources.ts';
import { writeAtomic } from './write-atomic.ts';

export interface DownloadResult {
  file: string;
  requests: number;
  reused: number;
  report: LoadReport;
}

export interface DriftCandlesOptions {
  base: string;
  market: string;
  marketIndex: number;
  resolution: string;
  from: number;
  to: number;
  out: string;
  backoffMs?: number;
  onProgress?: (done: number, total: number) => void;
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

function candlesOf(text: string, url: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UserError(`${url}: the answer is not JSON`);
  }
  const candles = (body as { candles?: unknown }).candles;
  if (!Array.isArray(candles)) throw new UserError(`${url}: the answer has no "candles" array`);
  return candles;
}

export async function downloadDriftCandles(o: DriftCandlesOptions): Promise<DownloadResult> {
  const step = DRIFT_CANDLES_PER_REQUEST * resolutionMs(o.resolution);
  const parts = join(o.out, '.parts');
  mkdirSync(parts, { recursive: true });
  const windows: [number, number][] = [];
  for (let t = o.from; t < o.to; t += step) windows.push([t, Math.min(t + step, o.to)]);
  let requests = 0;
  let reused = 0;
  const all: unknown[] = [];
  for (const [i, [from, to]] of windows.entries()) {
    const part = join(parts, `${o.market}-${o.resolution}-${from}-${to}.json`);
    const url = driftCandlesUrl(o.base, o.marketIndex, o.resolution, from, to);
    let text: string;
    if (existsSync(part)) {
      text = readFileSync(part, 'utf8');
      reused++;
    } else {
      text = (await httpGet(url, { backoffMs: o.backoffMs })).toString('utf8');
      candlesOf(text, url); // refuse to keep an answer that is not candles
      writeAtomic(part, text);
      requests++;
    }
    all.push(...candlesOf(text, part));
    o.onProgress?.(i + 1, windows.length);
  }
  if (all.length === 0)
    throw new UserError(`${o.market}: Drift has no candles between ${day(o.from)} and ${day(o.to)}`);
  const file = join(o.out, `${o.market.toLowerCase()}-${o.resolution}-${day(o.from)}-${day(o.to)}.json`);
  writeAtomic(file, `${JSON.stringify({ candles: all }, null, 2)}\n`);
  return { file, requests, reused, report: await validate(file, 'candles') };
}

export async function downloadDriftFunding(o: {
  base: string;
  market: string;
  out: string;
  backoffMs?: number;
}): Promise<DownloadResult> {
  mkdirSync(o.out, { recursive: true });
  const url = driftFundingUrl(o.base, o.market);
  const text = (await httpGet(url, { backoffMs: o.backoffMs })).toString('utf8');
  const file = join(o.out, `${o.market.toLowerCase()}-funding.json`);
  writeAtomic(file, text);
  return { file, requests: 1, reused: 0, report: await validate(file, 'funding') };
}

/** The file must load with the same loaders the backtest uses, as the kind expected. */
export async function validate(file: string, kind: 'candles' | 'funding'): Promise<LoadReport> {
  const loaded = await loadMarketFile(file);
  if (loaded.kind !== kind)
    throw new UserError(`${file}: downloaded, but it reads as ${loaded.kind}, not ${kind}`);
  return loaded.report;
}
