/**
 * The planner's keep decision: which live order stays for which desired one. Pairs (same side, remaining size
 * and flags, price within the requote threshold; past its TTL only an exact price) are matched globally
 * closest-first — by distance in bps, then desired index, then live order id — so that planning again on the
 * result matches the same pairs (idempotence).
 *
 * Why scratch space: a fleet's fill bar plans once per bot, and the planner's arrays (pairs as objects, the
 * arrays each grown by push, the sort's work copy) were the largest allocation of that bar, ~8 KB a plan
 * (docs/runner.md, "Issue 17, sixth round"). The matching now runs on typed arrays that live as long as the
 * module and only grow: planning is synchronous and never re-entered, so one set serves every plan. The
 * answer is valid until the next call.
 */
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { Order } from '../domain/types.ts';

/** Base left on an order; an unfilled one (most of a ladder) needs no BigInt subtraction, i.e. no allocation. */
export const remaining = (o: Order): bigint => (o.filledBase === 0n ? o.base : o.base - o.filledBase);

/** A live order can stand for a desired one: same side, remaining size and flags, a resting limit order. */
export function compatible(l: Order, d: DesiredOrder): boolean {
  return (
    l.side === d.side &&
    remaining(l) === d.base &&
    l.reduceOnly === d.reduceOnly &&
    (l.postOnly !== 'none') === d.postOnly &&
    l.orderType === 'limit' &&
    !l.ioc
  );
}

/** The result of matchClosest; its arrays are the scratch space, valid until the next call. */
export interface Matching {
  /** Live index → desired index, −1 when the live order is not kept (the first nLive slots). */
  keptBy: Int32Array;
  /** Desired index → 1 when a live order is kept for it (the first nWanted slots). */
  matchedD: Uint8Array;
  /** Kept live indexes in the order they were matched (the first `kept` slots). */
  keptOrder: Int32Array;
  kept: number;
}

export interface MatchRules {
  /** requoteThresholdBps plus a hair (floats). */
  limitBps: number;
  ttlMs: number;
  ts: number;
  /** REDUCE_ONLY: a live order without the flag is never kept. */
  reduceOnly: boolean;
}

/** Up to this many pairs are ordered by insertion sort; more (rare: wide thresholds) by Array.prototype.sort. */
const INSERTION_SORT_MAX = 64;

let livePx = new Float64Array(64);
let liveOk = new Uint8Array(64);
/** Live indexes by side, each in live order (pairs are made in (desired, live) order: ties keep it). */
let bidIdx = new Int32Array(64);
let askIdx = new Int32Array(64);
let pairDi = new Int32Array(256);
let pairLi = new Int32Array(256);
let pairBps = new Float64Array(256);
let pairOrder = new Int32Array(256);
const result: Matching = {
  keptBy: new Int32Array(64),
  matchedD: new Uint8Array(64),
  keptOrder: new Int32Array(64),
  kept: 0,
};

const grown = (n: number, have: number): number => Math.max(n, have * 2);

function ensureSides(nLive: number, nWanted: number): void {
  if (livePx.length < nLive) {
    const n = grown(nLive, livePx.length);
    livePx = new Float64Array(n);
    liveOk = new Uint8Array(n);
    bidIdx = new Int32Array(n);
    askIdx = new Int32Array(n);
    result.keptBy = new Int32Array(n);
    result.keptOrder = new Int32Array(n);
  }
  if (result.matchedD.length < nWanted)
    result.matchedD = new Uint8Array(grown(nWanted, result.matchedD.length));
}

function ensurePairs(n: number): void {
  if (pairDi.length >= n) return;
  const size = grown(n, pairDi.length);
  const di = new Int32Array(size);
  const li = new Int32Array(size);
  const bps = new Float64Array(size);
  di.set(pairDi);
  li.set(pairLi);
  bps.set(pairBps);
  pairDi = di;
  pairLi = li;
  pairBps = bps;
  pairOrder = new Int32Array(size);
}

/** Closest-first order of two pairs (by index): bps, then desired index, then live order id. */
function pairBefore(a: number, b: number, liveHere: readonly Order[]): number {
  return (
    (pairBps[a] as number) - (pairBps[b] as number) ||
    (pairDi[a] as number) - (pairDi[b] as number) ||
    (liveHere[pairLi[a] as number] as Order).orderId - (liveHere[pairLi[b] as number] as Order).orderId
  );
}

