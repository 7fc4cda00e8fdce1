/**
 * A record of a list of live orders, to tell later whether another list holds the same orders: the same objects
 * in the same order. Orders are values — a venue hands out order objects it never changes afterwards (the
 * simulator gives an order a new object on a fill, a cancel or a floating reprice, src/venue/sim/
 * order-values.test.ts; kept-account.ts copies what a live venue reads) — so the same object is the same order
 * in the same state. A backtest's account view brings a new list at every read, so the list's own identity says
 * nothing; its objects do, without a BigInt compared (each such comparison is a runtime call: comparing the
 * fields cost ~450 ns for 20 orders).
 */
import type { Order } from '../domain/types.ts';

export class LiveOrdersRecord {
  #orders: Order[] = [];

  /** Records `live` as it is now (the array is reused: this runs on every bar). */
  take(live: readonly Order[]): void {
    const n = live.length;
    this.#orders.length = n;
    for (let i = 0; i < n; i++) this.#orders[i] = live[i];
  }

  /** Whether `live` holds the recorded orders, in the recorded order. */
  matches(live: readonly Order[]): boolean {
    const n = live.length;
    if (n !== this.#orders.length) return false;
    for (let i = 0; i < n; i++) if (live[i] !== this.#orders[i]) return false;
    return true;
  }
}
