/**
 * A constructed market for the Monte Carlo's checks: 5-minute bars of a quiet random walk (±0.3% per bar)
 * broken by sharp one-bar crashes (−12%, wicking to −15%) every ~150 bars, each followed by a partial
 * recovery. A bootstrap of it is crash-prone by construction.
 */

import { seededRandom } from '../../../data/synthetic.ts';
import type { Candle } from '../../../data/types.ts';

export function crashProneCandles(n: number, seed = 11): Candle[] {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const out: Candle[] = [];
  let price = 100;
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = price;
    let close: number;
    let low: number;
    let high: number;
    if (i % 150 === 75) {
      close = open * 0.88;
      low = open * 0.85;
      high = open;
    } else if (i % 150 === 76) {
      close = open * 1.06;
      low = open;
      high = close;
    } else {
      close = open * (1 + 0.003 * gauss());
      high = Math.max(open, close) * (1 + 0.001 * rand());
      low = Math.min(open, close) * (1 - 0.001 * rand());
    }
    out.push({ ts: t0 + i * 300_000, open, high, low, close, volume: 1000 });
    price = close;
  }
  return out;
}