/** pairOrder[0, n) sorted stably by pairBefore (the order Array.prototype.sort gives with that comparator). */
function sortPairs(n: number, liveHere: readonly Order[]): void {
  for (let k = 0; k < n; k++) pairOrder[k] = k;
  if (n <= 1) return;
  if (n > INSERTION_SORT_MAX) {
    const order = Array.from(pairOrder.subarray(0, n));
    order.sort((a, b) => pairBefore(a, b, liveHere));
    pairOrder.set(order);
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = pairOrder[i] as number;
    let j = i - 1;
    while (j >= 0 && pairBefore(pairOrder[j] as number, x, liveHere) > 0) {
      pairOrder[j + 1] = pairOrder[j] as number;
      j--;
    }
    pairOrder[j + 1] = x;
  }
}

/**
 * Whether the doubles Number() made of two BigInts decide their equality: when both are safe integers, where
 * Number() is exact (equal doubles are equal BigInts, different ones different); else the BigInts must be
 * compared. (A test, not a comparison taking both forms: the BigInt side would be worked out eagerly.)
 */
const exactInDoubles = (a: number, b: number): boolean => Number.isSafeInteger(a) && Number.isSafeInteger(b);

/** Which live orders are kept for which desired ones (module doc); the answer is valid until the next call. */
export function matchClosest(
  wanted: readonly DesiredOrder[],
  liveHere: readonly Order[],
  rules: MatchRules,
): Matching {
  const nLive = liveHere.length;
  const nWanted = wanted.length;
  ensureSides(nLive, nWanted);
  // Each live order's price as a float, converted once, and the live orders split by side (a desired order only
  // pairs with its side). The float test comes before any BigInt one: of the ~n² pairs of a ladder that moved a
  // level only ~n lie within the threshold. Only those compare their remaining size, as BigInts: converting
  // every live and desired size to a float up front cost more than the few exact comparisons it spared.
  let nBids = 0;
  let nAsks = 0;
  for (let li = 0; li < nLive; li++) {
    const l = liveHere[li] as Order;
    livePx[li] = Number(l.price);
    // compatible()'s tests that do not depend on the desired order, asked once
    liveOk[li] = (!rules.reduceOnly || l.reduceOnly) && l.orderType === 'limit' && !l.ioc ? 1 : 0;
    if (l.side === 'buy') bidIdx[nBids++] = li;
    else askIdx[nAsks++] = li;
  }
  let pairs = 0;
  for (let di = 0; di < nWanted; di++) {
    const d = wanted[di] as DesiredOrder;
    if (d.taker) continue;
    const want = Number(d.price);
    const buy = d.side === 'buy';
    const sideIdx = buy ? bidIdx : askIdx;
    const n = buy ? nBids : nAsks;
    for (let k = 0; k < n; k++) {
      const li = sideIdx[k] as number;
      if (liveOk[li] === 0) continue;
      const l = liveHere[li] as Order;
      const bps = (Math.abs((livePx[li] as number) - want) * 10_000) / want;
      if (!(bps <= rules.limitBps)) continue;
      // compatible()'s tests that depend on the desired order (its side is the list's): the remaining size,
      // then the flags (pair-matching.test.ts holds the result to a model that asks compatible() itself)
      if (remaining(l) !== d.base) continue;
      if (l.reduceOnly !== d.reduceOnly || (l.postOnly !== 'none') !== d.postOnly) continue;
      // past its TTL only an exact match is kept (refreshed); within the threshold is not enough any more
      const px = livePx[li] as number;
      if (
        rules.ts - l.placedTs < rules.ttlMs ||
        (exactInDoubles(px, want) ? px === want : l.price === d.price)
      ) {
        ensurePairs(pairs + 1);
        pairDi[pairs] = di;
        pairLi[pairs] = li;
        pairBps[pairs] = bps;
        pairs++;
      }
    }
  }
  sortPairs(pairs, liveHere);
  const { keptBy, matchedD, keptOrder } = result;
  keptBy.fill(-1, 0, nLive);
  matchedD.fill(0, 0, nWanted);
  let kept = 0;
  for (let k = 0; k < pairs; k++) {
    const p = pairOrder[k] as number;
    const di = pairDi[p] as number;
    const li = pairLi[p] as number;
    if (matchedD[di] === 1 || (keptBy[li] as number) >= 0) continue;
    matchedD[di] = 1;
    keptBy[li] = di;
    keptOrder[kept++] = li;
  }
  result.kept = kept;
  return result;
}
