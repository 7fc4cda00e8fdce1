/**
 * What a sent OrderCommand did, told from the account reads before and after it: whether its effect is visible
 * (asked before a fresh retry, see tx-sender.ts) and the order ids it made or cancelled.
 */
import { type OrderCommand, placesOf, type VenueEvent } from '../../domain/types.ts';
import type { DriftAccountState } from './account-reader.ts';

/** Whether a command's effect shows in `now`, a read taken after it was sent (`before`: the read before). */
export function isCommandApplied(
  c: OrderCommand,
  before: DriftAccountState,
  now: DriftAccountState,
): boolean {
  const openIds = new Set(now.openOrders.map((o) => o.orderId));
  const openUoids = new Set(now.openOrders.map((o) => o.userOrderId));
  switch (c.kind) {
    case 'place':
    case 'cancelAndPlace':
      return placesOf(c).length > 0
        ? placesOf(c).every((p) => openUoids.has(p.userOrderId))
        : c.kind === 'cancelAndPlace' && c.cancelOrderIds.every((id) => !openIds.has(id));
    case 'cancel':
    case 'modify':
      return !openIds.has(c.orderId);
    case 'cancelByUserOrderId':
      return !openUoids.has(c.userOrderId);
    case 'cancelAll':
      return before.openOrders.every(
        (o) => (c.marketIndex !== undefined && o.marketIndex !== c.marketIndex) || !openIds.has(o.orderId),
      );
    case 'placeAndTake': {
      // Taker orders leave nothing open: the trace of a landed transaction is a position that moved.
      const baseOf = (a: DriftAccountState, i: number) =>
        a.positions.find((p) => p.marketIndex === i)?.base ?? 0n;
      return c.orders.some((o) => baseOf(now, o.marketIndex) !== baseOf(before, o.marketIndex));
    }
  }
}

/** The order ids a landed command made (new orders) or cancelled. */
export function orderIdsOf(
  sub: number,
  c: OrderCommand,
  before: DriftAccountState,
  after: DriftAccountState,
  seen: VenueEvent[],
): number[] {
  switch (c.kind) {
    case 'cancel':
      return [c.orderId];
    case 'cancelByUserOrderId':
      return before.openOrders.filter((o) => o.userOrderId === c.userOrderId).map((o) => o.orderId);
    case 'cancelAll':
      return before.openOrders
        .filter((o) => c.marketIndex === undefined || o.marketIndex === c.marketIndex)
        .map((o) => o.orderId);
    default: {
      // New orders: accepted events of this subaccount seen during the command (program records or diffs),
      // else orders now open that were not before and carry one of our userOrderIds.
      const uoids = new Set(
        c.kind === 'modify'
          ? before.openOrders.filter((o) => o.orderId === c.orderId).map((o) => o.userOrderId)
          : placesOf(c).map((p) => p.userOrderId),
      );
      const fromEvents = seen.flatMap((e) =>
        e.type === 'accepted' && e.subaccountId === sub && uoids.has(e.order.userOrderId)
          ? [e.order.orderId]
          : [],
      );
      if (fromEvents.length > 0) return fromEvents;
      const old = new Set(before.openOrders.map((o) => o.orderId));
      return after.openOrders
        .filter((o) => !old.has(o.orderId) && uoids.has(o.userOrderId))
        .map((o) => o.orderId);
    }
  }
}
