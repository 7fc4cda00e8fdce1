/**
 * Runner capacity: N paper grid bots in one process, each on its own simulated venue, fed by one synthetic
 * 1-minute market stream (generateCandles). One loop iteration of a bot = venue bar (matching) + market data +
 * due check + account read + decision + commands through the async VenuePort — the BotSession code the runner
 * uses. No database in the hot path: each bar's buffered writes are taken off the sessions (as a batched writer
 * would) and dropped. Reports decisions/s, p50/p99 loop latency and memory for N = 10, 100, 1,000.
 * Run alone: `npx node --expose-gc bench/runner.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { parseBotConfig } from '../src/config/bot-config.ts';
import { generateCandles } from '../src/data/synthetic.ts';
import { createLogger } from '../src/log/logger.ts';
import { createEngine } from '../src/runner/bot-engine.ts';
import { BotSession } from '../src/runner/bot-session.ts';
import { RunnerMetrics } from '../src/runner/metrics.ts';
import { SimVenue } from '../src/venue/sim/sim-venue.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const MINUTE = 60_000;
const WARMUP_BARS = 240;

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

async function scenario(n: number, bars: number): Promise<BenchResult[]> {
  const candles = generateCandles(WARMUP_BARS + bars, { seed: 7, startPrice: 140 });
  const metrics = new RunnerMetrics();
  const log = createLogger({ write: () => {}, botId: 'bench', minLevel: 'error' });
  const sessions: { s: BotSession; venue: SimVenue }[] = [];
  const startTs = (candles[WARMUP_BARS] as { ts: number }).ts;
  for (let i = 0; i < n; i++) {
    const venue = new SimVenue({ markets: config.markets, spreadBps: 2 });
    const sub = venue.exchange.createSubaccount(`b${i}`);
    venue.exchange.deposit(sub, 1_000_000_000n);
    const engine = createEngine(config, () => 140, startTs);
    for (let k = 0; k < WARMUP_BARS; k++) {
      const c = candles[k] as (typeof candles)[number];
      venue.exchange.onBar(0, c, MINUTE);
      engine.warm('SOL-PERP', c, MINUTE);
    }
    venue.exchange.drainEvents();
    const s = new BotSession({
      id: `b${i}`,
      name: `b${i}`,
      mode: 'paper',
      config,
      objectiveVersion: 1,
      engine,
      venue,
      subaccountId: sub,
      liquidationPrice: (_a, m) => venue.exchange.liquidationPrice(sub, m),
      leaseHeld: () => true,
      metrics,
      log,
      deposited: 1_000_000_000n,
      snapshotCadenceMs: 15 * MINUTE,
    });
    venue.subscribe((e) => s.onVenueEvent(e));
    sessions.push({ s, venue });
  }
  globalThis.gc?.();
  const lat = new Float64Array(n * bars);
  let samples = 0;
  let decisions = 0;
  let tickMax = 0;
  const t0 = performance.now();
  for (let k = WARMUP_BARS; k < WARMUP_BARS + bars; k++) {
    const c = candles[k] as (typeof candles)[number];
    const ts = c.ts + MINUTE;
    const tickStart = performance.now();
    for (const { s, venue } of sessions) {
      const a = performance.now();
      venue.onBar(0, c, MINUTE);
      s.engine.onBar('SOL-PERP', c, MINUTE);
      if (await s.cycle(ts)) decisions++;
      lat[samples++] = performance.now() - a;
      s.takeWrites();
    }
    const tick = performance.now() - tickStart;
    if (tick > tickMax) tickMax = tick;
  }
  const seconds = (performance.now() - t0) / 1000;
  const sorted = lat.subarray(0, samples).sort();
  const mem = process.memoryUsage();
  return [
    { name: `n${n}.decisions_per_s`, value: decisions / seconds, unit: 'decisions/s' },
    { name: `n${n}.loop_p50`, value: percentile(sorted, 50), unit: 'ms' },
    { name: `n${n}.loop_p99`, value: percentile(sorted, 99), unit: 'ms' },
    { name: `n${n}.tick_max`, value: tickMax, unit: 'ms (all bots, one bar)' },
    { name: `n${n}.rss`, value: mem.rss / 2 ** 20, unit: 'MiB' },
    { name: `n${n}.heap_used`, value: mem.heapUsed / 2 ** 20, unit: 'MiB' },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const [n, bars] of [
    [10, 2000],
    [100, 400],
    [1000, 100],
  ] as const) {
    out.push(...(await scenario(n, bars)));
    globalThis.gc?.();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run())
    console.log(`${r.name.padEnd(24)} ${r.value.toFixed(3).padStart(12)} ${r.unit}`);
}
