/**
 * Decision-layer speed on the shipped SOL 1-minute data (44,640 bars): blended percentile range updates and
 * grid decisions per second. Prints figures; asserts nothing (DESIGN.md §1.6).
 * Run alone: `npx node bench/decision.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Candle } from '../src/data/types.ts';
import { MARKETS } from '../src/domain/markets.ts';
import { BlendedRange } from '../src/marketdata/blended-range.ts';
import { PercentileWindow } from '../src/marketdata/percentile-window.ts';
import type { RollingWindow } from '../src/marketdata/rolling-window.ts';
import { MarketSnapshotBuilder } from '../src/marketdata/snapshot-builder.ts';
import { TailWindow } from '../src/marketdata/tail-window.ts';
import { mustParseGridParams } from '../src/strategies/grid/params.ts';
import { decideGrid, initialGridState } from '../src/strategies/grid/strategy.ts';

const SOL_1M = fileURLToPath(new URL('../data/binance/SOLUSDT-spot-1m-2025-03.csv', import.meta.url));
const MINUTE = 60_000;

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

/** Minimal parse of `timestamp,open,high,low,close,volume` with `YYYY-MM-DD HH:MM:SS` UTC times. */
function loadSol(): { ts: Float64Array; close: Float64Array } {
  const lines = readFileSync(SOL_1M, 'utf8').split('\n');
  const ts: number[] = [];
  const close: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const f = line.split(',');
    const t = f[0];
    ts.push(
      Date.UTC(
        +t.slice(0, 4),
        +t.slice(5, 7) - 1,
        +t.slice(8, 10),
        +t.slice(11, 13),
        +t.slice(14, 16),
        +t.slice(17, 19),
      ),
    );
    close.push(Number(f[4]));
  }
  return { ts: Float64Array.from(ts), close: Float64Array.from(close) };
}

/** Runs `body(rep)` until at least `minMs` have passed; returns bars processed per second. */
function measure(bars: number, minMs: number, body: (rep: number) => void): number {
  body(0); // warm-up pass (JIT)
  let reps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    body(++reps);
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (bars * reps) / (elapsed / 1000);
}

export async function run(): Promise<BenchResult[]> {
  const { ts, close } = loadSol();
  const n = ts.length;
  // each repetition continues the clock after the previous one, so windows keep rolling instead of restarting
  const span = ts[n - 1] - ts[0] + MINUTE;

  let sink = 0;
  // the two window structures (src/marketdata/rolling-window.ts): the whole window ordered, and only its tails
  const weekRate = (week: RollingWindow): number =>
    measure(n, 1500, (rep) => {
      const offset = rep * span;
      for (let i = 0; i < n; i++) {
        week.push(ts[i] + offset, close[i]);
        sink += week.percentile(95);
      }
    });
  const windowRate = weekRate(new PercentileWindow(7 * 24 * 3_600_000));
  const tailRate = weekRate(new TailWindow(7 * 24 * 3_600_000));

  const range = new BlendedRange();
  const rangeRate = measure(n, 1500, (rep) => {
    const offset = rep * span;
    for (let i = 0; i < n; i++) range.update(ts[i] + offset, close[i]);
    sink += range.lo;
  });

  // full per-bar decision: snapshot update, range update, grid decision (ladder included)
  const params = mustParseGridParams({ baseSizePerLevel: 1, levels: 50, liveLevelsPerSide: 10 });
  const market = MARKETS['SOL-PERP'];
  const builder = new MarketSnapshotBuilder({ marketIndex: market.marketIndex });
  const loopRange = new BlendedRange();
  const candle: Candle = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const position = { base: 0 };
  let state = initialGridState();
  let orders = 0;
  const decisionRate = measure(n, 2000, (rep) => {
    const offset = rep * span;
    for (let i = 0; i < n; i++) {
      candle.ts = ts[i] + offset;
      candle.close = close[i];
      const snap = builder.onBar(candle, MINUTE);
      loopRange.update(snap.ts, snap.mark);
      const d = decideGrid(snap, loopRange, position, params, market, state);
      state = d.state;
      position.base = d.band.preferredBase; // as if the position followed the curve exactly
      orders += d.ladder.length;
    }
  });
  if (sink === 42 && orders < 0) console.log('unreachable'); // keeps the loops' results observable

  return [
    { name: 'percentile window (1W, 1-minute) push + p95', value: Math.round(windowRate), unit: 'updates/s' },
    { name: 'tail window (1W, 1-minute) push + p95', value: Math.round(tailRate), unit: 'updates/s' },
    { name: 'blended range update (4 windows, p5 + p95)', value: Math.round(rangeRate), unit: 'bars/s' },
    { name: 'window updates inside the blended range', value: Math.round(rangeRate * 4), unit: 'updates/s' },
    {
      name: 'grid decision per bar (snapshot + range + decideGrid)',
      value: Math.round(decisionRate),
      unit: 'decisions/s',
    },
  ];
}

if (import.meta.main) {
  for (const r of await run()) console.log(`${r.name}: ${r.value.toLocaleString('en-US')} ${r.unit}`);
}
