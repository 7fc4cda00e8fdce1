/**
 * The grid ladder (DESIGN.md §4, docs/grid-strategy.md): the orders that walk the position along the curve.
 *
 * Below the price every lattice level j gets a bid that, once it and every nearer bid have filled, leaves the
 * position at the curve's target T(j); above the price every level gets an ask doing the same from the other
 * side. So a bid's size is T(j) minus what the position and the nearer bids already reach (one
 * `baseSizePerLevel` per level for a stepwise curve), and:
 * - an order stays where it is while the price moves between levels — nothing here depends on the mark except
 *   which levels are "below" and "above" it;
 * - a fill at level j moves the position to T(j), which removes the order at j and leaves the nearest order on
 *   the other side at j ± 1: every round trip earns one step;
 * - starting anywhere, the nearest order takes the whole difference between the position and the curve, so the
 *   position converges to the curve.
 *
 * Sizes are cumulative and rounded down to the step (the sum of the first k bids is floor(T(j_k) − position)), so
 * rounding never accumulates; a level whose share is below the market's minimum order size passes its share on to
 * the next level. Prices go onto the tick (bids down, asks up). Bids sit strictly below the ask and asks strictly
 * above the bid, so a post-only order never crosses. Only the nearest `liveBids` / `liveAsks` are emitted (Drift:
 * 32 open orders per subaccount).
 *
 * `clip` (bounded range): an order that would grow |position| may only sit at a level inside [loIdx, hiIdx];
 * outside it, a bid may only buy back a short (up to flat) and an ask only sell down a long.
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { isCountBelow, isCountOf, stepsOnStep, ticksOnTick } from '../../domain/rounding.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import { unitProduct } from '../../domain/unit-products.ts';
import { type Lattice, levelAbove, levelBelow, levelPrice } from './lattice.ts';

export interface LadderSpec {
  lattice: Lattice;
  /** The position wanted once the price has traded through level j (signed base units), non-increasing in j. */
  target: (j: number) => number;
  /** target(j) is the same for every j ≤ flatBelow and for every j ≥ flatAbove: no level beyond adds anything. */
  flatBelow: number;
  flatAbove: number;
  /** Best bid and ask now: bids go strictly below the ask, asks strictly above the bid. */
  bid: number;
  ask: number;
  /** Signed base now held. */
  position: number;
  /** The strategy's band: no order may take the position beyond it. */
  minBase: number;
  maxBase: number;
  /** Bounded range on the lattice: orders that grow |position| only at levels loIdx..hiIdx. */
  clip?: { loIdx: number; hiIdx: number };
  /** Live levels per side (the nearest ones). */
  liveBids: number;
  liveAsks: number;
  postOnly: boolean;
  /** Flag every order reduce-only (exits-only mode). */
  reduceOnly: boolean;
}

/** Levels scanned per side at most (a guard: flatBelow/flatAbove end the scan long before in practice). */
const MAX_SCAN = 4_000;

/**
 * Appends the ladder to `out` (bids nearest first, then asks nearest first) and returns it. `reuse`: an earlier
 * ladder whose order objects are taken where one is equal in every field to the order at the same place (orders
 * are values): most ladders a grid builds equal its last one, and making each order's object and BigInts again
 * was most of the garbage of a decision that sends nothing.
 */
export function buildLadder(
  spec: LadderSpec,
  market: MarketSpec,
  out: DesiredOrder[] = [],
  reuse: readonly DesiredOrder[] = [],
): DesiredOrder[] {
  if (!(spec.bid > 0) || !(spec.ask > 0)) return out;
  side(spec, market, 'buy', out, reuse);
  side(spec, market, 'sell', out, reuse);
  return out;
}

/**
 * `reuse[i]` when it is the order of `level` on `dir` of `steps` steps at `ticks` ticks with these flags
 * (compared without making its BigInts), else undefined.
 */
