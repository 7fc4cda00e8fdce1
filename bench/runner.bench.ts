/**
 * Runner capacity: N paper grid bots in one process, each on its own simulated venue, fed by one synthetic
 * 1-minute market stream (generateCandles). One bar for a bot = venue bar (matching) + market data + due check +
 * account read + decision + commands through the async VenuePort + the tick's afterTick (account refresh,
 * history point) — the BotSession code the runner uses. No database in the hot path: each bar's buffered writes
 * are taken off the sessions (as a batched writer would) and dropped.
 *
 * Two kinds of figure:
 * - throughput (N = 10, 100): decisions/s and one bot's loop latency after a short warm-up;
 * - steady state (N = 1,000): every bot warmed with a week of bars (the blended range's longest window, 1W =
 *   10,080 one-minute bars, so every window is full) and its chart history full, then an hour of trading
 *   (unmeasured but for its first bar, when every bot lays its ladder), then RSS per bot and the latency of one
 *   bar for all bots over the next 200 (p50/p99/max of the whole-bar loop);
 * - the chart history: the bytes of a full one, and what else a bot keeps as it runs.
 * Run alone: `node --expose-gc bench/runner.bench.ts [week|history]`.
 */
import { performance } from 'node:perf_hooks';
import { runnerHeap } from '../src/cli/gc-tuning.ts';
import { parseBotConfig } from '../src/config/bot-config.ts';
import { generateCandles } from '../src/data/synthetic.ts';
import type { Candle } from '../src/data/types.ts';
import { LOOKBACK_MS } from '../src/marketdata/blended-range.ts';
import { MarketDataHub } from '../src/marketdata/market-data-hub.ts';
import { CHART_HISTORY_DEFAULTS, ChartHistory } from '../src/runner/chart-history.ts';
import { RunnerMetrics } from '../src/runner/metrics.ts';
import { type FleetBot, fleetBar, openFleetBot } from '../src/runner/test-support/paper-fleet.ts';

// As the CLI's start command runs (src/cli/gc-tuning.ts): this process re-runs itself with the runner's
// young-generation size unless one is given (`node --max-semi-space-size=N …` measures another).
runnerHeap();

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const MINUTE = 60_000;
const WEEK_BARS = LOOKBACK_MS['1w'] / MINUTE;
/** Bars traded after the warm-up before the steady state is measured. */
const TRADING_WARM_BARS = 60;

const config = parseBotConfig(
  {
    name: 'bench-grid',
    strategy: 'grid',
    market: 'SOL-PERP',
    collateral: 1000,
    grid: { levels: 10, stepPct: 0.2, baseSizePerLevel: 0.5, rangeMode: 'infinity' },
    execution: { requoteThresholdBps: 5, rampIn: { steps: 1, intervalSec: 60 } },
  },
  'bench',
);

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * N bots warmed on `candles[0, warmBars)`: the engine sees every warm bar, the venue the last few. The bots
 * share their blended range through one MarketDataHub, as the runner's bots do: the first bot's warm-up fills
 * the window buffers, the others follow it by comparing samples.
 */
function openBots(n: number, candles: Candle[], warmBars: number): FleetBot[] {
  const marketData = new MarketDataHub();
  const metrics = new RunnerMetrics();
  const warm = candles.slice(0, warmBars);
  return Array.from({ length: n }, (_, i) =>
    openFleetBot({ id: `b${i}`, config, warm, intervalMs: MINUTE, price: 140, marketData, metrics }),
  );
}

interface BarLoop {
  decisions: number;
  seconds: number;
  /** One bot's bar, ms. */
  perBot: Float64Array;
  /** All bots' bar, ms. */
  perBar: Float64Array;
}

