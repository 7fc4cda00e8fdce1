/**
 * The userOrderIds a plan hands to its new orders: the smallest ids in 1..255 that no open order uses. (The
 * engine's round-robin picker is another one: src/engine/user-order-ids.ts.)
 */
import type { Order } from '../domain/types.ts';

const MAX_USER_ORDER_ID = 255;

export interface UserOrderIds {
  /** The next free id, now taken; undefined when all 255 are used. */
  take(): number | undefined;
}

/**
 * The smallest userOrderIds in 1..255 not used by any open order of `live`, handed out in turn: a bit set of
 * 8 int32 words (a Set, or a 256-slot array, cost more than the rest of the plan).
 */
export function userOrderIds(live: readonly Order[]): UserOrderIds {
  const used = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const o of live) {
    const id = o.userOrderId;
    if (o.status === 'open' && Number.isInteger(id) && id >= 0 && id <= MAX_USER_ORDER_ID)
      used[id >> 5] |= 1 << (id & 31);
  }
  let next = 1;
  return {
    take(): number | undefined {
      while (next <= MAX_USER_ORDER_ID && (used[next >> 5] & (1 << (next & 31))) !== 0) next++;
      if (next > MAX_USER_ORDER_ID) return undefined;
      used[next >> 5] |= 1 << (next & 31);
      return next;
    },
  };
}
