/**
 * Crash-only restart: a paper runner (the real CLI as a child process, PGlite in a temp folder) is SIGKILLed
 * mid-session, restarted, SIGKILLed again; the database must then agree with the paper venue exactly: no
 * duplicated or stray orders, every venue fill booked once, the cash ledger equal to the venue's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeJson, openDb, upsertOrders } from '../store/index.ts';
import type { DurableSimState } from './durable-sim.ts';
import { getJson, ROOT, startChild, waitFor } from './test-support/child-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-restart-'));
const env = {
  ZERO_PERPS_PGLITE_DIR: join(dir, 'db'),
  DATABASE_URL: '',
  API_TOKEN: 'restart-test',
  RPC_URL: '',
};
const args = ['--config', join(ROOT, 'examples/sol-grid.yaml'), '--speed', '6000'];

interface Detail {
  openOrders: { id: number; userOrderId: number }[];
}

const fillsTotal = (metrics: string): number => {
  let n = 0;
  for (const m of metrics.matchAll(/^zp_fills_total\{[^}]*bot="sol-grid"[^}]*\} (\d+)/gm)) n += Number(m[1]);
  return n;
};

describe('paper runner restart after SIGKILL', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes with no duplicated orders and no lost fills', async () => {
    const a = await startChild(args, env);
    const killLater = (c: typeof a) =>
      after(() => {
        if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      });
    killLater(a);
    await waitFor(async () => {
      const f = await getJson<{ items: unknown[] }>(`${a.url}/api/bots/sol-grid/fills?limit=5`);
      return f.items.length >= 3 ? true : undefined;
    }, 'first fills');
    a.child.kill('SIGKILL');
    assert.equal((await a.exited).signal, 'SIGKILL');

    // While no runner watches, an order the table shows open ends on the venue (live: filled, expired or
    // cancelled from another client). Here: a row for an order the paper venue never had.
    const GHOST = 987_654_321;
    const before = await openDb({ url: '', dataDir: env.ZERO_PERPS_PGLITE_DIR });
    try {
      await upsertOrders(before, 'sol-grid', [
        {
          orderId: GHOST,
          marketIndex: 0,
          userOrderId: 250,
          side: 'buy',
          orderType: 'limit',
          base: 100_000_000n,
          price: 100_000_000n,
          filledBase: 0n,
          reduceOnly: false,
          postOnly: 'must',
          ioc: false,
          status: 'open',
          placedTs: Date.UTC(2025, 2, 1),
        },
      ]);
    } finally {
      await before.close();
    }

    const b = await startChild(args, env);
    killLater(b);
    const d = await getJson<Detail>(`${b.url}/api/bots/sol-grid`);
    const uids = d.openOrders.map((o) => o.userOrderId);
    assert.equal(new Set(uids).size, uids.length, 'userOrderIds unique among open orders after restart');
    // Trading resumes: the restarted process itself books new fills.
    await waitFor(
      async () => (fillsTotal(await (await fetch(`${b.url}/metrics`)).text()) > 0 ? true : undefined),
      'fills after the restart',
    );
    assert.match(b.stdout(), /"msg":"started: adopted \d+ open order\(s\), cancelled 0 unknown/);
    b.child.kill('SIGKILL');
    await b.exited;

    const db = await openDb({ url: '', dataDir: env.ZERO_PERPS_PGLITE_DIR });
    try {
      const row = (
        await db.query<{ state: unknown }>("select state from paper_venues where bot_id = 'sol-grid'")
      )[0];
      assert.ok(row, 'the paper venue state is stored');
      const state = decodeJson<{ venue: DurableSimState }>(row.state).venue;
      const sub = state.subs[0];
      assert.ok(sub);

      // Orders: the venue's open orders and the orders table's open rows are the same set.
      const venueOrders = sub.orders.map((o) => o.order.orderId).sort((x, y) => x - y);
      const dbOpen = (
        await db.query<{ order_id: string }>(
          "select order_id from orders where bot_id = 'sol-grid' and status = 'open' order by order_id",
        )
      ).map((r) => Number(r.order_id));
      assert.deepEqual(dbOpen, venueOrders);
      const venueUids = sub.orders.map((o) => o.order.userOrderId);
      assert.equal(new Set(venueUids).size, venueUids.length);

      // Fills: every venue fill booked exactly once, with the same base, cash flow and fees.
      const sums = (
        await db.query<{ n: string; distinct_n: string; base: string; cash: string; fees: string }>(
          `select count(*)::text as n, count(distinct venue_fill_id)::text as distinct_n,
                  coalesce(sum(base), 0)::text as base,
                  coalesce(sum(case when side = 'sell' then quote else -quote end), 0)::text as cash,
                  coalesce(sum(fee), 0)::text as fees
           from fills where bot_id = 'sol-grid'`,
        )
      )[0];
      assert.ok(sums);
      const micro = (s: string, d: number) => BigInt(Math.round(Number(s) * 10 ** d));
      assert.ok(sub.ledger.fills >= 3);
      assert.equal(Number(sums.n), sub.ledger.fills, 'fills table count = venue fills');
      assert.equal(sums.distinct_n, sums.n);
      assert.equal(micro(sums.base, 9), sub.ledger.base);
      assert.equal(micro(sums.cash, 6), sub.ledger.cash);
      assert.equal(micro(sums.fees, 6), sub.ledger.fees);

      // The PnL ledger (deposit + fills cash − fees + funding) equals the venue's collateral + Σ position quote.
      const funding = (
        await db.query<{ s: string | null }>(
          `select sum(rtrim(payload->'payment'->>'amount', 'n')::numeric)::text as s from journal
           where bot_id = 'sol-grid' and kind = 'venue_event' and payload->>'type' = 'funding'`,
        )
      )[0]?.s;
      assert.equal(BigInt(funding ?? '0'), sub.ledger.funding);
      const liquidations = await db.query(
        "select 1 from journal where bot_id = 'sol-grid' and payload->>'type' = 'liquidated'",
      );
      assert.equal(liquidations.length, 0);
      const deposited = (
        await db.query<{ d: string }>(
          "select deposited::text as d from runner_bots where bot_id = 'sol-grid'",
        )
      )[0];
      const books = micro(deposited?.d ?? '0', 6) + sub.ledger.cash - sub.ledger.fees + sub.ledger.funding;
      const venue = sub.collateral + sub.positions.reduce((a, p) => a + p.quoteAsset, 0n);
      assert.equal(books, venue);

      const started = await db.query(
        "select 1 from bot_events where bot_id = 'sol-grid' and kind = 'started'",
      );
      assert.equal(started.length, 2);

      // The order that ended while away: its row is closed as 'vanished' and the restart journaled it.
      const ghost = await db.query<{ status: string }>(
        'select status from orders where bot_id = $1 and order_id = $2',
        ['sol-grid', GHOST],
      );
      assert.deepEqual(ghost, [{ status: 'vanished' }]);
      const reconciled = await db.query<{ vanished: unknown }>(
        `select payload->'vanished' as vanished from journal
         where bot_id = 'sol-grid' and kind = 'session' and payload->>'event' = 'reconciled' order by seq`,
      );
      assert.equal(reconciled.length, 2);
      assert.deepEqual(reconciled[0]?.vanished, []);
      assert.deepEqual(reconciled[1]?.vanished, [GHOST]);
    } finally {
      await db.close();
    }
  });
});
