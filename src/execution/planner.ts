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
import { type PlannedCommands, packCommands } from './command-packing.ts';
import { type UserOrderIds, userOrderIds } from './free-user-order-ids.ts';
import { compatible, matchClosest } from './pair-matching.ts';
import { dropLowestPriorityKept, unmatchedByPriority } from './placement-priority.ts';
import type { ExecutionPolicy } from './policy.ts';

const absBig = (v: bigint): bigint => (v < 0n ? -v : v);

/**
 * True when the live set already is the wanted set, order for order (same side, price, size and flags), so
 * the plan is empty. Linear in practice: live orders usually sit in the order the ladder placed them.
 * `reduceOnly`: under REDUCE_ONLY a live order without the flag does not count.
 */
function exactlyLive(wanted: readonly DesiredOrder[], live: readonly Order[], reduceOnly: boolean): boolean {
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
      if (l.price === d.price && compatible(l, d) && (!reduceOnly || l.reduceOnly)) {
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

/**
 * The live orders of the verdict's market: `live` itself when every one is an open order of it (the usual
 * case: a venue's view lists open orders, a grid trades one market), else the selection. Read only.
 */
function liveIn(live: readonly Order[], marketIndex: number): readonly Order[] {
  let all = true;
  for (const o of live) {
    if (o.status !== 'open' || o.marketIndex !== marketIndex) {
      all = false;
      break;
    }
  }
  if (all) return live;
  const liveHere: Order[] = [];
  for (const o of live) if (o.status === 'open' && o.marketIndex === marketIndex) liveHere.push(o);
  return liveHere;
}

const placeable = (o: DesiredOrder, marketIndex: number): boolean =>
  o.marketIndex === marketIndex && o.base > 0n && o.price > 0n;

/**
 * The desired orders that can be placed in the verdict's market, REDUCE_ONLY enforced: `desired` itself when
 * every one can and the verdict is not REDUCE_ONLY, else a new list. Read only.
 */
function wantedOf(
  desired: readonly DesiredOrder[],
  verdict: Verdict,
  positionBase: bigint | undefined,
): readonly DesiredOrder[] {
  const marketIndex = verdict.band.marketIndex;
  let all = true;
  for (const o of desired) {
    if (!placeable(o, marketIndex)) {
      all = false;
      break;
    }
  }
  if (all && verdict.kind !== 'REDUCE_ONLY') return desired;
  const wanted: DesiredOrder[] = [];
  for (const o of desired) if (placeable(o, marketIndex)) wanted.push(o);
  return verdict.kind === 'REDUCE_ONLY' ? enforceReduceOnly(wanted, positionBase) : wanted;
}

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
    verdict.kind === 'REDUCE_ONLY',
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
  // Plain loops, flag arrays and scratch space (pair-matching.ts) instead of filter/map/Set/Map chains: this
  // runs on every decision of a backtest and on every fill of every paper bot, where those allocations showed
  // up as a large share of the time.
  const marketIndex = verdict.band.marketIndex;
  const liveHere = liveIn(live, marketIndex);
  if (verdict.kind === 'PAUSE') return liveHere.length > 0 ? [{ kind: 'cancelAll', marketIndex }] : [];

  const wanted = wantedOf(desired, verdict, positionBase);
  const reduceOnly = verdict.kind === 'REDUCE_ONLY';

  // Fast path (the common case on a quiet bar): liveIsWanted's check, on the lists already selected.
  if (askFastPath && exactlyLive(wanted, liveHere, reduceOnly)) return [];

  const nLive = liveHere.length;
  const { keptBy, matchedD, keptOrder, kept } = matchClosest(wanted, liveHere, {
    limitBps: policy.requoteThresholdBps + 1e-9,
    ttlMs: policy.ttlSec * 1000,
    ts,
    reduceOnly,
  });

  // Open-order cap: kept + new ≤ maxOpenOrders; drop the lowest-priority kept orders only if they alone exceed it.
  const cap = policy.maxOpenOrders;
  if (kept > cap) dropLowestPriorityKept(wanted, keptBy, keptOrder, kept, cap);
  const keptCount = Math.min(kept, cap);
  const toPlace = unmatchedByPriority(wanted, matchedD, Math.max(0, cap - keptCount));
  const toCancel: Order[] = [];
  for (let li = 0; li < nLive; li++) if ((keptBy[li] as number) < 0) toCancel.push(liveHere[li] as Order);

  // userOrderIds: avoid every id still live (a cancel may land after the place), smallest first.
  const ids = userOrderIds(live);
  const planned: PlannedCommands = {
    cancels: [],
    takerPlaces: [],
    atomics: [],
    modifies: [],
    makerPlaces: [],
  };
  for (const o of toPlace) {
    if (!o.taker) continue;
    const id = ids.take();
    if (id !== undefined) planned.takerPlaces.push({ kind: 'place', order: toOrderParams(o, policy, id) });
  }
  for (const side of SIDES) planSide(side, toPlace, toCancel, policy, ids, planned);
  // Cancels first so their slots are free before anything new lands; bound to the placements when those need
  // the slots, and split to what one transaction carries (command-packing.ts).
  return packCommands(planned, nLive, cap);
}

/**
 * One side's resting placements and cancels: with ≥ manyLevelsMovedThreshold places and something to cancel,
 * one atomic cancelAndPlace; otherwise modifies where a cancel and a place fuse, and plain places and cancels.
 */
function planSide(
  side: Side,
  toPlace: readonly DesiredOrder[],
  toCancel: readonly Order[],
  policy: ExecutionPolicy,
  ids: UserOrderIds,
  planned: PlannedCommands,
): void {
  let nPlaces = 0;
  let nCancels = 0;
  for (const d of toPlace) if (d.side === side && !d.taker) nPlaces++;
  for (const l of toCancel) if (l.side === side) nCancels++;
  if (nPlaces >= policy.manyLevelsMovedThreshold && nCancels > 0) {
    planned.atomics.push(cancelAndPlaceSide(side, toPlace, toCancel, policy, ids));
    return;
  }
  // Fuse a cancel and a place into one modify when only price/size differ (unfilled orders only: Drift's modify
  // of a partial fill makes the new size ambiguous). Each place takes the first cancel of its side still free.
  const fused = nPlaces > 0 && nCancels > 0 ? new Uint8Array(toCancel.length) : undefined;
  for (const d of toPlace) {
    if (d.side !== side || d.taker) continue;
    const i = fused ? firstFusableCancel(toCancel, fused, side, d) : -1;
    if (fused && i >= 0) {
      fused[i] = 1;
      const l = toCancel[i] as Order;
      planned.modifies.push({ kind: 'modify', orderId: l.orderId, price: d.price, base: d.base });
    } else {
      const id = ids.take();
      if (id !== undefined) planned.makerPlaces.push(toOrderParams(d, policy, id));
    }
  }
  for (let k = 0; k < toCancel.length; k++) {
    const l = toCancel[k] as Order;
    if (l.side === side && fused?.[k] !== 1) planned.cancels.push(l.orderId);
  }
}

/** A side whose levels moved: every resting placement and cancel of it in one atomic command. */
function cancelAndPlaceSide(
  side: Side,
  toPlace: readonly DesiredOrder[],
  toCancel: readonly Order[],
  policy: ExecutionPolicy,
  ids: UserOrderIds,
): Extract<OrderCommand, { kind: 'cancelAndPlace' }> {
  const params: OrderParams[] = [];
  for (const d of toPlace) {
    if (d.side !== side || d.taker) continue;
    const id = ids.take();
    if (id !== undefined) params.push(toOrderParams(d, policy, id));
  }
  const cancelOrderIds: number[] = [];
  for (const l of toCancel) if (l.side === side) cancelOrderIds.push(l.orderId);
  return { kind: 'cancelAndPlace', cancelOrderIds, place: params };
}

/** The index of the first cancel of `side` not yet fused that a modify can turn into `d`; −1 when none. */
function firstFusableCancel(
  toCancel: readonly Order[],
  fused: Uint8Array,
  side: Side,
  d: DesiredOrder,
): number {
  for (let k = 0; k < toCancel.length; k++) {
    const l = toCancel[k] as Order;
    if (fused[k] === 0 && l.side === side && fusable(l, d)) return k;
  }
  return -1;
}

/** A live order a modify can turn into `d`: an unfilled resting limit order with the same flags. */
const fusable = (l: Order, d: DesiredOrder): boolean =>
  l.filledBase === 0n &&
  l.orderType === 'limit' &&
  !l.ioc &&
  l.reduceOnly === d.reduceOnly &&
  (l.postOnly !== 'none') === d.postOnly;

const SIDES = ['buy', 'sell'] as const;

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