function reusable(
  reuse: readonly DesiredOrder[],
  i: number,
  dir: 'buy' | 'sell',
  level: number,
  steps: number,
  ticks: number,
  reduceOnly: boolean,
  spec: LadderSpec,
  market: MarketSpec,
): DesiredOrder | undefined {
  const r = reuse[i];
  if (
    r === undefined ||
    r.side !== dir ||
    r.level !== level ||
    r.reduceOnly !== reduceOnly ||
    r.postOnly !== spec.postOnly ||
    r.taker ||
    r.marketIndex !== market.marketIndex
  ) {
    return undefined;
  }
  return isCountOf(r.base, steps, market.stepSize) && isCountOf(r.price, ticks, market.tickSize)
    ? r
    : undefined;
}

function side(
  spec: LadderSpec,
  market: MarketSpec,
  dir: 'buy' | 'sell',
  out: DesiredOrder[],
  reuse: readonly DesiredOrder[],
): void {
  const { lattice, position: q, clip } = spec;
  const { tickSize, stepSize, minOrderSize } = market;
  const buy = dir === 'buy';
  const live = buy ? spec.liveBids : spec.liveAsks;
  const cap = buy ? spec.maxBase : spec.minBase;
  let j = buy ? levelBelow(lattice, spec.ask) : levelAbove(lattice, spec.bid);
  // the first level is always looked at (the price may already be past the flat stretch)
  const last = buy
    ? Math.min(j, Math.max(spec.flatBelow, j - MAX_SCAN))
    : Math.max(j, Math.min(spec.flatAbove, j + MAX_SCAN));
  // Sizes are counted in whole steps as numbers (exact: stepsOnStep keeps them below 2^53) and become BASE
  // BigInts only for an order that may be emitted: most levels scanned add nothing, and a BigInt per level
  // scanned was the largest share of the garbage a decision made.
  let emitted = 0; // steps the nearer orders of this side add up to
  let emittedCount = 0;
  for (; emittedCount < live && (buy ? j >= last : j <= last); j += buy ? -1 : 1) {
    let want = spec.target(j);
    if (buy ? want > cap : want < cap) want = cap;
    const outside = clip !== undefined && (j < clip.loIdx || j > clip.hiIdx);
    // outside a bounded range an order may only bring the position back towards flat
    if (outside && (buy ? want > 0 : want < 0)) want = 0;
    const gap = buy ? want - q : q - want;
    const cumulative = gap > 0 ? stepsOnStep(gap, stepSize) : 0;
    const steps = cumulative - emitted;
    if (steps > 0 && !isCountBelow(steps, stepSize, minOrderSize)) {
      const raw = levelPrice(lattice, j);
      const ticks = ticksOnTick(raw, tickSize, dir);
      if (!(raw > 0) || ticks <= 0) return;
      emitted = cumulative;
      emittedCount++;
      const reduceOnly = spec.reduceOnly || outside;
      const kept = reusable(reuse, out.length, dir, emittedCount, steps, ticks, reduceOnly, spec, market);
      out.push(
        kept ?? {
          marketIndex: market.marketIndex,
          side: dir,
          // the same BigInt object for the same price or size (unit-products.ts): ladders repeat them
          price: unitProduct(ticks, tickSize),
          base: unitProduct(steps, stepSize),
          postOnly: spec.postOnly,
          reduceOnly,
          level: emittedCount,
          taker: false,
        },
      );
    }
    // the band's edge is reached and everything up to it is placed: nothing further out can add
    if (want === cap && cumulative === emitted) return;
  }
}

/** Level counts per side for a bias: the disfavoured side keeps (1 − skew) of its live levels, at least one. */
export function sideLevels(
  bias: 'bullish' | 'neutral' | 'bearish',
  biasSkew: number,
  livePerSide: number,
): { liveBids: number; liveAsks: number } {
  const shrink = (n: number): number => Math.max(1, Math.round(n * (1 - biasSkew)));
  return {
    liveBids: bias === 'bearish' ? shrink(livePerSide) : livePerSide,
    liveAsks: bias === 'bullish' ? shrink(livePerSide) : livePerSide,
  };
}
