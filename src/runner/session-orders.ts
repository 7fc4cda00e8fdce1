/**
 * The orders a session knows it has on the venue, kept from the venue's events (accepted, cancelled, filled), with
 * the cycle that placed each (a later maker fill is logged with that cycle's id). Every change of an order's state,
 * and every fill, is buffered for the database in the session's writes. Orders are values (VenuePort: a venue
 * never changes an order it handed out), and nothing here changes one: a fill or cancel replaces the known one.
 */
import type { Order, VenueEvent } from '../domain/types.ts';
import type { PendingWrites } from './pending-writes.ts';

type Filled = Extract<VenueEvent, { type: 'filled' }>;

/** Venue fill identity: an order's fills have strictly decreasing remainders, so (orderId, remainder) is unique. */
export const venueFillId = (e: Filled): string => `${e.fill.orderId}:${e.remainingBase}`;

export class SessionOrders {
  readonly #known = new Map<number, Order>();
  /** Order id → cid of the cycle that placed it. */
  readonly #placedBy = new Map<number, string>();
  /** The session's write buffer (made on first use). */
  readonly #writes: () => PendingWrites;

  constructor(writes: () => PendingWrites) {
    this.#writes = writes;
  }

  /** The venue accepted `order`, placed by cycle `cid` (undefined outside a cycle). */
  accepted(order: Order, cid: string | undefined): void {
    this.#known.set(order.orderId, order);
    this.#writes().orders.set(order.orderId, order);
    if (cid !== undefined) this.#placedBy.set(order.orderId, cid);
  }

  /** The venue cancelled an order (`expired`: its time ran out). */
  cancelled(orderId: number, reason: string): void {
    const o = this.#known.get(orderId);
    this.#placedBy.delete(orderId);
    if (!o) return;
    this.#known.delete(orderId);
    this.#writes().orders.set(orderId, { ...o, status: reason === 'expired' ? 'expired' : 'cancelled' });
  }

  /** A fill (identity `fillId`): buffered with the order's new state. Returns the cid of the placing cycle. */
  filled(e: Filled, fillId: string): string | undefined {
    const f = e.fill;
    const w = this.#writes();
    w.fills.push({ ...f, venueFillId: fillId });
    const o = this.#known.get(f.orderId);
    if (o) {
      const next: Order = {
        ...o,
        filledBase: o.base - e.remainingBase,
        status: e.remainingBase === 0n ? 'filled' : 'open',
      };
      if (e.remainingBase === 0n) this.#known.delete(f.orderId);
      else this.#known.set(f.orderId, next);
      w.orders.set(f.orderId, next);
    }
    const placedBy = this.#placedBy.get(f.orderId);
    if (e.remainingBase === 0n) this.#placedBy.delete(f.orderId);
    return placedBy;
  }

  /** Orders the bot knows it placed (adopted after a restart). */
  know(orders: readonly Order[]): void {
    for (const o of orders) this.#known.set(o.orderId, { ...o });
  }

  /**
   * The known orders brought in line with the venue's `open` orders, matched by order id and userOrderId: orders
   * that landed while the outcome was unknown are adopted; known orders the venue no longer has ended unseen and
   * are dropped (as cancelled). Returns both lists' order ids.
   */
  reconcile(open: readonly Order[]): { adopted: number[]; gone: number[] } {
    const openKeys = new Set(open.map((o) => `${o.orderId}:${o.userOrderId}`));
    const adopted: number[] = [];
    for (const o of open) {
      if (this.#known.has(o.orderId)) continue;
      this.#known.set(o.orderId, { ...o });
      this.#writes().orders.set(o.orderId, { ...o });
      adopted.push(o.orderId);
    }
    const gone: number[] = [];
    for (const [id, o] of this.#known) {
      if (openKeys.has(`${id}:${o.userOrderId}`)) continue;
      this.#known.delete(id);
      this.#writes().orders.set(id, { ...o, status: 'cancelled' });
      gone.push(id);
    }
    return { adopted, gone };
  }
}
