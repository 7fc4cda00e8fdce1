/**
 * Drift's userOrderId is a u8 (1..255, 0 = none) and must be unique among a subaccount's open orders.
 * Hands out ids round-robin, skipping those still in use.
 */
import type { Order } from '../domain/types.ts';

export class UserOrderIds {
  private last = 0;

  next(open: readonly Pick<Order, 'userOrderId'>[]): number {
    const used = new Set(open.map((o) => o.userOrderId));
    for (let k = 0; k < 255; k++) {
      this.last = (this.last % 255) + 1;
      if (!used.has(this.last)) return this.last;
    }
    throw new Error('all 255 userOrderIds are in use: more open orders than Drift allows');
  }
}
