/**
 * What DriftVenue checks of an OrderCommand before it spends a transaction: the orders it places, a userOrderId
 * already taken (by an open order or twice in the command), and an order it names that is not open, answered
 * from the last read of the account.
 */
import type { Order, OrderCommand, OrderParams, RejectReason } from '../../domain/types.ts';
import type { DriftAccountState } from './account-reader.ts';

/** The first placement whose non-zero userOrderId an open order or an earlier placement already carries. */
export function userOrderIdInUse(places: OrderParams[], open: Order[]): OrderParams | undefined {
  return places.find(
    (p, i) =>
      p.userOrderId !== 0 &&
      (open.some((o) => o.userOrderId === p.userOrderId) ||
        places.findIndex((q) => q.userOrderId === p.userOrderId) !== i),
  );
}

/** Checks the venue would refuse anyway, answered without spending a transaction. */
export function precheckCommand(
  c: OrderCommand,
  acct: DriftAccountState,
): { reason: RejectReason; detail: string } | undefined {
  const isOpen = (id: number) => acct.openOrders.some((o) => o.orderId === id);
  switch (c.kind) {
    case 'cancel':
    case 'modify':
      return isOpen(c.orderId)
        ? undefined
        : { reason: 'OrderNotFound', detail: `no open order ${c.orderId}` };
    case 'cancelByUserOrderId':
      return c.userOrderId > 0 && acct.openOrders.some((o) => o.userOrderId === c.userOrderId)
        ? undefined
        : { reason: 'OrderNotFound', detail: `no open userOrderId ${c.userOrderId}` };
    default:
      return undefined;
  }
}
