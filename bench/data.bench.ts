/**
 * Data loader speed: rows per second parsing the shipped SOL 1-minute file (date-time timestamps) and a
 * generated year of 1-minute bars (525,600 rows, epoch-ms timestamps) written to a temp file, plus the
 * end-to-end time to load that year through format detection.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGenericCsv, generateCandles, loadMarketFile, parseGenericOhlcv } from '../src/data/index.ts';

const SOL = fileURLToPath(new URL('../data/binance/SOLUSDT-spot-1m-2025-03.csv', import.meta.url));
const YEAR_OF_MINUTES = 525_600;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median wall time in ms of `runs` calls after one warm-up call. */
function time(runs: number, fn: () => void): number {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function run(): Promise<{ name: string; value: number; unit: string }[]> {
  const solText = readFileSync(SOL, 'utf8');
  const solRows = parseGenericOhlcv(solText, SOL).report.rows;
  const solMs = time(5, () => parseGenericOhlcv(solText, SOL));

  const dir = mkdtempSync(join(tmpdir(), 'zero-perps-bench-'));
  try {
    const file = join(dir, 'year-1m.csv');
    writeFileSync(file, formatGenericCsv(generateCandles(YEAR_OF_MINUTES, { seed: 1 })));
    const yearText = readFileSync(file, 'utf8');
    const yearMs = time(3, () => parseGenericOhlcv(yearText, file));
    const t0 = performance.now();
    const loaded = await loadMarketFile(file);
    const loadMs = performance.now() - t0;
    if (loaded.kind !== 'candles' || loaded.bars.toCandles().length !== YEAR_OF_MINUTES) {
      throw new Error(`expected ${YEAR_OF_MINUTES} candles from ${file}`);
    }
    return [
      { name: 'sol-1m-csv-parse', value: (solRows / solMs) * 1000, unit: 'rows/s' },
      { name: 'year-1m-csv-parse', value: (YEAR_OF_MINUTES / yearMs) * 1000, unit: 'rows/s' },
      { name: 'year-1m-csv-load', value: loadMs, unit: 'ms' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
