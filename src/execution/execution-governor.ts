/**
 * The execution governor turns a verdict and the strategy's ladder into the orders that should exist, in strict
 * priority:
 *   1. liquidation defense — rule A says the account is inside its buffer: one TAKER reduce-only order down to
 *      the safe size, worst price maxSlippageBps beyond the touch;
 *   2. exposure reduction — the position is outside the verdict band: one reduce-only order back to the band
 *      (an aggressive post-only maker when makerPreferred, else taker);
 *   3. the grid ladder, filtered by the verdict: PAUSE → nothing; REDUCE_ONLY → closing side only, reduce-only,
 *      total ≤ |position|; otherwise levels are trimmed (nearest first) so that if every order on a side filled,
 *      the position would still be inside the band.
 * Pure: the position comes in as the venue's exact bigint.
 */
import type { Verdict } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { baseToInt, divCeil } from '../domain/precision.ts';
import { priceOnTick } from '../domain/rounding.ts';
import type { DesiredOrder, MarketSnapshot } from '../domain/snapshot.ts';
import type { Side } from '../domain/types.ts';
import type { ExecutionPolicy } from './policy.ts';
import { scaleLadder } from './ramp-in.ts';

export interface ExecutionInputs {
  verdict: Verdict;
  snapshot: MarketSnapshot;
  market: MarketSpec;
  /** Signed, BASE precision: the venue's position in this market. */
  positionBase: bigint;
  /** The strategy's ladder (on tick and step). */
  ladder: readonly DesiredOrder[];
  policy: ExecutionPolicy;
  /** 0..1 from rampFactor; omitted = fully open. */
  rampFactor?: number;
}

/** Worst acceptable taker price: maxSlippageBps beyond the touch, rounded on the tick toward less slippage. */
export function takerLimitPrice(
  side: Side,
  snapshot: MarketSnapshot,
  maxSlippageBps: number,
  tick: bigint,
): bigint {
  const slip = maxSlippageBps / 10_000;
  return side === 'sell'
    ? priceOnTick(snapshot.bid * (1 - slip), tick, 'sell')
    : priceOnTick(snapshot.ask * (1 + slip), tick, 'buy');
}

/** The most aggressive price that still rests: one tick inside the spread when there is room, else the touch. */
export function aggressiveMakerPrice(side: Side, snapshot: MarketSnapshot, tick: bigint): bigint {
  const bid = priceOnTick(snapshot.bid, tick, 'buy');
  const ask = priceOnTick(snapshot.ask, tick, 'sell');
  if (side === 'sell') return ask - tick > bid ? ask - tick : ask;
  return bid + tick < ask ? bid + tick : bid;
}

const ceilToStep = (size: bigint, step: bigint): bigint => divCeil(size, step) * step;
const floorToStep = (size: bigint, step: bigint): bigint => (size / step) * step;
const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);

const FAR_OUT = 10n ** 30n;

/** Float band bounds onto BASE integers (nearest; ±∞ stays far out of reach). */
function bandBound(x: number): bigint {
  if (x === Number.POSITIVE_INFINITY) return FAR_OUT;
  if (x === Number.NEGATIVE_INFINITY) return -FAR_OUT;
  return baseToInt(x);
}

function correction(x: ExecutionInputs): DesiredOrder | undefined {
  const { verdict, positionBase: q, market, snapshot, policy } = x;
  const maxInt = bandBound(verdict.band.maxBase);
  const minInt = bandBound(verdict.band.minBase);
  let side: Side;
  let excess: bigint;
  if (q > 0n && q > maxInt) {
    side = 'sell';
    excess = q - maxBig(maxInt, 0n);
  } else if (q < 0n && q < minInt) {
    side = 'buy';
    excess = minBig(minInt, 0n) - q;
  } else return undefined;
  const absQ = q < 0n ? -q : q;
  // Round up so one fill is enough to get back inside; reduce-only orders are exempt from the minimum size.
  const base = minBig(ceilToStep(excess, market.stepSize), absQ);
  if (base <= 0n) return undefined;
  const defense = verdict.reasons.some(
    (r) => r.rule === 'A_liquidation_buffer' && r.action === 'REDUCE_ONLY',
  );
  // A daily-loss flatten waits on a maker close first; after flattenAfterSec it takes (verdict.flatten.taker).
  const taker = defense || !policy.makerPreferred || verdict.flatten?.taker === true;
  return {
    marketIndex: market.marketIndex,
    side,
    base,
    price: taker
      ? takerLimitPrice(side, snapshot, policy.maxSlippageBps, market.tickSize)
      : aggressiveMakerPrice(side, snapshot, market.tickSize),
    postOnly: !taker,
    reduceOnly: true,
    level: 0,
    taker,
  };
}

