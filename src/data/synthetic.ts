/**
 * Deterministic synthetic candles for benchmarks and tests: a geometric random walk driven by a seeded PRNG,
 * prices rounded to a tick of about six significant digits of the start price (like a real market's tick).
 */
import type { Candle } from './types.ts';

export interface GenerateCandlesOptions {
  seed: number;
  /** Open time of the first bar, epoch ms (default 2025-01-01T00:00Z). */
  startTs?: number;
  /** Bar length in ms (default 60,000). */
  intervalMs?: number;
  /** First open (default 100). */
  startPrice?: number;
}

/** mulberry32: a tiny 32-bit PRNG, good enough for test data and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** n bars of a random walk with ~0.1% moves per bar; same seed, same candles. */
export function generateCandles(n: number, opts: GenerateCandlesOptions): Candle[] {
  const rand = seededRandom(opts.seed);
  const startTs = opts.startTs ?? Date.UTC(2025, 0, 1);
  const intervalMs = opts.intervalMs ?? 60_000;
  const startPrice = opts.startPrice ?? 100;
  const tick = 10 ** (Math.floor(Math.log10(startPrice)) - 5);
  const decimals = Math.max(0, -Math.floor(Math.log10(tick)));
  const onTick = (p: number): number =>
    Math.max(tick, Number((Math.round(p / tick) * tick).toFixed(decimals)));
  const sigma = 0.001;
  const candles: Candle[] = new Array(n);
  let price = onTick(startPrice);
  for (let i = 0; i < n; i++) {
    // Sum of three uniforms: a cheap, bounded stand-in for a normal step.
    const z = (rand() + rand() + rand() - 1.5) * 2;
    const open = price;
    const close = onTick(open * Math.exp(sigma * z));
    const high = onTick(Math.max(open, close) * (1 + sigma * rand()));
    const low = onTick(Math.min(open, close) * (1 - sigma * rand()));
    candles[i] = {
      ts: startTs + i * intervalMs,
      open,
      high: Math.max(high, open, close),
      low: Math.min(low, open, close),
      close,
      volume: Math.round(rand() * 1_000_000) / 1000,
    };
    price = close;
  }
  return candles;
}
