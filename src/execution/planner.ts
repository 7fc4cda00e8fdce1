/**
 * The planner: diffs the desired orders against the live ones and emits the fewest commands that make the live
 * set match, without ever breaking the verdict.
 * - PAUSE: exactly one cancelAll for the market when anything is live, nothing otherwise.
 * - REDUCE_ONLY: every order placed is flagged reduce-only; a live order without the flag is not kept; given the
 *   position, orders on the growing side are dropped and the closing side is capped at |position|.
 * - A live order is kept when a desired order has the same side, remaining size and flags and a price within
 *   requoteThresholdBps; pairs are matched globally closest-first so that planning again on the result matches
 *   the same pairs (idempotence).
 * - TTL without churn: an order older than ttlSec is kept only when it is exactly what is wanted (same price,
 *   size and flags) — re-placing an identical order would change nothing but cost a transaction; an older order
 *   that merely sits within the requote threshold is requoted to the exact price.
 * - Per side: ≥ manyLevelsMovedThreshold new orders and something to cancel → one atomic cancelAndPlace;
 *   otherwise a cancel and a place of compatible orders fuse into one modify, the rest are single commands —
 *   unless the new orders need the cancelled slots, then cancels and places go atomically (command-packing.ts).
 * - The open-order cap counts kept + new orders; new orders are dropped farthest level first (defense and
 *   reduction, level 0, go first). userOrderIds are the smallest ids in 1..255 not used by any live order.
 */
import type { Verdict } from '../domain/intent.ts';
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { Order, OrderCommand, OrderParams, Side } from '../domain/types.ts';
import { packCommands } from './command-packing.ts';
import type { ExecutionPolicy } from './policy.ts';

const MAX_USER_ORDER_ID = 255;

/** Base left on an order; an unfilled one (most of a ladder) needs no BigInt subtraction, i.e. no allocation. */
const remaining = (o: Order): bigint => (o.filledBase === 0n ? o.base : o.base - o.filledBase);
const absBig = (v: bigint): bigint => (v < 0n ? -v : v);

/**
 * True when the live set already is the wanted set, order for order (same side, price, size and flags), so
 * the plan is empty. Linear in practice: live orders usually sit in the order the ladder placed them.
 */