async function runBars(bots: FleetBot[], candles: Candle[], from: number, bars: number): Promise<BarLoop> {
  const perBot = new Float64Array(bots.length * bars);
  const perBar = new Float64Array(bars);
  let samples = 0;
  let decisions = 0;
  const t0 = performance.now();
  for (let k = from; k < from + bars; k++) {
    const c = candles[k] as Candle;
    const barStart = performance.now();
    for (const bot of bots) {
      const a = performance.now();
      if (await fleetBar(bot, c, MINUTE)) decisions++;
      perBot[samples++] = performance.now() - a;
    }
    perBar[k - from] = performance.now() - barStart;
  }
  return { decisions, seconds: (performance.now() - t0) / 1000, perBot, perBar };
}

const mib = (bytes: number): number => bytes / 2 ** 20;

async function throughput(n: number, bars: number): Promise<BenchResult[]> {
  const warm = 240;
  const candles = generateCandles(warm + bars, { seed: 7, startPrice: 140 });
  const bots = openBots(n, candles, warm);
  globalThis.gc?.();
  const r = await runBars(bots, candles, warm, bars);
  const sorted = r.perBot.sort();
  return [
    { name: `n${n}.decisions_per_s`, value: r.decisions / r.seconds, unit: 'decisions/s' },
    { name: `n${n}.loop_p50`, value: percentile(sorted, 50), unit: 'ms (one bot, one bar)' },
    { name: `n${n}.loop_p99`, value: percentile(sorted, 99), unit: 'ms (one bot, one bar)' },
  ];
}

/**
 * Steady state is a full chart history too (a bot that has run a week). Running 1,000 bots for a week of bars
 * would take minutes, so each session's history is filled with one point a bar of the warm-up week before the
 * bars are run: its typed arrays are allocated whole when the session opens, so values do not change its size,
 * and the points are then in the state a week of running leaves them (older part full, recent part full).
 */
function fillHistories(bots: FleetBot[], week: readonly Candle[]): void {
  const bars = barsToFill();
  const endTs = (week.at(-1) as Candle).ts;
  for (const b of bots) {
    for (let k = 0; k < bars; k++) {
      const c = week[k % week.length] as Candle;
      const ts = endTs - (bars - 1 - k) * MINUTE;
      b.session.history.push({
        ts,
        mark: c.close,
        equity: 1000,
        base: 0,
        liqPrice: null,
        lo: c.low,
        hi: c.high,
      });
    }
    if (b.session.history.length !== b.session.history.capacity)
      throw new Error('the chart history is not full');
  }
}

/** One-minute bars that fill a chart history: its recent part, then a bucket per older point. */
function barsToFill(): number {
  const { recentPoints, olderPoints, olderEveryMs } = CHART_HISTORY_DEFAULTS;
  return recentPoints + (olderPoints * olderEveryMs) / MINUTE;
}