/** Keeps ladder orders nearest first while the running total stays within `budget`; the crossing level shrinks. */
function trimSide(
  orders: DesiredOrder[],
  budget: bigint,
  market: MarketSpec,
  reduceOnly: boolean,
): DesiredOrder[] {
  const out: DesiredOrder[] = [];
  let left = budget;
  // The ladder arrives nearest first already; copying and sorting only when it does not saves work on every
  // decision (same order either way: the sort is stable).
  let sorted = true;
  for (let i = 1; i < orders.length; i++) if (orders[i].level < orders[i - 1].level) sorted = false;
  const nearestFirst = sorted ? orders : [...orders].sort((a, b) => a.level - b.level);
  for (const o of nearestFirst) {
    if (left <= 0n) break;
    const base = o.base <= left ? o.base : floorToStep(left, market.stepSize);
    const flagged = reduceOnly || o.reduceOnly;
    if (base <= 0n || (!flagged && base < market.minOrderSize)) break;
    // Orders are immutable values: an unchanged one is passed on as is instead of copied.
    out.push(base === o.base && flagged === o.reduceOnly ? o : { ...o, base, reduceOnly: flagged });
    left -= base;
  }
  return out;
}

/**
 * Whether governExecution would give the ladder back as it is, order for order: the verdict lets the ladder
 * trade (APPROVE, CLAMP), the position is inside the band (no correction), nothing is ramped, every order is
 * a resting order of the market, the ladder is bids then asks with each side nearest first, and each side fits
 * its budget whole (so trimSide keeps every order unchanged). Most decisions are such, and the answer then
 * costs no arrays and no BigInt per order. Sizes are summed as numbers, exact while the sum is a safe integer
 * (else: no).
 */
function ladderPassesWhole(x: ExecutionInputs, maxInt: bigint, minInt: bigint): boolean {
  const { verdict, positionBase: q, market, ladder } = x;
  if (verdict.kind !== 'APPROVE' && verdict.kind !== 'CLAMP') return false;
  if ((q > 0n && q > maxInt) || (q < 0n && q < minInt)) return false;
  if (x.rampFactor !== undefined && !(x.rampFactor >= 1)) return false;
  let bids = 0;
  let asks = 0;
  let onAsks = false;
  let lastLevel = Number.NEGATIVE_INFINITY;
  for (const o of ladder) {
    if (o.marketIndex !== market.marketIndex || o.taker || !(o.base > 0n)) return false;
    if (!o.reduceOnly && o.base < market.minOrderSize) return false;
    if (o.side === 'sell' && !onAsks) {
      onAsks = true;
      lastLevel = Number.NEGATIVE_INFINITY;
    } else if (o.side === 'buy' && onAsks) return false;
    if (o.level < lastLevel) return false;
    lastLevel = o.level;
    if (onAsks) asks += Number(o.base);
    else bids += Number(o.base);
  }
  if (!Number.isSafeInteger(bids) || !Number.isSafeInteger(asks)) return false;
  // as trimSide's budgets below: a safe-integer sum compares exactly with any BigInt's Number
  return bids <= Number(maxInt - q) && asks <= Number(q - minInt);
}

export function governExecution(x: ExecutionInputs): DesiredOrder[] {
  const { verdict } = x;
  if (verdict.kind === 'PAUSE') return [];
  // Orders are values and nobody changes a ladder handed out: the same list may be given back.
  if (ladderPassesWhole(x, bandBound(verdict.band.maxBase), bandBound(verdict.band.minBase))) {
    return x.ladder as DesiredOrder[];
  }
  return governInFull(x);
}

/** governExecution without its pass-through check (exported for the property test that holds the two equal). */
export function governInFull(x: ExecutionInputs): DesiredOrder[] {
  const { verdict, positionBase: q, market } = x;
  if (verdict.kind === 'PAUSE') return [];
  const fix = correction(x);
  const out: DesiredOrder[] = fix ? [fix] : [];
  const fixBuy = fix?.side === 'buy' ? fix.base : 0n;
  const fixSell = fix?.side === 'sell' ? fix.base : 0n;

  const ladder = scaleLadder(
    x.ladder.filter((o) => o.marketIndex === market.marketIndex && !o.taker),
    x.rampFactor ?? 1,
  );
  const bids = ladder.filter((o) => o.side === 'buy');
  const asks = ladder.filter((o) => o.side === 'sell');

  if (verdict.kind === 'REDUCE_ONLY') {
    if (q > 0n) out.push(...trimSide(asks, q - fixSell, market, true));
    else if (q < 0n) out.push(...trimSide(bids, -q - fixBuy, market, true));
    return out;
  }
  // If every bid filled the position would be q + fixBuy + bids; it must stay ≤ band max (and the mirror).
  const maxInt = bandBound(verdict.band.maxBase);
  const minInt = bandBound(verdict.band.minBase);
  out.push(...trimSide(bids, maxInt - q - fixBuy, market, false));
  out.push(...trimSide(asks, q - fixSell - minInt, market, false));
  return out;
}
