/**
 * Generated 1-minute price paths with a known shape, for behaviour tests that put the bots beside a reference:
 * a sine (range-bound), a trend with swings on top, and a calm path broken by sudden gaps. Deterministic; prices
 * are rounded to 0.0001 and the bar's high/low are its open/close widened by a small wick.
 */
import type { Candle } from '../../src/data/types.ts';

const MINUTE = 60_000;
const START = Date.UTC(2025, 5, 2);
const round = (p: number): number => Math.round(p * 1e4) / 1e4;

/** Bars whose closes follow `price(minute)`; each opens at the previous close (or at `open(minute)` for a gap). */
function pathOf(
  minutes: number,
  price: (i: number) => number,
  wickFraction: number,
  gapAt?: Set<number>,
): Candle[] {
  const out: Candle[] = [];
  let prev = round(price(0));
  for (let i = 0; i < minutes; i++) {
    const close = round(price(i + 1));
    const open = gapAt?.has(i) ? close : prev;
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    out.push({
      ts: START + i * MINUTE,
      open,
      high: round(top * (1 + wickFraction)),
      low: round(bottom * (1 - wickFraction)),
      close,
      volume: 1000,
    });
    prev = close;
  }
  return out;
}

/** A ±amplitude sine around `mid` with the given period, `days` long, small wicks (0.02%). */
export function sinePath(days = 8, amplitude = 0.02, periodHours = 6, mid = 100): Candle[] {
  const w = (2 * Math.PI) / (periodHours * 60);
  return pathOf(days * 1440, (i) => mid * (1 + amplitude * Math.sin(w * i)), 0.0002);
}

/** A steady trend (per day) with ±swing oscillations on top. */
export function trendPath(days = 8, perDay = 0.03, swing = 0.01, periodHours = 3, start = 100): Candle[] {
  const w = (2 * Math.PI) / (periodHours * 60);
  return pathOf(
    days * 1440,
    (i) => start * (1 + perDay) ** (i / 1440) * (1 + swing * Math.sin(w * i)),
    0.0002,
  );
}

/**
 * A ±1% sine around 100 broken by sudden gaps: every `everyHours` the whole curve jumps by `gap` (alternating
 * down and up), so the jump happens between one close and the next open.
 */
export function gapPath(days = 8, gap = 0.03, everyHours = 12): Candle[] {
  const every = everyHours * 60;
  const w = (2 * Math.PI) / 240;
  const level = (i: number): number => {
    const k = Math.floor(i / every);
    return k % 2 === 1 ? 1 - gap : 1;
  };
  const gaps = new Set<number>();
  for (let i = every - 1; i < days * 1440; i += every) gaps.add(i);
  return pathOf(days * 1440, (i) => 100 * level(i) * (1 + 0.01 * Math.sin(w * i)), 0.0002, gaps);
}

/**
 * A staircase crash: flat around `start` with small noise, then `steps` sudden drops of `drop` each, one per
 * `everyMinutes`, all within one UTC day.
 */
export function staircasePath(steps = 10, drop = 0.03, everyMinutes = 60, start = 100): Candle[] {
  const first = 120; // two quiet hours before the first step
  const gaps = new Set<number>();
  for (let s = 0; s < steps; s++) gaps.add(first + s * everyMinutes - 1);
  const level = (i: number): number => {
    if (i < first) return 1;
    return (1 - drop) ** Math.min(steps, Math.floor((i - first) / everyMinutes) + 1);
  };
  const minutes = first + steps * everyMinutes + 120;
  return pathOf(minutes, (i) => start * level(i) * (1 + 0.0005 * Math.sin(i / 7)), 0.0002, gaps);
}
