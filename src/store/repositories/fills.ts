/**
 * fills: one row per venue fill. `venueFillId` is the venue's identity of the fill (Drift: the fill record's
 * id; the simulator numbers its fills), so recording the same event twice — a replay, a reconnect that
 * re-delivers — books it once.
 */

import { BASE_DECIMALS, PRICE_DECIMALS, QUOTE_DECIMALS } from '../../domain/precision.ts';
import type { Fill } from '../../domain/types.ts';
import { fromDbDecimal, fromDbTime, toDbDecimal, toDbTime, toSafeNumber } from '../codec.ts';
import type { Db } from '../db.ts';

export interface RecordedFill extends Fill {
  venueFillId: string;
}

/** Inserts the fills not yet booked, in one statement (atomic); returns how many were new. */
export async function recordFills(db: Db, botId: string, fills: readonly RecordedFill[]): Promise<number> {
  if (fills.length === 0) return 0;
  const rows = fills.map((f) => ({
    venue_fill_id: f.venueFillId,
    ts: toDbTime(f.ts),
    market_index: f.marketIndex,
    order_id: f.orderId,
    user_order_id: f.userOrderId,
    side: f.side,
    price: toDbDecimal(f.price, PRICE_DECIMALS),
    base: toDbDecimal(f.base, BASE_DECIMALS),
    quote: toDbDecimal(f.quote, QUOTE_DECIMALS),
    fee: toDbDecimal(f.fee, QUOTE_DECIMALS),
    maker: f.maker,
    reduce_only: f.reduceOnly,
  }));
  const inserted = await db.query(
    `insert into fills (bot_id, venue_fill_id, ts, market_index, order_id, user_order_id, side, price, base,
                        quote, fee, maker, reduce_only)
     select $1, r.venue_fill_id, r.ts, r.market_index, r.order_id, r.user_order_id, r.side, r.price, r.base,
            r.quote, r.fee, r.maker, r.reduce_only
     from jsonb_to_recordset($2::jsonb) as r (venue_fill_id text, ts timestamptz, market_index integer,
       order_id bigint, user_order_id integer, side text, price numeric, base numeric, quote numeric,
       fee numeric, maker boolean, reduce_only boolean)
     on conflict (bot_id, venue_fill_id) do nothing
     returning venue_fill_id`,
    [botId, JSON.stringify(rows)],
  );
  return inserted.length;
}

export interface FillQuery {
  fromTs?: number;
  toTs?: number;
  marketIndex?: number;
}

interface FillRow {
  venue_fill_id: string;
  ts: Date;
  market_index: number;
  order_id: string;
  user_order_id: number;
  side: 'buy' | 'sell';
  price: string;
  base: string;
  quote: string;
  fee: string;
  maker: boolean;
  reduce_only: boolean;
}

/** Fills in time order (then by venue id, for a stable order within one millisecond). */
export async function listFills(db: Db, botId: string, query: FillQuery = {}): Promise<RecordedFill[]> {
  const rows = await db.query<FillRow>(
    `select venue_fill_id, ts, market_index, order_id, user_order_id, side, price, base, quote, fee, maker,
            reduce_only
     from fills
     where bot_id = $1 and ($2::timestamptz is null or ts >= $2) and ($3::timestamptz is null or ts < $3)
       and ($4::integer is null or market_index = $4)
     order by ts, venue_fill_id`,
    [
      botId,
      query.fromTs === undefined ? null : toDbTime(query.fromTs),
      query.toTs === undefined ? null : toDbTime(query.toTs),
      query.marketIndex ?? null,
    ],
  );
  return rows.map((r) => ({
    venueFillId: r.venue_fill_id,
    ts: fromDbTime(r.ts),
    marketIndex: r.market_index,
    orderId: toSafeNumber(r.order_id),
    userOrderId: r.user_order_id,
    side: r.side,
    price: fromDbDecimal(r.price, PRICE_DECIMALS),
    base: fromDbDecimal(r.base, BASE_DECIMALS),
    quote: fromDbDecimal(r.quote, QUOTE_DECIMALS),
    fee: fromDbDecimal(r.fee, QUOTE_DECIMALS),
    maker: r.maker,
    reduceOnly: r.reduce_only,
  }));
}
