/**
 * The fill model, as pure number/bigint helpers (docs/sim-venue.md explains the choices).
 *
 * Intra-bar path without look-ahead: a bar that closed at or above its open is walked O→L→H→C, otherwise
 * O→H→L→C (the extreme nearer the open is assumed first, the pessimistic reading for a resting maker on the
 * trend side). Resting orders fill as makers at their own price when the path trades THROUGH them (strictly
 * beyond the price; 'touch' is an option), in the order the path reaches them.
 */
import { divCeil, divFloor } from '../../domain/precision.ts';
import type { Side } from '../../domain/types.ts';

/**
 * When a resting order fills: 'touch' (the path reaches its price), 'tradeThrough' (strictly beyond it) or
 * 'queue' (trade-through, and only the volume left after the queue ahead of it; queue-model.ts).
 */
export type MakerFillRule = 'tradeThrough' | 'touch' | 'queue';

/** The four path points of a bar, in the order the simulator assumes they traded. Writes into `out`. */
export function barPath(open: number, high: number, low: number, close: number, out: number[]): number[] {
  out[0] = open;
  if (close >= open) {
    out[1] = low;
    out[2] = high;
  } else {
    out[1] = high;
    out[2] = low;
  }
  out[3] = close;
  return out;
}

/** True when a resting order at `price` could fill anywhere in a bar with this low/high. */
export function barReaches(
  side: Side,
  price: number,
  low: number,
  high: number,
  rule: MakerFillRule,
): boolean {
  if (side === 'buy') return rule === 'touch' ? low <= price : low < price;
  return rule === 'touch' ? high >= price : high > price;
}

/**
 * Distance along the path (sum of absolute moves) at which the path first trades through (or touches) a
 * resting order, or -1 when it never does. 0 means the bar opened beyond the order (a gap): it fills first.
 * Asked for every resting order of a bar that may fill one: the test is a plain function, not a closure made
 * per call (a closure per order was most of a paper fleet's fill-bar garbage in the matcher, issue 17).
 */
export function encounterDistance(
  path: readonly number[],
  side: Side,
  price: number,
  rule: MakerFillRule,
): number {
  const buy = side === 'buy';
  const touch = rule === 'touch';
  if (isBeyond(path[0], buy, touch, price)) return 0;
  let travelled = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1];
    const b = path[i];
    if (isBeyond(b, buy, touch, price)) return travelled + Math.abs(price - a);
    travelled += Math.abs(b - a);
  }
  return -1;
}

/** Whether price `p` lies beyond a resting order at `price` (below a bid, above an ask; or at it on 'touch'). */
function isBeyond(p: number, buy: boolean, touch: boolean, price: number): boolean {
  if (buy) return touch ? p <= price : p < price;
  return touch ? p >= price : p > price;
}

/**
 * Share (0..1) of the path's length that lies strictly beyond a resting order's price (below a bid, above an
 * ask): with volume spread evenly along the path, the share of the bar's volume that traded through it.
 * A flat bar (no length) counts fully when it sits beyond the price.
 */
export function shareOfPathBeyond(path: readonly number[], side: Side, price: number): number {
  const depth = (p: number): number => (side === 'buy' ? price - p : p - price); // > 0 beyond the order
  let total = 0;
  let beyond = 0;
  for (let i = 1; i < path.length; i++) {
    const a = depth(path[i - 1]);
    const b = depth(path[i]);
    const len = Math.abs(b - a);
    total += len;
    if (a >= 0 && b >= 0) beyond += len;
    else if (a > 0 || b > 0) beyond += Math.max(a, b); // the part of the segment past the price
  }
  if (total === 0) return depth(path[0]) > 0 ? 1 : 0;
  return beyond / total;
}

/**
 * The venue's best bid and ask around a mark (PRICE precision): mark ∓ half the spread, bid rounded down and
 * ask rounded up to the tick, and never closer than one tick apart from each other when the spread is > 0.
 * spreadBpsNum is the spread in bps × 1e4 (an exact integer numerator over 1e8).
 */
export function bidAskAround(mark: bigint, tick: bigint, spreadNum: bigint): { bid: bigint; ask: bigint } {
  const half = (mark * spreadNum) / 200_000_000n; // mark × spread / 2, spread as num/1e8
  let bid = divFloor(mark - half, tick) * tick;
  let ask = divCeil(mark + half, tick) * tick;
  if (spreadNum === 0n) {
    // A zero spread quotes the mark itself; an off-tick mark still lands on the tick grid.
    bid = divFloor(mark, tick) * tick;
    ask = divCeil(mark, tick) * tick;
  }
  if (bid <= 0n) bid = tick;
  if (ask < bid) ask = bid;
  return { bid, ask };
}

/** Exact quote of a fill: base × price, rounded toward zero as Drift does (QUOTE precision). */
export const quoteOf = (base: bigint, price: bigint): bigint => (base * price) / 1_000_000_000n;

/**
 * Largest base (on the step) a maker may take from a bar under a participation cap: `participation` of the
 * bar's base volume. Infinity-like (undefined) when the cap is off.
 */
export function participationCap(volume: number, participation: number, step: bigint): bigint | undefined {
  if (!(participation > 0)) return undefined;
  const units = Math.floor((volume * participation * 1e9) / Number(step));
  return units > 0 ? BigInt(units) * step : 0n;
}
