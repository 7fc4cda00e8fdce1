/**
 * userOrderId bookkeeping. Drift keeps a userOrderId (1..255) unique among a subaccount's open orders and
 * rejects a second open order with the same one (UserOrderIdAlreadyInUse). The venue leans on that:
 * - every order it places carries a non-zero userOrderId (assigned here when the caller left 0);
 * - an id whose placement outcome is unknown stays reserved until a fresh read of the venue settles it, so a
 *   retry of the same logical order (same id) is refused by the program if the first one did land, and a new
 *   order never borrows an id that may still appear on chain;
 * - ids rotate (next after the last one handed out) so a just-cancelled id is not reused at once.
 * It also remembers what the chain does not keep: the post-only flavour and when an order was first seen.
 */
import type { Order, OrderParams, PostOnly } from '../../domain/types.ts';
import type { OrderMemory } from './account-reader.ts';

export const MAX_USER_ORDER_ID = 255;

interface SubBook {
  /** userOrderId → its post-only flavour, while we may still see the order. */
  postOnly: Map<number, PostOnly>;
  /** userOrderIds sent with an unknown outcome. */
  unknown: Set<number>;
  /** orderId → epoch ms first seen. */
  placedTs: Map<number, number>;
  cursor: number;
}

export class UserOrderIdBook implements OrderMemory {
  readonly #subs = new Map<number, SubBook>();

  #sub(id: number): SubBook {
    let s = this.#subs.get(id);
    if (!s) {
      s = { postOnly: new Map(), unknown: new Set(), placedTs: new Map(), cursor: 0 };
      this.#subs.set(id, s);
    }
    return s;
  }

  /**
   * Gives each order a usable userOrderId: kept when set, else the next id free among open orders, the other
   * orders of this batch and unknown sends. Returns undefined when all 255 are taken.
   */
  assign(subaccountId: number, orders: OrderParams[], open: readonly Order[]): OrderParams[] | undefined {
    const s = this.#sub(subaccountId);
    const taken = new Set<number>([...open.map((o) => o.userOrderId), ...s.unknown]);
    for (const o of orders) if (o.userOrderId !== 0) taken.add(o.userOrderId);
    const out: OrderParams[] = [];
    for (const o of orders) {
      if (o.userOrderId !== 0) {
        out.push(o);
        continue;
      }
      let id = 0;
      for (let step = 1; step <= MAX_USER_ORDER_ID; step++) {
        const candidate = ((s.cursor + step - 1) % MAX_USER_ORDER_ID) + 1;
        if (!taken.has(candidate)) {
          id = candidate;
          break;
        }
      }
      if (id === 0) return undefined;
      s.cursor = id;
      taken.add(id);
      out.push({ ...o, userOrderId: id });
    }
    return out;
  }

  /** Called before sending: remember each order's post-only flavour. */
  sending(subaccountId: number, orders: readonly OrderParams[]): void {
    const s = this.#sub(subaccountId);
    for (const o of orders) s.postOnly.set(o.userOrderId, o.postOnly);
  }

  /** The send's outcome is unknown: keep these ids reserved until `reconcile` sees the venue again. */
  markUnknown(subaccountId: number, userOrderIds: readonly number[]): void {
    const s = this.#sub(subaccountId);
    for (const id of userOrderIds) s.unknown.add(id);
  }

  hasUnknown(): boolean {
    for (const s of this.#subs.values()) if (s.unknown.size > 0) return true;
    return false;
  }

  subaccountsWithUnknown(): number[] {
    return [...this.#subs].filter(([, s]) => s.unknown.size > 0).map(([id]) => id);
  }

  /**
   * After a fresh read of the venue (the blockhash of any unknown send has expired by then, so the chain's
   * answer is final): unknown ids found open landed; the others did not (or filled at once) and are released.
   * Returns the unknown-outcome orders that turned out to be open.
   */
  reconcile(subaccountId: number, open: readonly Order[], now: number): Order[] {
    const s = this.#sub(subaccountId);
    const landed = open.filter((o) => s.unknown.has(o.userOrderId));
    s.unknown.clear();
    this.observe(subaccountId, open, now);
    return landed;
  }

  /** Records first-seen times of open orders and forgets orders that are gone. */
  observe(subaccountId: number, open: readonly Order[], now: number): void {
    const s = this.#sub(subaccountId);
    const ids = new Set(open.map((o) => o.orderId));
    for (const o of open) if (!s.placedTs.has(o.orderId)) s.placedTs.set(o.orderId, now);
    for (const id of s.placedTs.keys()) if (!ids.has(id)) s.placedTs.delete(id);
    const uoids = new Set(open.map((o) => o.userOrderId));
    for (const id of s.postOnly.keys()) if (!uoids.has(id) && !s.unknown.has(id)) s.postOnly.delete(id);
  }

  postOnly(subaccountId: number, userOrderId: number): PostOnly | undefined {
    return this.#subs.get(subaccountId)?.postOnly.get(userOrderId);
  }

  placedTs(subaccountId: number, orderId: number): number | undefined {
    return this.#subs.get(subaccountId)?.placedTs.get(orderId);
  }
}
