/**
 * Reads a stopped runner's PGlite folder and checks that the database agrees with the durable paper venues it
 * holds: open orders, the fill ledger, the cash books and the journal. Returns what it saw (so a caller can
 * compare across restarts) and throws an AssertionError naming the bot and the broken promise otherwise.
 */
import assert from 'node:assert/strict';
import type { DurableSimState } from '../../src/runner/durable-sim.ts';
import { decodeJson, openDb } from '../../src/store/index.ts';

export interface BotBooks {
  fills: number;
  openOrders: number;
  journalSeq: number;
}

const micro = (s: string, d: number): bigint => {
  // numeric text from the database, exact: split at the point instead of going through a float.
  const [int = '0', frac = ''] = s.replace(/^-/, '').split('.');
  const v = BigInt(int) * 10n ** BigInt(d) + BigInt((frac + '0'.repeat(d)).slice(0, d) || '0');
  return s.startsWith('-') ? -v : v;
};

export async function checkBooks(dataDir: string): Promise<Map<string, BotBooks>> {
  const db = await openDb({ url: '', dataDir });
  const out = new Map<string, BotBooks>();
  try {
    const venues = await db.query<{ bot_id: string; state: unknown }>(
      'select bot_id, state from paper_venues order by bot_id',
    );
    for (const row of venues) {
      const id = row.bot_id;
      const venue = decodeJson<{ venue: DurableSimState }>(row.state).venue;
      let venueOrders: { orderId: number; userOrderId: number }[] = [];
      const ledger = { fills: 0, base: 0n, cash: 0n, fees: 0n, funding: 0n };
      let books = 0n;
      for (const sub of venue.subs) {
        venueOrders = venueOrders.concat(sub.orders.map((o) => o.order));
        ledger.fills += sub.ledger.fills;
        ledger.base += sub.ledger.base;
        ledger.cash += sub.ledger.cash;
        ledger.fees += sub.ledger.fees;
        ledger.funding += sub.ledger.funding;
        books += sub.collateral + sub.positions.reduce((a, p) => a + p.quoteAsset, 0n);
      }

      // No duplicate orders: the venue's open orders are exactly the ones the database believes open, and
      // no userOrderId is used twice among them.
      const dbOpen = await db.query<{ order_id: string; user_order_id: number }>(
        "select order_id::text, user_order_id from orders where bot_id = $1 and status = 'open' order by order_id",
        [id],
      );
      // (sorted here: the query's `order by` would sort the text alias, putting 10 before 8)
      assert.deepEqual(
        dbOpen.map((r) => Number(r.order_id)).sort((a, b) => a - b),
        venueOrders.map((o) => o.orderId).sort((a, b) => a - b),
        `${id}: the venue's open orders = the orders table's open rows`,
      );
      const uids = venueOrders.map((o) => o.userOrderId);
      assert.equal(new Set(uids).size, uids.length, `${id}: userOrderIds unique among open orders`);

      // No lost (or doubled) fills: every fill in the venue's ledger is in the fills table exactly once.
      const f = (
        await db.query<{ n: string; distinct_n: string; base: string; cash: string; fees: string }>(
          `select count(*)::text as n, count(distinct venue_fill_id)::text as distinct_n,
                  coalesce(sum(base), 0)::text as base,
                  coalesce(sum(case when side = 'sell' then quote else -quote end), 0)::text as cash,
                  coalesce(sum(fee), 0)::text as fees
           from fills where bot_id = $1`,
          [id],
        )
      )[0];
      assert.ok(f);
      assert.equal(Number(f.n), ledger.fills, `${id}: fills table count = venue ledger fills`);
      assert.equal(f.distinct_n, f.n, `${id}: venue fill ids unique`);
      assert.equal(micro(f.base, 9), ledger.base, `${id}: Σ base of booked fills = venue's`);
      assert.equal(micro(f.cash, 6), ledger.cash, `${id}: Σ cash of booked fills = venue's`);
      assert.equal(micro(f.fees, 6), ledger.fees, `${id}: Σ fees of booked fills = venue's`);

      // The cash books: deposit + fills cash − fees + funding = collateral + Σ position quote, to the micro-USDC.
      const funding = (
        await db.query<{ s: string | null }>(
          `select sum(rtrim(payload->'payment'->>'amount', 'n')::numeric)::text as s from journal
           where bot_id = $1 and kind = 'venue_event' and payload->>'type' = 'funding'`,
          [id],
        )
      )[0]?.s;
      assert.equal(BigInt(funding ?? '0'), ledger.funding, `${id}: journal funding = venue's`);
      const deposited =
        (
          await db.query<{ d: string }>('select deposited::text as d from runner_bots where bot_id = $1', [
            id,
          ])
        )[0]?.d ?? '0';
      assert.equal(
        micro(deposited, 6) + ledger.cash - ledger.fees + ledger.funding,
        books,
        `${id}: deposit + fills cash − fees + funding = collateral + Σ quote`,
      );

      // The journal: seq 1..n with no gap and no repeat, and the head agrees.
      const j = (
        await db.query<{ n: string; lo: string | null; hi: string | null; head: string | null }>(
          `select count(*)::text as n, min(seq)::text as lo, max(seq)::text as hi,
                  (select last_seq::text from journal_heads where bot_id = $1) as head
           from journal where bot_id = $1`,
          [id],
        )
      )[0];
      assert.ok(j);
      const n = Number(j.n);
      if (n > 0) {
        assert.equal(j.lo, '1', `${id}: journal starts at seq 1`);
        assert.equal(Number(j.hi), n, `${id}: journal seq gapless (count ${n}, max ${j.hi})`);
      }
      assert.equal(Number(j.head ?? 0), n, `${id}: journal head = last seq`);
      out.set(id, { fills: ledger.fills, openOrders: venueOrders.length, journalSeq: n });
    }
  } finally {
    await db.close();
  }
  return out;
}
