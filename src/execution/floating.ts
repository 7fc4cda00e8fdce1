/**
 * Oracle-offset ("floating") maker orders, an execution-policy option (`oracleOffsetOrders`): every maker
 * limit order the planner places is sent as an offset from the oracle instead of a fixed price, so Drift moves
 * it with the oracle and a ladder that follows the price needs no transaction per move. The planner itself
 * is unchanged: it plans in prices (a floating order reads back at its current limit, oracle + offset), and
 * this step rewrites its placements:
 * - place / cancelAndPlace: each maker limit placement gets `oracleOffset = price − oracle` (on the tick),
 *   except one at the oracle itself, which keeps its price (an offset of 0 is no offset on Drift);
 * - modify of a live order: Drift's modifyOrder keeps an order's oracle offset and ignores a new price, so it
 *   becomes one atomic cancelAndPlace of a floating order carrying the same userOrderId and flags.
 * Taker orders (market / IOC) are left alone.
 */
import type { Order, OrderCommand, OrderParams } from '../domain/types.ts';

const isMaker = (p: OrderParams): boolean => p.orderType === 'limit' && !p.ioc && p.postOnly !== 'none';

/**
 * A level exactly at the oracle stays a fixed-price order: Drift reads an offset of 0 as "no offset", and a
 * limit order without an offset must carry a price (price 0 is refused with InvalidOrderLimitPrice, 6191). The
 * lattice of floating orders has its origin at the oracle, so this level is real, not a corner case.
 */
function float(p: OrderParams, oracle: bigint): OrderParams {
  if (!isMaker(p)) return p;
  const offset = p.price - oracle;
  return offset === 0n ? p : { ...p, oracleOffset: offset };
}

/** `oracle` in PRICE precision (the snapshot's oracle on the same tick grid as the prices). */
export function floatMakerOrders(
  commands: readonly OrderCommand[],
  live: readonly Order[],
  oracle: bigint,
): OrderCommand[] {
  if (!(oracle > 0n)) return [...commands];
  return commands.map((c): OrderCommand => {
    switch (c.kind) {
      case 'place':
        return { ...c, order: float(c.order, oracle) };
      case 'cancelAndPlace':
        return { ...c, place: c.place.map((p) => float(p, oracle)) };
      case 'modify': {
        const old = live.find((o) => o.orderId === c.orderId);
        if (!old || !isMaker(old)) return c;
        const { orderId: _id, filledBase, status: _s, placedTs: _t, oracleOffset: _o, ...params } = old;
        const next: OrderParams = {
          ...params,
          price: c.price ?? old.price,
          base: c.base ?? old.base - filledBase,
        };
        return { kind: 'cancelAndPlace', cancelOrderIds: [c.orderId], place: [float(next, oracle)] };
      }
      default:
        return c;
    }
  });
}
