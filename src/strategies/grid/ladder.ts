/**
 * The grid ladder (DESIGN.md §4, §6): bids at mark·(1 − k·step), asks at mark·(1 + k·step), k = 1, 2, ...,
 * or, when a lattice is given, on the fixed lattice levels nearest the mark (lattice.ts).
 * Prices go onto the tick (bids down, asks up, so rounding never makes an order more aggressive) and sizes onto
 * the step. The ladder is virtual: each side has `levels` levels but only the nearest `live` are emitted, so both
 * sides together stay within Drift's 32 open orders.
 *
 * Exposure band: bids are emitted nearest first while filling that bid and every nearer bid keeps the position
 * ≤ maxBase; asks likewise ≥ minBase. The last level that fits is cut down to the room left (rounded down on the
 * step) so a position can be walked exactly to the band's edge; a level smaller than the market's minimum order
 * size ends that side.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { priceOnTick, sizeOnStep } from '../../domain/rounding.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import type { Bias } from './curve.ts';
import { type Lattice, latticeLevel } from './lattice.ts';

export interface LadderSpec {
  mark: number;
  /** Level spacing as a fraction of the mark (0.005 = 0.5%). */
  stepFraction: number;
  /** Virtual levels per side. */
  bidLevels: number;
  askLevels: number;
  /** Live levels per side (the nearest ones). */
  liveBids: number;
  liveAsks: number;
  /** Base units per level, per side. */
  bidSize: number;
  askSize: number;
  /** Signed base now held. */
  position: number;
  minBase: number;
  maxBase: number;
  postOnly: boolean;
  /** Mark every order reduce-only (exits-only mode: every emitted order reduces the position by construction). */
  reduceOnly: boolean;
  /** Place levels on this fixed lattice instead of at mark·(1 ± k·step) (see lattice.ts). */
  lattice?: Lattice;
}

/** Level counts per side for a bias: the disfavoured side keeps (1 − skew) of its levels, at least one. */
export function sideLevels(
  bias: Bias,
  biasSkew: number,
  levels: number,
  livePerSide: number,
): { bidLevels: number; askLevels: number; liveBids: number; liveAsks: number } {
  const shrink = (n: number): number => Math.max(1, Math.round(n * (1 - biasSkew)));
  const bidLevels = bias === 'bearish' ? shrink(levels) : levels;
  const askLevels = bias === 'bullish' ? shrink(levels) : levels;
  const liveBid = bias === 'bearish' ? shrink(livePerSide) : livePerSide;
  const liveAsk = bias === 'bullish' ? shrink(livePerSide) : livePerSide;
  return {
    bidLevels,
    askLevels,
    liveBids: Math.min(bidLevels, liveBid),
    liveAsks: Math.min(askLevels, liveAsk),
  };
}

/** Room (BASE precision) a side may still fill within the band; 0n when none. */
function room(amount: number, step: bigint): bigint {
  return amount > 0 ? sizeOnStep(amount, step) : 0n;
}

/** Appends the ladder to `out` (bids nearest first, then asks nearest first) and returns it. */
export function buildLadder(spec: LadderSpec, market: MarketSpec, out: DesiredOrder[] = []): DesiredOrder[] {
  const { mark, stepFraction } = spec;
  if (!(mark > 0) || !(stepFraction > 0)) return out;
  const { tickSize, stepSize, minOrderSize, marketIndex } = market;

  let left = room(spec.maxBase - spec.position, stepSize);
  const bidSize = sizeOnStep(spec.bidSize, stepSize);
  const bids = Math.min(spec.liveBids, spec.bidLevels);
  for (let k = 1; k <= bids && left > 0n; k++) {
    const raw = spec.lattice ? latticeLevel(spec.lattice, mark, 'buy', k) : mark * (1 - k * stepFraction);
    if (!(raw > 0)) break;
    const price = priceOnTick(raw, tickSize, 'buy');
    if (price <= 0n) break;
    const base = bidSize < left ? bidSize : left;
    if (base < minOrderSize || base === 0n) break;
    left -= base;
    out.push(order(marketIndex, 'buy', price, base, k, spec));
  }

  left = room(spec.position - spec.minBase, stepSize);
  const askSize = sizeOnStep(spec.askSize, stepSize);
  const asks = Math.min(spec.liveAsks, spec.askLevels);
  for (let k = 1; k <= asks && left > 0n; k++) {
    const raw = spec.lattice ? latticeLevel(spec.lattice, mark, 'sell', k) : mark * (1 + k * stepFraction);
    const price = priceOnTick(raw, tickSize, 'sell');
    const base = askSize < left ? askSize : left;
    if (base < minOrderSize || base === 0n) break;
    left -= base;
    out.push(order(marketIndex, 'sell', price, base, k, spec));
  }
  return out;
}

function order(
  marketIndex: number,
  side: 'buy' | 'sell',
  price: bigint,
  base: bigint,
  level: number,
  spec: LadderSpec,
): DesiredOrder {
  return {
    marketIndex,
    side,
    price,
    base,
    postOnly: spec.postOnly,
    reduceOnly: spec.reduceOnly,
    level,
    taker: false,
  };
}
