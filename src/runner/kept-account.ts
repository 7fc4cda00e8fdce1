/**
 * The account a session keeps (its `account`: the next `due` check, the API, the snapshot row) made from a
 * venue's read-only view (VenuePort.accountView). The view's open orders are values: the venue replaces an order
 * object when the order changes and never changes one it handed out, so the session keeps them as they are (it
 * copied every changed order before the simulator's orders became values; a fleet's fill bar spent a tenth of its
 * time on those copies and their field-by-field comparison). What remains is the list: when every order is the
 * object the account kept before had, the earlier list itself is kept, so a reader can tell unchanged orders by
 * the list's identity (the grid bot's risk check keeps its sums of the orders while the list is the same).
 */
import type { AccountState, Order } from '../domain/types.ts';

/** `view`, with `previous`'s list of open orders when it holds the same order objects in the same order. */
export function keepAccount(view: AccountState, previous: AccountState | undefined): AccountState {
  const before = previous?.openOrders;
  // the venue's own list again (the simulator hands out its last list while no order changed): nothing to keep,
  // and no copy of the account (most bars of most paper bots)
  if (before === view.openOrders) return view;
  return before !== undefined && sameObjects(before, view.openOrders)
    ? { ...view, openOrders: before }
    : view;
}

function sameObjects(a: readonly Order[], b: readonly Order[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