/** 1,000 bots after a week of warm-up: memory per bot and one bar for all of them. */
async function steadyState(n: number, bars: number): Promise<BenchResult[]> {
  const candles = generateCandles(WEEK_BARS + TRADING_WARM_BARS + bars, { seed: 7, startPrice: 140 });
  globalThis.gc?.();
  const base = process.memoryUsage();
  const t0 = performance.now();
  const bots = openBots(n, candles, WEEK_BARS);
  const warmSeconds = (performance.now() - t0) / 1000;
  fillHistories(bots, candles.slice(0, WEEK_BARS));
  // The first trading bars are not steady state: every bot lays its whole ladder at once and the decision code
  // is compiled on first use. They run unmeasured (the very first bar is reported on its own).
  const start = await runBars(bots, candles, WEEK_BARS, TRADING_WARM_BARS);
  const r = await runBars(bots, candles, WEEK_BARS + TRADING_WARM_BARS, bars);
  globalThis.gc?.();
  const mem = process.memoryUsage();
  const sorted = r.perBar.sort();
  const out: BenchResult[] = [
    { name: `week.n${n}.warmup`, value: warmSeconds, unit: `s (${n} bots × ${WEEK_BARS} bars)` },
    {
      name: `week.n${n}.first_bar`,
      value: start.perBar[0] as number,
      unit: 'ms (every bot lays its ladder)',
    },
    { name: `week.n${n}.bar_p50`, value: percentile(sorted, 50), unit: `ms (all ${n} bots, one bar)` },
    { name: `week.n${n}.bar_p99`, value: percentile(sorted, 99), unit: `ms (all ${n} bots, one bar)` },
    { name: `week.n${n}.bar_max`, value: sorted[sorted.length - 1] as number, unit: 'ms' },
    {
      name: `week.n${n}.bars_over_100ms`,
      value: sorted.filter((ms) => ms > 100).length,
      unit: `of ${bars} bars (p99 ≤ 100 ms allows ${bars - 1 - Math.floor(0.99 * bars)})`,
    },
    { name: `week.n${n}.rss`, value: mib(mem.rss), unit: 'MiB' },
    { name: `week.n${n}.heap_total`, value: mib(mem.heapTotal), unit: 'MiB (committed JS heap)' },
    { name: `week.n${n}.heap_used`, value: mib(mem.heapUsed), unit: 'MiB' },
    { name: `week.n${n}.rss_per_bot`, value: (mem.rss - base.rss) / n / 1024, unit: 'KiB (RSS growth / N)' },
    {
      name: `week.n${n}.heap_per_bot`,
      value: (mem.heapUsed + mem.arrayBuffers - base.heapUsed - base.arrayBuffers) / n / 1024,
      unit: 'KiB (heap + array buffers growth / N)',
    },
  ];
  // keep the bots alive until measured
  if (bots.length !== n) throw new Error('lost bots');
  return out;
}

/**
 * The chart history a bot keeps once it is full: ten bots run long enough to fill it (6 h of every bar, then a
 * week at 15 minutes), then the bytes one full ChartHistory takes (100 of them, heap + array buffers / 100) and
 * the growth per bot over the run (what else the loop keeps).
 */
async function historyAtLimit(n: number): Promise<BenchResult[]> {
  const probe = new ChartHistory();
  const bars = barsToFill();
  const candles = generateCandles(240 + bars, { seed: 7, startPrice: 140 });
  const bots = openBots(n, candles, 240);
  globalThis.gc?.();
  const base = process.memoryUsage();
  await runBars(bots, candles, 240, bars);
  globalThis.gc?.();
  const mem = process.memoryUsage();
  for (const b of bots) {
    if (b.session.history.length !== probe.capacity) throw new Error('the chart history is not full');
  }
  const grown = mem.heapUsed + mem.arrayBuffers - base.heapUsed - base.arrayBuffers;
  const full = bots[0]?.session.history.last(probe.capacity) ?? [];
  globalThis.gc?.();
  const before = process.memoryUsage();
  const histories = Array.from({ length: 100 }, () => {
    const h = new ChartHistory();
    for (const p of full) h.push(p);
    return h;
  });
  globalThis.gc?.();
  const after = process.memoryUsage();
  const perHistory =
    (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / histories.length;
  return [
    { name: `history.points`, value: probe.capacity, unit: 'points in a full chart history' },
    { name: `history.bytes_per_bot`, value: perHistory / 1024, unit: 'KiB (one full chart history)' },
    {
      name: `history.n${n}.heap_per_bot`,
      value: grown / n / 1024,
      unit: `KiB (heap growth per bot over ${bars} bars, history full)`,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  // Steady state first: its RSS is then not coloured by what the other scenarios left in the heap.
  out.push(...(await steadyState(1000, 200)));
  globalThis.gc?.();
  out.push(...(await throughput(10, 2000)));
  globalThis.gc?.();
  out.push(...(await throughput(100, 400)));
  globalThis.gc?.();
  out.push(...(await historyAtLimit(10)));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  const figures =
    only === 'week'
      ? await steadyState(1000, 200)
      : only === 'history'
        ? await historyAtLimit(10)
        : await run();
  for (const r of figures) console.log(`${r.name.padEnd(26)} ${r.value.toFixed(3).padStart(12)} ${r.unit}`);
}
