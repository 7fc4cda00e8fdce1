/**
 * Lease statements and the LeaseKeeper in one process — against PGlite, or the real server when DATABASE_URL
 * is set. (Two competing runner processes: lease-race.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './db.ts';
import {
  acquireLease,
  currentLease,
  LeaseKeeper,
  type LeaseLostReason,
  releaseLease,
  renewLease,
} from './leases.ts';
import { createBot } from './repositories/bots.ts';
import { type TestDb, testDb } from './test-support/test-db.ts';

let t: TestDb;
let db: Db;
before(async () => {
  t = await testDb();
  db = t.db;
  for (const id of ['l1', 'l2', 'k1', 'k2', 'k3']) {
    await createBot(db, { id, name: id, strategy: 'grid', markets: [], mode: 'paper' });
  }
});
after(() => t.drop());

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  limitMs = 10_000,
): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('lease statements', () => {
  it('grant the bot to one owner at a time and bump the epoch on every change of holder', async () => {
    const a = await acquireLease(db, 'l1', 'runner-a', 60_000);
    assert.equal(a?.owner, 'runner-a');
    assert.equal(a?.epoch, 1);
    assert.ok(a!.expiresAt - a!.dbNow >= 59_000);
    assert.equal(await acquireLease(db, 'l1', 'runner-b', 60_000), undefined);
    assert.equal(
      (await acquireLease(db, 'l1', 'runner-a', 60_000))?.epoch,
      1,
      're-acquire by the holder keeps the epoch',
    );
    assert.equal((await renewLease(db, 'l1', 'runner-a', 60_000))?.epoch, 1);
    assert.equal(await renewLease(db, 'l1', 'runner-b', 60_000), undefined);
    assert.equal(await releaseLease(db, 'l1', 'runner-b'), false);
    assert.equal(await releaseLease(db, 'l1', 'runner-a'), true);
    assert.equal(await currentLease(db, 'l1'), undefined);
    assert.equal(
      await renewLease(db, 'l1', 'runner-a', 60_000),
      undefined,
      'a released lease is not renewed',
    );
    const b = await acquireLease(db, 'l1', 'runner-b', 60_000);
    assert.equal(b?.epoch, 2);
    assert.equal((await currentLease(db, 'l1'))?.owner, 'runner-b');
  });

  it('let another owner take an expired lease, and refuse the old holder a renewal', async () => {
    assert.ok(await acquireLease(db, 'l2', 'runner-a', 50));
    await waitFor('expiry', async () => (await currentLease(db, 'l2')) === undefined);
    const b = await acquireLease(db, 'l2', 'runner-b', 60_000);
    assert.equal(b?.owner, 'runner-b');
    assert.equal(b?.epoch, 2);
    assert.equal(await renewLease(db, 'l2', 'runner-a', 60_000), undefined);
  });
});

describe('LeaseKeeper', () => {
  it('keeps the lease by renewing, and gives it up on release', async () => {
    const lost: LeaseLostReason[] = [];
    const grants: number[] = [];
    const keeper = new LeaseKeeper({
      db,
      botId: 'k1',
      owner: 'a',
      ttlMs: 600,
      onLost: (r) => lost.push(r),
      onGranted: (g) => grants.push(g.expiresAt),
    });
    assert.equal(await keeper.acquire(), true);
    await waitFor('three renewals', () => grants.length >= 4);
    assert.ok(keeper.isHeld());
    assert.ok(grants[3]! > grants[0]!, 'renewals push expiry forward');
    const other = new LeaseKeeper({ db, botId: 'k1', owner: 'b', ttlMs: 600, onLost: () => {} });
    assert.equal(await other.acquire(), false);
    await keeper.release();
    assert.equal(keeper.isHeld(), false);
    assert.equal(await other.acquire(), true);
    assert.equal(other.epoch, 2);
    await other.release();
    assert.deepEqual(lost, []);
  });

  it('reports the loss when a renewal finds another owner', async () => {
    const lost: LeaseLostReason[] = [];
    const keeper = new LeaseKeeper({ db, botId: 'k2', owner: 'a', ttlMs: 900, onLost: (r) => lost.push(r) });
    assert.equal(await keeper.acquire(), true);
    // Another runner takes the bot behind the keeper's back (as if our lease had lapsed).
    await db.query(`update leases set owner = 'thief', epoch = epoch + 1 where bot_id = 'k2'`);
    await waitFor('loss', () => lost.length > 0);
    assert.deepEqual(lost, ['renewal-refused']);
    assert.equal(keeper.isHeld(), false);
  });

  it('declares the lease lost at its local deadline while the database is unreachable, before the row expires', async () => {
    let unreachable = false;
    const flaky: Db = {
      engine: db.engine,
      query: (sql, params) => (unreachable ? new Promise(() => {}) : db.query(sql, params)),
      exec: (sql) => db.exec(sql),
      transaction: (fn) => db.transaction(fn),
      close: () => db.close(),
    };
    let lostAt: { reason: LeaseLostReason; stillOursInDb: Promise<boolean> } | undefined;
    const keeper = new LeaseKeeper({
      db: flaky,
      botId: 'k3',
      owner: 'a',
      ttlMs: 2_000,
      safetyMarginMs: 800,
      onLost: (reason) => {
        lostAt = { reason, stillOursInDb: currentLease(db, 'k3').then((l) => l?.owner === 'a') };
      },
    });
    assert.equal(await keeper.acquire(), true);
    unreachable = true;
    await waitFor('local loss', () => lostAt !== undefined);
    assert.equal(lostAt!.reason, 'deadline');
    assert.equal(keeper.isHeld(), false);
    assert.equal(
      await lostAt!.stillOursInDb,
      true,
      'the runner stopped while the database still counted the lease as ours',
    );
    await waitFor('expiry', async () => (await currentLease(db, 'k3')) === undefined);
  });
});
