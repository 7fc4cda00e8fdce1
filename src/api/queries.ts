/** Paged reads of a bot's fills and verdicts for the API (newest first, opaque `before` cursors). */
import type { MarketSpec } from '../domain/markets.ts';
import { type Db, decodeJson, fromDbTime, toDbTime } from '../store/index.ts';

/** 9999-12-31T23:59:59.999Z */
const MAX_DB_MS = 253_402_300_799_999;

export class BadCursor extends Error {
  override name = 'BadCursor';
}

export interface Page<T> {
  items: T[];
  nextBefore: string | null;
}

const encodeCursor = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function decodeCursor(s: string): unknown {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursor('before: not a cursor this API handed out');
  }
}

export async function pageFills(
  db: Db,
  botId: string,
  markets: readonly MarketSpec[],
  limit: number,
  before: string | undefined,
): Promise<Page<Record<string, unknown>>> {
  let ts: string | null = null;
  let id: string | null = null;
  if (before !== undefined) {
    const c = decodeCursor(before);
    // A cursor is ours only if its time is a date the database takes (year 1970..9999) and its id short
    // printable text (a NUL byte or a year 275760 would make the query fail: a 500 instead of a 400).
    if (
      !Array.isArray(c) ||
      !Number.isSafeInteger(c[0]) ||
      (c[0] as number) < 0 ||
      (c[0] as number) > MAX_DB_MS ||
      typeof c[1] !== 'string' ||
      !/^[\x20-\x7e]{1,200}$/.test(c[1])
    ) {
      throw new BadCursor('before: not a cursor this API handed out');
    }
    ts = toDbTime(c[0]);
    id = c[1];
  }
  const rows = await db.query<{
    venue_fill_id: string;
    ts: Date;
    market_index: number;
    order_id: string;
    side: string;
    price: string;
    base: string;
    quote: string;
    fee: string;
    maker: boolean;
    reduce_only: boolean;
  }>(
    `select venue_fill_id, ts, market_index, order_id, side, price, base, quote, fee, maker, reduce_only
     from fills where bot_id = $1 and ($2::timestamptz is null or (ts, venue_fill_id) < ($2::timestamptz, $3::text))
     order by ts desc, venue_fill_id desc limit $4`,
    [botId, ts, id, limit + 1],
  );
  const symbol = (i: number) => markets.find((m) => m.marketIndex === i)?.symbol ?? String(i);
  const items = rows.slice(0, limit).map((r) => ({
    id: r.venue_fill_id,
    ts: fromDbTime(r.ts),
    market: symbol(r.market_index),
    side: r.side,
    price: Number(r.price),
    base: Number(r.base),
    quote: Number(r.quote),
    fee: Number(r.fee),
    maker: r.maker,
    reduceOnly: r.reduce_only,
    orderId: Number(r.order_id),
  }));
  const last = items[items.length - 1];
  return { items, nextBefore: rows.length > limit && last ? encodeCursor([last.ts, last.id]) : null };
}

export async function pageVerdicts(
  db: Db,
  botId: string,
  markets: readonly MarketSpec[],
  limit: number,
  before: string | undefined,
): Promise<Page<Record<string, unknown>>> {
  let id: string | null = null;
  if (before !== undefined) {
    const c = decodeCursor(before);
    // Verdict ids are bigint identities: more than 18 digits could overflow the column type.
    if (typeof c !== 'string' || !/^\d{1,18}$/.test(c))
      throw new BadCursor('before: not a cursor this API handed out');
    id = c;
  }
  const rows = await db.query<{
    id: string;
    ts: Date;
    market_index: number;
    kind: string;
    band: unknown;
    reasons: unknown;
  }>(
    `select id::text as id, ts, market_index, kind, band, reasons from risk_verdicts
     where bot_id = $1 and ($2::bigint is null or id < $2::bigint) order by id desc limit $3`,
    [botId, id, limit + 1],
  );
  const symbol = (i: number) => markets.find((m) => m.marketIndex === i)?.symbol ?? String(i);
  const items = rows.slice(0, limit).map((r) => {
    const band = decodeJson<{ minBase: number; maxBase: number; preferredBase: number }>(r.band);
    return {
      id: r.id,
      ts: fromDbTime(r.ts),
      market: symbol(r.market_index),
      kind: r.kind,
      band: { minBase: band.minBase, maxBase: band.maxBase, preferredBase: band.preferredBase },
      reasons: decodeJson<unknown[]>(r.reasons),
    };
  });
  const last = items[items.length - 1];
  return { items, nextBefore: rows.length > limit && last ? encodeCursor(last.id) : null };
}