function exactlyLive(
  wanted: readonly DesiredOrder[],
  live: readonly Order[],
  keepable: (l: Order) => boolean,
): boolean {
  const n = wanted.length;
  if (n !== live.length) return false;
  // Matched live orders: an int32 bit mask (n ≤ 32 whenever this can be true: Drift's open-order cap). It was a
  // bigint mask, whose allocations made this fast path one of the backtest's hottest spots; beyond 32 a flag
  // array keeps it correct.
  let mask = 0;
  const flags: boolean[] | undefined = n > 32 ? new Array<boolean>(n).fill(false) : undefined;
  for (let i = 0; i < n; i++) {
    const d = wanted[i];
    if (d.taker) return false;
    let found = false;
    for (let k = 0, j = i; k < n; k++, j = j + 1 === n ? 0 : j + 1) {
      if (flags ? flags[j] : (mask & (1 << j)) !== 0) continue;
      const l = live[j];
      if (l.price === d.price && compatible(l, d) && keepable(l)) {
        if (flags) flags[j] = true;
        else mask |= 1 << j;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function compatible(l: Order, d: DesiredOrder): boolean {
  return (
    l.side === d.side &&
    remaining(l) === d.base &&
    l.reduceOnly === d.reduceOnly &&
    (l.postOnly !== 'none') === d.postOnly &&
    l.orderType === 'limit' &&
    !l.ioc
  );
}

/** Under REDUCE_ONLY: flag everything reduce-only; with a known position keep only the closing side, ≤ |q|. */
function enforceReduceOnly(desired: DesiredOrder[], positionBase: bigint | undefined): DesiredOrder[] {
  const flagged = desired.map((o) => (o.reduceOnly ? o : { ...o, reduceOnly: true }));
  if (positionBase === undefined) return flagged;
  if (positionBase === 0n) return [];
  const closing: Side = positionBase > 0n ? 'sell' : 'buy';
  let left = absBig(positionBase);
  const out: DesiredOrder[] = [];
  for (const o of flagged) {
    if (o.side !== closing || o.base > left) continue;
    out.push(o);
    left -= o.base;
  }
  return out;
}

/** Placement priority: level 0 (defense, reduction) first, taker before maker, then nearest level. */
const priority = (o: DesiredOrder): number => (o.level === 0 ? (o.taker ? 0 : 1) : 1 + o.level);

export function toOrderParams(d: DesiredOrder, policy: ExecutionPolicy, userOrderId: number): OrderParams {
  return {
    marketIndex: d.marketIndex,
    side: d.side,
    orderType: d.taker ? 'market' : 'limit',
    base: d.base,
    price: d.price,
    reduceOnly: d.reduceOnly,
    postOnly: !d.taker && d.postOnly ? policy.postOnly : 'none',
    ioc: d.taker,
    userOrderId,
  };
}

/** The live orders of the verdict's market. */
function liveIn(live: readonly Order[], marketIndex: number): Order[] {
  const liveHere: Order[] = [];
  for (const o of live) if (o.status === 'open' && o.marketIndex === marketIndex) liveHere.push(o);
  return liveHere;
}

/** The desired orders that can be placed in the verdict's market, REDUCE_ONLY enforced. */
function wantedOf(
  desired: readonly DesiredOrder[],
  verdict: Verdict,
  positionBase: bigint | undefined,
): DesiredOrder[] {
  const marketIndex = verdict.band.marketIndex;
  const wanted: DesiredOrder[] = [];
  for (const o of desired) if (o.marketIndex === marketIndex && o.base > 0n && o.price > 0n) wanted.push(o);
  return verdict.kind === 'REDUCE_ONLY' ? enforceReduceOnly(wanted, positionBase) : wanted;
}

const flagsOkUnder =
  (verdict: Verdict) =>
  (l: Order): boolean =>
    verdict.kind !== 'REDUCE_ONLY' || l.reduceOnly;

/**
 * The planner's fast path, on its own: every live order of the market is exactly a wanted one and vice versa
 * (same side, price, remaining size and flags), so the plan is empty whatever the time — an exact order past
 * its TTL is refreshed by keeping it. The clock is not read, so what held once holds for the same inputs later
 * (the engine's quiet-plan memo relies on that). Never true under PAUSE (that plan reads only the live set).
 */
export function liveIsWanted(
  desired: readonly DesiredOrder[],
  live: readonly Order[],
  verdict: Verdict,
  positionBase?: bigint,
): boolean {
  if (verdict.kind === 'PAUSE') return false;
  return exactlyLive(
    wantedOf(desired, verdict, positionBase),
    liveIn(live, verdict.band.marketIndex),
    flagsOkUnder(verdict),
  );
}

export function planOrders(
  desired: readonly DesiredOrder[],
  live: readonly Order[],
  policy: ExecutionPolicy,
  verdict: Verdict,
  ts: number,
  /** The venue's position (BASE): lets the planner enforce REDUCE_ONLY strictly as a second line of defense. */
  positionBase?: bigint,
): OrderCommand[] {
  return plan(desired, live, policy, verdict, ts, positionBase, true);
}

/**
 * planOrders for a caller that has just asked `liveIsWanted` on the same inputs and heard no: the fast path,
 * which would answer no again, is not run twice.
 */
export function planOrdersNotWanted(
  desired: readonly DesiredOrder[],
  live: readonly Order[],
  policy: ExecutionPolicy,
  verdict: Verdict,
  ts: number,
  positionBase?: bigint,
): OrderCommand[] {
  return plan(desired, live, policy, verdict, ts, positionBase, false);
}

function plan(
  desired: readonly DesiredOrder[],
  live: readonly Order[],
  policy: ExecutionPolicy,
  verdict: Verdict,
  ts: number,
  positionBase: bigint | undefined,
  askFastPath: boolean,
): OrderCommand[] {
  // Plain loops and flag arrays instead of filter/map/Set/Map chains: this runs on every decision of a backtest
  // (hundreds of thousands per simulated year), where those allocations showed up as a large share of the time.
  const marketIndex = verdict.band.marketIndex;
  const liveHere = liveIn(live, marketIndex);
  if (verdict.kind === 'PAUSE') return liveHere.length > 0 ? [{ kind: 'cancelAll', marketIndex }] : [];

  const wanted = wantedOf(desired, verdict, positionBase);
  const ttlMs = policy.ttlSec * 1000;
  const flagsOk = flagsOkUnder(verdict);
  const fresh = (l: Order): boolean => ts - l.placedTs < ttlMs && flagsOk(l);

  // Fast path (the common case on a quiet bar): liveIsWanted's check, on the lists already selected.
  if (askFastPath && exactlyLive(wanted, liveHere, flagsOk)) return [];

  // Global closest-first matching of resting desired orders to live ones. Prices are compared as floats
  // (converted once), which is exact enough for a bps threshold.
  const nLive = liveHere.length;
  const nWanted = wanted.length;
  const pairs: { di: number; li: number; bps: number }[] = [];
  const limitBps = policy.requoteThresholdBps + 1e-9;
  // Each live order's price as a float, converted once. The price test comes before the BigInt ones: of the
  // ~n² same-side pairs of a ladder that moved a level, only ~n lie within the threshold (a fleet's fill bar
  // spent a tenth of its time here comparing BigInt sizes of pairs far apart).
  const livePx: number[] = [];
  const liveOk: boolean[] = [];
  for (const l of liveHere) {
    livePx.push(Number(l.price));
    liveOk.push(flagsOk(l));
  }
  for (let di = 0; di < nWanted; di++) {
    const d = wanted[di];
    if (d.taker) continue;
    const want = Number(d.price);
    for (let li = 0; li < nLive; li++) {
      const l = liveHere[li];
      if (!liveOk[li] || l.side !== d.side) continue;
      const bps = (Math.abs(livePx[li] - want) * 10_000) / want;
      if (!(bps <= limitBps) || !compatible(l, d)) continue;
      // past its TTL only an exact match is kept (refreshed); within the threshold is not enough any more
      if (fresh(l) || l.price === d.price) pairs.push({ di, li, bps });
    }
  }
  if (pairs.length > 1) {
    pairs.sort((a, b) => a.bps - b.bps || a.di - b.di || liveHere[a.li].orderId - liveHere[b.li].orderId);
  }
  const matchedD: boolean[] = new Array<boolean>(nWanted).fill(false);
  const keptBy: number[] = new Array<number>(nLive).fill(-1); // live index → desired index, −1 when not kept
  const keptOrder: number[] = []; // kept live indexes in the order they were matched
  for (const p of pairs) {
    if (matchedD[p.di] || keptBy[p.li] >= 0) continue;
    matchedD[p.di] = true;
    keptBy[p.li] = p.di;
    keptOrder.push(p.li);
  }

  // Open-order cap: kept + new ≤ maxOpenOrders; drop the lowest-priority kept orders only if they alone exceed it.
  const cap = policy.maxOpenOrders;
  if (keptOrder.length > cap) {
    keptOrder.sort((a, b) => priority(wanted[keptBy[a]]) - priority(wanted[keptBy[b]]));
    for (let k = cap; k < keptOrder.length; k++) keptBy[keptOrder[k]] = -1;
  }
  const keptCount = Math.min(keptOrder.length, cap);
  let toPlace: DesiredOrder[] = [];
  for (let di = 0; di < nWanted; di++) if (!matchedD[di]) toPlace.push(wanted[di]);
  sortByPriority(toPlace);
  const room = Math.max(0, cap - keptCount);
  if (toPlace.length > room) toPlace = toPlace.slice(0, room);
  const toCancel: Order[] = [];
  for (let li = 0; li < nLive; li++) if (keptBy[li] < 0) toCancel.push(liveHere[li]);

  // userOrderIds: avoid every id still live (a cancel may land after the place), smallest first.
  // A bit set of 8 int32 words over 0..255 (a Set, or a 256-slot array, cost more than the rest of the plan).
  const used = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const o of live) {
    const id = o.userOrderId;
    if (o.status === 'open' && Number.isInteger(id) && id >= 0 && id <= MAX_USER_ORDER_ID)
      used[id >> 5] |= 1 << (id & 31);
  }
  let nextId = 1;
  const takeId = (): number | undefined => {
    while (nextId <= MAX_USER_ORDER_ID && (used[nextId >> 5] & (1 << (nextId & 31))) !== 0) nextId++;
    if (nextId > MAX_USER_ORDER_ID) return undefined;
    used[nextId >> 5] |= 1 << (nextId & 31);
    return nextId;
  };

  const cancels: number[] = [];
  const atomics: Extract<OrderCommand, { kind: 'cancelAndPlace' }>[] = [];
  const modifies: OrderCommand[] = [];
  const takerPlaces: OrderCommand[] = [];
  const makerPlaces: OrderParams[] = [];
  const place = (d: DesiredOrder): OrderParams | undefined => {
    const id = takeId();
    return id === undefined ? undefined : toOrderParams(d, policy, id);
  };

  for (const o of toPlace) {
    if (!o.taker) continue;
    const p = place(o);
    if (p) takerPlaces.push({ kind: 'place', order: p });
  }
  for (const side of SIDES) {
    const sideCancels: Order[] = [];
    for (const l of toCancel) if (l.side === side) sideCancels.push(l);
    const sidePlaces: DesiredOrder[] = [];
    for (const d of toPlace) if (d.side === side && !d.taker) sidePlaces.push(d);
    if (sidePlaces.length >= policy.manyLevelsMovedThreshold && sideCancels.length > 0) {
      const params: OrderParams[] = [];
      for (const d of sidePlaces) {
        const p = place(d);
        if (p !== undefined) params.push(p);
      }
      atomics.push({
        kind: 'cancelAndPlace',
        cancelOrderIds: sideCancels.map((l) => l.orderId),
        place: params,
      });
      continue;
    }
    // Fuse a cancel and a place into one modify when only price/size differ (unfilled orders only: Drift's modify
    // of a partial fill makes the new size ambiguous).
    const freeCancels = sideCancels;
    for (const d of sidePlaces) {
      const i = freeCancels.findIndex(
        (l) =>
          l.filledBase === 0n &&
          l.orderType === 'limit' &&
          !l.ioc &&
          l.reduceOnly === d.reduceOnly &&
          (l.postOnly !== 'none') === d.postOnly,
      );
      if (i >= 0) {
        const [l] = freeCancels.splice(i, 1);
        modifies.push({ kind: 'modify', orderId: l.orderId, price: d.price, base: d.base });
      } else {
        const p = place(d);
        if (p) makerPlaces.push(p);
      }
    }
    for (const l of freeCancels) cancels.push(l.orderId);
  }
  // Cancels first so their slots are free before anything new lands; bound to the placements when those need
  // the slots, and split to what one transaction carries (command-packing.ts).
  return packCommands({ cancels, takerPlaces, atomics, modifies, makerPlaces }, nLive, cap);
}

const SIDES = ['buy', 'sell'] as const;

/**
 * Stable in-place sort by placement priority, as `Array.prototype.sort` with a priority comparator would give;
 * a plain insertion sort with the keys computed once is cheaper for the ≤ 64 orders of a plan.
 */
function sortByPriority(orders: DesiredOrder[]): void {
  const keys = orders.map(priority);
  for (let i = 1; i < orders.length; i++) {
    const o = orders[i];
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      orders[j + 1] = orders[j];
      keys[j + 1] = keys[j];
      j--;
    }
    orders[j + 1] = o;
    keys[j + 1] = k;
  }
}
/**
 * Simulates a plan on a live set: cancels remove, places rest as new open orders (taker/IOC orders do not rest:
 * they fill or die at once), a modify re-places the order under a new orderId with the same userOrderId.
 * Used by the idempotence test and by the backtest's bookkeeping.
 */
export function applyPlanToLiveOrders(
  live: readonly Order[],
  commands: readonly OrderCommand[],
  nextOrderId: number,
  ts = 0,
): { live: Order[]; nextOrderId: number } {
  let out = [...live];
  const rest = (p: OrderParams): void => {
    const orderId = nextOrderId++;
    if (!p.ioc) out.push({ ...p, orderId, filledBase: 0n, status: 'open', placedTs: ts });
  };
  for (const c of commands) {
    switch (c.kind) {
      case 'cancel':
        out = out.filter((o) => o.orderId !== c.orderId);
        break;
      case 'cancelByUserOrderId':
        out = out.filter((o) => o.userOrderId !== c.userOrderId);
        break;
      case 'cancelAll':
        out = out.filter((o) => c.marketIndex !== undefined && o.marketIndex !== c.marketIndex);
        break;
      case 'cancelAndPlace': {
        const ids = new Set(c.cancelOrderIds);
        out = out.filter((o) => !ids.has(o.orderId));
        c.place.forEach(rest);
        break;
      }
      case 'modify': {
        const i = out.findIndex((o) => o.orderId === c.orderId);
        if (i < 0) break;
        const old = out[i];
        out.splice(i, 1);
        rest({ ...old, price: c.price ?? old.price, base: c.base ?? old.base });
        break;
      }
      case 'place':
        rest(c.order);
        break;
    }
  }
  return { live: out, nextOrderId };
}
