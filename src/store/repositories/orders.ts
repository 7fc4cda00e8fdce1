/** orders: each venue order as the venue last reported it, keyed by the venue's order id for the bot. */
import { BASE_DECIMALS, PRICE_DECIMALS } from '../../domain/precision.ts';
import type { Order, OrderStatus, OrderType, PostOnly, Side } from '../../domain/types.ts';
import { fromDbDecimal, fromDbTime, toDbDecimal, toDbTime, toSafeNumber } from '../codec.ts';
import type { Db } from '../db.ts';

/** Inserts new orders and updates known ones (status, fills, a modified price/size), in one statement. */
export async function upsertOrders(db: Db, botId: string, orders: readonly Order[]): Promise<void> {
  if (orders.length === 0) return;
  const rows = orders.map((o) => ({
    order_id: o.orderId,
    market_index: o.marketIndex,
    user_order_id: o.userOrderId,
    side: o.side,
    order_type: o.orderType,
    base: toDbDecimal(o.base, BASE_DECIMALS),
    price: toDbDecimal(o.price, PRICE_DECIMALS),
    filled_base: toDbDecimal(o.filledBase, BASE_DECIMALS),
    reduce_only: o.reduceOnly,
    post_only: o.postOnly,
    ioc: o.ioc,
    max_ts: o.maxTs === undefined ? null : toDbTime(o.maxTs),
    status: o.status,
    placed_at: toDbTime(o.placedTs),
  }));
  await db.query(
    `insert into orders (bot_id, order_id, market_index, user_order_id, side, order_type, base, price,
                         filled_base, reduce_only, post_only, ioc, max_ts, status, placed_at)
     select $1, r.order_id, r.market_index, r.user_order_id, r.side, r.order_type, r.base, r.price,
            r.filled_base, r.reduce_only, r.post_only, r.ioc, r.max_ts, r.status, r.placed_at
     from jsonb_to_recordset($2::jsonb) as r (order_id bigint, market_index integer, user_order_id integer,
       side text, order_type text, base numeric, price numeric, filled_base numeric, reduce_only boolean,
       post_only text, ioc boolean, max_ts timestamptz, status text, placed_at timestamptz)
     on conflict (bot_id, order_id) do update set
       base = excluded.base, price = excluded.price, filled_base = excluded.filled_base,
       status = excluded.status, max_ts = excluded.max_ts, updated_at = now()`,
    [botId, JSON.stringify(rows)],
  );
}

interface OrderRow {
  order_id: string;
  market_index: number;
  user_order_id: number;
  side: Side;
  order_type: OrderType;
  base: string;
  price: string;
  filled_base: string;
  reduce_only: boolean;
  post_only: PostOnly;
  ioc: boolean;
  max_ts: Date | null;
  status: OrderStatus;
  placed_at: Date;
}

function toOrder(r: OrderRow): Order {
  return {
    orderId: toSafeNumber(r.order_id),
    marketIndex: r.market_index,
    userOrderId: r.user_order_id,
    side: r.side,
    orderType: r.order_type,
    base: fromDbDecimal(r.base, BASE_DECIMALS),
    price: fromDbDecimal(r.price, PRICE_DECIMALS),
    filledBase: fromDbDecimal(r.filled_base, BASE_DECIMALS),
    reduceOnly: r.reduce_only,
    postOnly: r.post_only,
    ioc: r.ioc,
    ...(r.max_ts === null ? {} : { maxTs: fromDbTime(r.max_ts) }),
    status: r.status,
    placedTs: fromDbTime(r.placed_at),
  };
}

/** Orders with the given status (default: open), oldest order id first. */
export async function listOrders(db: Db, botId: string, status: OrderStatus = 'open'): Promise<Order[]> {
  const rows = await db.query<OrderRow>(
    `select order_id, market_index, user_order_id, side, order_type, base, price, filled_base, reduce_only,
            post_only, ioc, max_ts, status, placed_at
     from orders where bot_id = $1 and status = $2 order by order_id`,
    [botId, status],
  );
  return rows.map(toOrder);
}

/**
 * Closes the rows of orders that ended while no runner watched (see migration 003): status 'vanished', only
 * where the row is still open, so a repeat is harmless. Returns how many rows changed.
 */
export async function markOrdersVanished(
  db: Db,
  botId: string,
  orderIds: readonly number[],
): Promise<number> {
  if (orderIds.length === 0) return 0;
  const rows = await db.query<{ order_id: string }>(
    `update orders set status = 'vanished', updated_at = now()
     where bot_id = $1 and status = 'open' and order_id = any($2::bigint[])
     returning order_id`,
    [botId, orderIds.map(String)],
  );
  return rows.length;
}
