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
import { productsOf, type UnitProducts } from '../../domain/unit-products.ts';
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
 * What one side's scan saw (buildLadder's `reach`): it started at level `from`, would have stopped at `last` had
 * nothing happened, and first did something (placed an order, or ended the scan) at `stop`, or nothing at all up
 * to `last` (then `stop` is `last`). Every level strictly between `from` and `stop` was quiet (levelIsQuiet), and
 * a quiet level changes nothing the scan carries on with (no order is counted, and the shares are reckoned from
 * the orders placed so far). So a scan starting anywhere from `stop` to `from`, or beyond `from` across quiet
 * levels only, with the same `last`, arrives at `stop` as this one did and gives the same orders
 * (sideHoldsFrom): most level crossings without a fill move a start over levels where the position already
 * holds the curve's target.
 */
export interface SideReach {
  from: number;
  stop: number;
  last: number;
}

export interface LadderReach {
  bid: SideReach;
  ask: SideReach;
}

/**
 * Appends the ladder to `out` (bids nearest first, then asks nearest first) and returns it. `reuse`: an earlier
 * ladder whose order objects are taken where one is equal in every field to the order at the same place (orders
 * are values): most ladders a grid builds equal its last one, and making each order's object and BigInts again
 * was most of the garbage of a decision that sends nothing. `reach`, when given, is filled with what each
 * side's scan saw (SideReach).
 */
export function buildLadder(
  spec: LadderSpec,
  market: MarketSpec,
  out: DesiredOrder[] = [],
  reuse: readonly DesiredOrder[] = [],
  reach?: LadderReach,
): DesiredOrder[] {
  if (!(spec.bid > 0) || !(spec.ask > 0)) return out;
  side(spec, market, 'buy', out, reuse, reach?.bid);
  side(spec, market, 'sell', out, reuse, reach?.ask);
  return out;
}

/** The level a side's scan starts at: the highest below the ask (bids), the lowest above the bid (asks). */
const scanStart = (spec: LadderSpec, buy: boolean): number =>
  buy ? levelBelow(spec.lattice, spec.ask) : levelAbove(spec.lattice, spec.bid);

/** The last level a side's scan from `from` looks at (it always looks at `from` itself). */
const scanEnd = (spec: LadderSpec, buy: boolean, from: number): number =>
  buy
    ? Math.min(from, Math.max(spec.flatBelow, from - MAX_SCAN))
    : Math.max(from, Math.min(spec.flatAbove, from + MAX_SCAN));

/** The position the side wants once level j has traded: the curve's target, capped by the band, clipped. */
function wantAt(spec: LadderSpec, buy: boolean, j: number): number {
  const cap = buy ? spec.maxBase : spec.minBase;
  let want = spec.target(j);
  if (buy ? want > cap : want < cap) want = cap;
  // outside a bounded range an order may only bring the position back towards flat
  if (isOutside(spec, j) && (buy ? want > 0 : want < 0)) want = 0;
  return want;
}

const isOutside = (spec: LadderSpec, j: number): boolean =>
  spec.clip !== undefined && (j < spec.clip.loIdx || j > spec.clip.hiIdx);

/** Whole steps the side's orders up to a level must add to take the position to `want` (0 when none). */
function stepsTo(spec: LadderSpec, buy: boolean, want: number, units: UnitNumbers): number {
  const gap = buy ? want - spec.position : spec.position - want;
  return gap > 0 ? stepsOnStep(gap, units.step, units.stepNumber) : 0;
}

/**
 * A market's tick, step and minimum order size, with the Number() the rounding helpers make of each. Taken once
 * per side scanned: the rounding helpers converted them on every level, which with the unit products' lookups
 * was about a third of building a ladder (issue 17, thirteenth round).
 */
interface UnitNumbers {
  tick: bigint;
  step: bigint;
  minOrder: bigint;
  tickNumber: number;
  stepNumber: number;
  minOrderNumber: number;
  /** The prices and sizes the ladder's orders are made of (unit-products.ts), one BigInt object per value. */
  tickProducts: UnitProducts;
  stepProducts: UnitProducts;
}

/** Units by market spec (specs are never changed: a reload replaces one, which is then a new key). */
const unitsByMarket = new WeakMap<MarketSpec, UnitNumbers>();

function unitNumbersOf(market: MarketSpec): UnitNumbers {
  let units = unitsByMarket.get(market);
  if (units === undefined) {
    units = makeUnitNumbers(market);
    unitsByMarket.set(market, units);
  }
  return units;
}

const makeUnitNumbers = (market: MarketSpec): UnitNumbers => ({
  tick: market.tickSize,
  step: market.stepSize,
  minOrder: market.minOrderSize,
  tickNumber: Number(market.tickSize),
  stepNumber: Number(market.stepSize),
  minOrderNumber: Number(market.minOrderSize),
  tickProducts: productsOf(market.tickSize),
  stepProducts: productsOf(market.stepSize),
});

