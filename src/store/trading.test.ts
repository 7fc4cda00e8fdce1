/**
 * Journal, fills, orders, snapshots, verdicts, events and retention — against PGlite, or the real server when
 * DATABASE_URL is set. One database for the whole file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Order } from '../domain/types.ts';
import type { Db } from './db.ts';
import { appendJournal, type JournalEntry, lastJournalSeq, readJournal } from './journal.ts';
import { createBot } from './repositories/bots.ts';
import { recentBotEvents, recordBotEvent } from './repositories/events.ts';
import { listFills, type RecordedFill, recordFills } from './repositories/fills.ts';
import { listOrders, markOrdersVanished, upsertOrders } from './repositories/orders.ts';
import {
  latestPositions,
  listFundingSnapshots,
  listMarginSnapshots,
  saveAccountSnapshot,
  saveFundingSnapshots,
} from './repositories/snapshots.ts';
import { recentVerdicts, recordVerdicts } from './repositories/verdicts.ts';
import { pruneOlderThan } from './retention.ts';
import { type TestDb, testDb } from './test-support/test-db.ts';

let t: TestDb;
let db: Db;
before(async () => {
  t = await testDb();
  db = t.db;
  for (const id of ['j', 'jc', 'f', 'o', 's', 'v', 'r']) {
    await createBot(db, { id, name: id, strategy: 'grid', markets: ['SOL-PERP'], mode: 'paper' });
  }
});
after(() => t.drop());

const T0 = Date.UTC(2025, 0, 1);

describe('journal', () => {
  it('appends batches in order with gapless seqs and reads them back page by page', async () => {
    const a = await appendJournal(db, 'j', [
      {
        ts: T0,
        kind: 'command',
        payload: { kind: 'place', order: { base: 1_500_000_000n, price: 187_250_000n } },
      },
      { ts: T0 + 1, kind: 'venue_event', payload: { type: 'accepted', orderId: 7 } },
    ]);
    assert.deepEqual(a, { firstSeq: 1, lastSeq: 2 });
    const b = await appendJournal(db, 'j', [
      { ts: T0 + 2, kind: 'verdict', payload: { kind: 'APPROVE', reasons: [] } },
    ]);
    assert.deepEqual(b, { firstSeq: 3, lastSeq: 3 });
    assert.deepEqual(await appendJournal(db, 'j', []), { firstSeq: 4, lastSeq: 3 });
    const all = await readJournal(db, 'j');
    assert.deepEqual(
      all.map((e) => [e.seq, e.ts, e.kind]),
      [
        [1, T0, 'command'],
        [2, T0 + 1, 'venue_event'],
        [3, T0 + 2, 'verdict'],
      ],
    );
    assert.deepEqual(all[0]!.payload, {
      kind: 'place',
      order: { base: 1_500_000_000n, price: 187_250_000n },
    });
    assert.deepEqual(
      (await readJournal(db, 'j', { fromSeq: 2, limit: 1 })).map((e) => e.seq),
      [2],
    );
  });

  it('round-trips bigint payloads exactly (property, through the database)', async () => {
    let expectedSeq = await lastJournalSeq(db, 'j');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record(
            {
              base: fc.bigInt({ min: -(2n ** 127n), max: 2n ** 127n }),
              text: fc.constantFrom('12n', '~3n', 'plain'),
              nested: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n }), { maxLength: 3 }),
            },
            { noNullPrototype: true },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        async (payloads) => {
          const entries: JournalEntry[] = payloads.map((p, i) => ({
            ts: T0 + i,
            kind: 'venue_event',
            payload: p,
          }));
          const { firstSeq } = await appendJournal(db, 'j', entries);
          assert.equal(firstSeq, expectedSeq + 1);
          expectedSeq += entries.length;
          const back = await readJournal(db, 'j', { fromSeq: firstSeq, limit: entries.length });
          assert.deepEqual(
            back.map((e) => e.payload),
            payloads,
          );
        },
      ),
      { seed: 5, numRuns: 25 },
    );
  });

  it('keeps each concurrent batch contiguous and the seq gapless', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, b) =>
        appendJournal(
          db,
          'jc',
          Array.from({ length: 1 + (b % 3) }, (_, i) => ({
            ts: T0,
            kind: 'note' as const,
            payload: { b, i },
          })),
        ),
      ),
    );
    const rows = await readJournal<{ b: number; i: number }>(db, 'jc');
    assert.deepEqual(
      rows.map((r) => r.seq),
      Array.from({ length: rows.length }, (_, i) => i + 1),
    );
    for (let k = 0; k < rows.length; k++) {
      const { b, i } = rows[k]!.payload;
      if (i > 0) assert.deepEqual(rows[k - 1]!.payload, { b, i: i - 1 }, 'batch interleaved');
    }
  });

  it('is append-only: an update is refused', async () => {
    await assert.rejects(
      db.query(`update journal set kind = 'note' where bot_id = 'j' and seq = 1`),
      /append-only/,
    );
  });
});

const fill = (id: string, over: Partial<RecordedFill> = {}): RecordedFill => ({
  venueFillId: id,
  ts: T0 + 1000,
  marketIndex: 0,
  orderId: 41,
  userOrderId: 3,
  side: 'buy',
  price: 187_123_456n,
  base: 123_456_789_012_345n,
  quote: 23_101_669_133_291n,
  fee: -577_508n,
  maker: true,
  reduceOnly: false,
  ...over,
});

describe('fills', () => {
  it('books each venue fill once, however often it is recorded', async () => {
    assert.equal(
      await recordFills(db, 'f', [fill('a'), fill('b', { ts: T0 + 2000 }), fill('c', { ts: T0 + 3000 })]),
      3,
    );
    assert.equal(
      await recordFills(db, 'f', [fill('a'), fill('b'), fill('d', { ts: T0 + 4000, side: 'sell' })]),
      1,
    );
    assert.equal(await recordFills(db, 'f', [fill('a')]), 0);
    const fills = await listFills(db, 'f');
    assert.deepEqual(
      fills.map((f) => f.venueFillId),
      ['a', 'b', 'c', 'd'],
    );
    assert.deepEqual(fills[0], fill('a'));
    assert.deepEqual(
      (await listFills(db, 'f', { fromTs: T0 + 2000, toTs: T0 + 4000 })).map((f) => f.venueFillId),
      ['b', 'c'],
    );
  });
});

describe('orders', () => {
  const resting: Order = {
    orderId: 9,
    marketIndex: 0,
    side: 'sell',
    orderType: 'limit',
    base: 2_000_000_000n,
    price: 190_000_000n,
    reduceOnly: false,
    postOnly: 'must',
    ioc: false,
    userOrderId: 12,
    filledBase: 0n,
    status: 'open',
    placedTs: T0,
  };

  it('inserts, then updates what the venue reports', async () => {
    const order = resting;
    await upsertOrders(db, 'o', [order, { ...order, orderId: 10, maxTs: T0 + 60_000 }]);
    assert.deepEqual(await listOrders(db, 'o'), [order, { ...order, orderId: 10, maxTs: T0 + 60_000 }]);
    await upsertOrders(db, 'o', [{ ...order, filledBase: 2_000_000_000n, status: 'filled' }]);
    assert.deepEqual(
      (await listOrders(db, 'o')).map((o) => o.orderId),
      [10],
    );
    assert.equal((await listOrders(db, 'o', 'filled'))[0]?.filledBase, 2_000_000_000n);
  });

  it('marks open orders the venue no longer has as vanished, once, and leaves ended ones alone', async () => {
    const base: Order = { ...resting, orderId: 20, side: 'buy', price: 150_000_000n, userOrderId: 3 };
    await upsertOrders(db, 'o', [
      base,
      { ...base, orderId: 21 },
      { ...base, orderId: 22, status: 'cancelled' },
    ]);
    assert.equal(await markOrdersVanished(db, 'o', [20, 22, 999]), 1);
    assert.equal(await markOrdersVanished(db, 'o', [20]), 0);
    const statuses = await db.query<{ order_id: string; status: string }>(
      `select order_id, status from orders where bot_id = 'o' and order_id between 20 and 22 order by order_id`,
    );
    assert.deepEqual(
      statuses.map((r) => [Number(r.order_id), r.status]),
      [
        [20, 'vanished'],
        [21, 'open'],
        [22, 'cancelled'],
      ],
    );
    assert.deepEqual(
      (await listOrders(db, 'o')).map((o) => o.orderId),
      [10, 21],
    );
  });
});

describe('snapshots, verdicts, events', () => {
  it('store account and funding snapshots exactly, with the funding difference', async () => {
    const position = {
      marketIndex: 0,
      base: -3_500_000_000n,
      quoteEntry: 655_000_000n,
      quoteAsset: 654_123_456n,
      lastCumulativeFundingRate: -12_345_678_901n,
    };
    const account = {
      subaccountId: 1,
      collateral: 10_000_000_000n,
      positions: [position],
      openOrders: [],
      totalCollateral: 10_001_234_567n,
      freeCollateral: 9_000_000_001n,
      initialMarginRequirement: 65_500_000n,
      maintenanceMarginRequirement: 32_750_000n,
      leverage: 0.0655,
      health: 99.67,
    };
    await saveAccountSnapshot(db, 's', T0, account);
    await saveAccountSnapshot(db, 's', T0 + 60_000, { ...account, positions: [{ ...position, base: -1n }] });
    assert.deepEqual(await latestPositions(db, 's'), [{ ...position, base: -1n, ts: T0 + 60_000 }]);
    const margins = await listMarginSnapshots(db, 's', { toTs: T0 + 1 });
    assert.deepEqual(margins, [
      {
        ts: T0,
        collateral: 10_000_000_000n,
        totalCollateral: 10_001_234_567n,
        freeCollateral: 9_000_000_001n,
        initialMarginRequirement: 65_500_000n,
        maintenanceMarginRequirement: 32_750_000n,
        leverage: 0.0655,
        health: 99.67,
      },
    ]);
    await saveFundingSnapshots(db, 's', T0, [
      { marketIndex: 0, settled: -1_250_000n, estimated: -1_249_001n },
    ]);
    assert.deepEqual(await listFundingSnapshots(db, 's', 0), [
      { ts: T0, marketIndex: 0, settled: -1_250_000n, estimated: -1_249_001n, difference: -999n },
    ]);
  });

  it('record verdicts with their reasons and bot events', async () => {
    const band = { kind: 'band' as const, marketIndex: 0, minBase: -2, maxBase: 1.5, preferredBase: 0.25 };
    const reasons = [
      {
        rule: 'B_leverage' as const,
        action: 'CLAMP' as const,
        measured: 4.2,
        limit: 3,
        message: 'leverage 4.2 > 3',
      },
    ];
    await recordVerdicts(db, 'v', [
      { ts: T0, kind: 'APPROVE', band, reasons: [] },
      { ts: T0 + 1, kind: 'CLAMP', band, reasons },
    ]);
    const recent = await recentVerdicts(db, 'v');
    assert.deepEqual(recent, [
      { ts: T0 + 1, kind: 'CLAMP', band, reasons },
      { ts: T0, kind: 'APPROVE', band, reasons: [] },
    ]);
    await recordBotEvent(db, 'v', {
      level: 'warn',
      kind: 'lease_lost',
      message: 'lease lost',
      data: { epoch: 3n },
    });
    const [event] = await recentBotEvents(db, 'v', 1);
    assert.deepEqual(
      { ...event, id: '', ts: 0 },
      { id: '', ts: 0, level: 'warn', kind: 'lease_lost', message: 'lease lost', data: { epoch: 3n } },
    );
  });
});

describe('retention', () => {
  it('prunes old snapshot and journal rows in batches and never reuses a seq', async () => {
    const day = 86_400_000;
    const entries = Array.from({ length: 7 }, (_, i) => ({
      ts: T0 + i * day,
      kind: 'note' as const,
      payload: i,
    }));
    await appendJournal(db, 'r', entries);
    for (let i = 0; i < 5; i++) {
      await saveFundingSnapshots(db, 'r', T0 + i * day, [{ marketIndex: 0, settled: 0n, estimated: 0n }]);
    }
    const deleted = await pruneOlderThan(db, {
      before: T0 + 3 * day,
      tables: ['journal', 'perps_funding_snapshots'],
      batchSize: 2,
    });
    assert.ok(deleted.journal >= 3); // other bots' journal rows before the cut-off go too
    assert.equal(deleted.perps_margin_snapshots, 0);
    assert.deepEqual(
      (await readJournal(db, 'r')).map((e) => e.payload),
      [3, 4, 5, 6],
    );
    assert.equal((await listFundingSnapshots(db, 'r')).length, 2);
    assert.deepEqual(await appendJournal(db, 'r', [{ ts: T0 + 8 * day, kind: 'note', payload: 7 }]), {
      firstSeq: 8,
      lastSeq: 8,
    });
  });
});
