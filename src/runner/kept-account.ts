/**
 * The account a session keeps (its `account`: the next `due` check, the API, the snapshot row) made from a
 * venue's read-only view (VenuePort.accountView), whose open orders are the venue's own objects and change in
 * place as the venue moves. Only the orders need copying (the view's positions and figures are already its
 * own), and an order that has not changed since the account kept before is equal to its copy then: that copy
 * is reused, so a bar without fills copies no order (and keeps the earlier list whole). Kept accounts are never
 * mutated, so two of them sharing an order copy, or a list, is safe.
 */
import type { AccountState, Order } from '../domain/types.ts';

/** `view` with copies of its open orders (reusing `previous`'s copies of orders that have not changed). */
export function keepAccount(view: AccountState, previous: AccountState | undefined): AccountState {
  const before = previous?.openOrders;
  const openOrders: Order[] = [];
  let same = before !== undefined && before.length === view.openOrders.length;
  for (let i = 0; i < view.openOrders.length; i++) {
    const o = view.openOrders[i] as Order;
    // The venue lists its orders in placement order, so an unchanged order's copy is at the same index, or a
    // few places later when orders before it ended.
    const old = before === undefined ? undefined : copyOf(before, i, o.orderId);
    const kept = old !== undefined && sameOrder(old, o) ? old : { ...o };
    if (before?.[i] !== kept) same = false;
    openOrders.push(kept);
  }
  // Nothing changed: the earlier list itself, so a reader can tell unchanged orders by the list's identity
  // (the grid bot's risk check keeps its sums of the orders while the list is the same).
  return { ...view, openOrders: same ? (before as Order[]) : openOrders };
}

/**
 * The previous copy of order `orderId`: at index `i` or later (orders ended before it shift it down the new
 * list; the venue never reorders them, so ids increase along the list).
 */
function copyOf(before: readonly Order[], i: number, orderId: number): Order | undefined {
  for (let k = i; k < before.length; k++) {
    const o = before[k] as Order;
    if (o.orderId === orderId) return o;
    if (o.orderId > orderId) return undefined;
  }
  return undefined;
}

/** Every field of Order (kept-account.test.ts changes each field of a `Required<Order>` in turn). */
function sameOrder(a: Order, b: Order): boolean {
  return (
    a.orderId === b.orderId &&
    a.status === b.status &&
    a.filledBase === b.filledBase &&
    a.price === b.price &&
    a.base === b.base &&
    a.marketIndex === b.marketIndex &&
    a.side === b.side &&
    a.orderType === b.orderType &&
    a.reduceOnly === b.reduceOnly &&
    a.postOnly === b.postOnly &&
    a.ioc === b.ioc &&
    a.userOrderId === b.userOrderId &&
    a.maxTs === b.maxTs &&
    a.oracleOffset === b.oracleOffset &&
    a.placedTs === b.placedTs
  );
}