/** Whether `steps` steps are below the market's minimum order size (rounding.ts isCountBelow). */
const belowMinimum = (steps: number, u: UnitNumbers): boolean =>
  isCountBelow(steps, u.step, u.minOrder, u.stepNumber, u.minOrderNumber);

/**
 * Whether level j, met by a scan that has placed nothing yet, places nothing and does not end the scan (the
 * same tests side() makes there).
 */
function levelIsQuiet(spec: LadderSpec, units: UnitNumbers, buy: boolean, j: number): boolean {
  const want = wantAt(spec, buy, j);
  const cumulative = stepsTo(spec, buy, want, units);
  if (cumulative > 0 && !belowMinimum(cumulative, units)) return false;
  return !(want === (buy ? spec.maxBase : spec.minBase) && cumulative === 0);
}

/** Levels crossed outward that sideHoldsFrom checks one by one; further, the side is built again. */
const MAX_OUTWARD = 64;

/**
 * Whether this side, scanned from `start` instead of `reach.from` (everything else in `spec` as when `reach` was
 * filled), gives the same orders (SideReach says why).
 */
export function sideHoldsFrom(
  spec: LadderSpec,
  market: MarketSpec,
  dir: 'buy' | 'sell',
  reach: SideReach,
  start: number,
): boolean {
  const buy = dir === 'buy';
  if (Number.isNaN(reach.from) || scanEnd(spec, buy, start) !== reach.last) return false;
  const step = buy ? 1 : -1;
  // inward: the new start lies on the stretch the scan passed quietly (or is the stop itself)
  if (buy ? start <= reach.from : start >= reach.from) return buy ? start >= reach.stop : start <= reach.stop;
  if (Math.abs(start - reach.from) > MAX_OUTWARD) return false;
  const units = unitNumbersOf(market);
  for (let j = reach.from + step; buy ? j <= start : j >= start; j += step) {
    if (!levelIsQuiet(spec, units, buy, j)) return false;
  }
  return true;
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
  units: UnitNumbers,
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
  return isCountOf(r.base, steps, units.step, units.stepNumber) &&
    isCountOf(r.price, ticks, units.tick, units.tickNumber)
    ? r
    : undefined;
}

function side(
  spec: LadderSpec,
  market: MarketSpec,
  dir: 'buy' | 'sell',
  out: DesiredOrder[],
  reuse: readonly DesiredOrder[],
  reach: SideReach | undefined,
): void {
  const { lattice } = spec;
  const units = unitNumbersOf(market);
  const buy = dir === 'buy';
  const live = buy ? spec.liveBids : spec.liveAsks;
  const cap = buy ? spec.maxBase : spec.minBase;
  let j = scanStart(spec, buy);
  // the first level is always looked at (the price may already be past the flat stretch)
  const last = scanEnd(spec, buy, j);
  if (reach !== undefined) {
    reach.from = j;
    reach.last = last;
    // nothing done before `last` (or no level looked at, with no live levels): the stop is the scan's end
    reach.stop = live > 0 ? last : j;
  }
  // Sizes are counted in whole steps as numbers (exact: stepsOnStep keeps them below 2^53) and become BASE
  // BigInts only for an order that may be emitted: most levels scanned add nothing, and a BigInt per level
  // scanned was the largest share of the garbage a decision made.
  let emitted = 0; // steps the nearer orders of this side add up to
  let emittedCount = 0;
  for (; emittedCount < live && (buy ? j >= last : j <= last); j += buy ? -1 : 1) {
    const want = wantAt(spec, buy, j);
    const cumulative = stepsTo(spec, buy, want, units);
    const steps = cumulative - emitted;
    if (steps > 0 && !belowMinimum(steps, units)) {
      if (reach !== undefined && emittedCount === 0) reach.stop = j;
      const raw = levelPrice(lattice, j);
      const ticks = ticksOnTick(raw, units.tick, dir, units.tickNumber);
      if (!(raw > 0) || ticks <= 0) return;
      emitted = cumulative;
      emittedCount++;
      const reduceOnly = spec.reduceOnly || isOutside(spec, j);
      const kept = reusable(
        reuse,
        out.length,
        dir,
        emittedCount,
        steps,
        ticks,
        reduceOnly,
        spec,
        market,
        units,
      );
      out.push(
        kept ?? {
          marketIndex: market.marketIndex,
          side: dir,
          // the same BigInt object for the same price or size (unit-products.ts): ladders repeat them
          price: units.tickProducts.of(ticks),
          base: units.stepProducts.of(steps),
          postOnly: spec.postOnly,
          reduceOnly,
          level: emittedCount,
          taker: false,
        },
      );
    }
    // the band's edge is reached and everything up to it is placed: nothing further out can add
    if (want === cap && cumulative === emitted) {
      if (reach !== undefined && emittedCount === 0) reach.stop = j;
      return;
    }
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
