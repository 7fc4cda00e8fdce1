/**
 * A bot whose start fails after its driver opened — a database write that fails while its operator switches,
 * fixed `auto` sizes or running status are recorded — is let go of entirely: the driver closed and the lease
 * released. A kept lease renews itself, so it would bar every runner from the bot (this one's next attempt too)
 * until the process ended. The next attempt then starts the bot as usual.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../config/read-config-file.ts';
import { createLogger } from '../log/index.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import type { Db } from '../store/index.ts';
import { currentLease } from '../store/leases.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import type { OpenBot } from './bot-driver.ts';
import { RunnerMetrics } from './metrics.ts';
import { Runner } from './runner.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `db` with its next statement (query or transaction) failing once `failNext` is set. */
function faultyDb(db: Db, fault: { failNext: boolean }): Db {
  const fail = (): Error => {
    fault.failNext = false;
    return new Error('injected: the database refused the write');
  };
  return {
    engine: db.engine,
    query: (sql, params) => (fault.failNext ? Promise.reject(fail()) : db.query(sql, params)),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => (fault.failNext ? Promise.reject(fail()) : db.transaction(fn)),
    close: () => db.close(),
  };
}

describe('runner: a bot whose start fails after its driver opened is let go of', () => {
  let t: TestDb;
  let runner: Runner;
  const fault = { failNext: false };
  /** Fail the first statement after the driver opened, on the next opening only. */
  let failAfterOpen = false;
  let closed = 0;

  before(async () => {
    t = await testDb();
    const paper = paperReplayFactory({ speed: 3_600, loop: false });
    const openBot: OpenBot = async (record, ctx) => {
      const d = await paper(record, ctx);
      const close = d.close.bind(d);
      d.close = async () => {
        closed++;
        await close();
      };
      if (failAfterOpen) {
        failAfterOpen = false;
        fault.failNext = true;
      }
      return d;
    };
    runner = new Runner({
      db: faultyDb(t.db, fault),
      mode: 'paper',
      openBot,
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: () => {}, botId }),
      leaseTtlMs: 60_000,
    });
    const grid = readConfigFile(join(ROOT, 'examples/sol-grid.yaml')) as Record<string, unknown>;
    const auto = {
      ...grid,
      name: 'sol-grid-auto',
      grid: { ...(grid.grid as Record<string, unknown>), baseSizePerLevel: 'auto' },
    };
    await runner.ensureBots([
      { raw: grid, source: 'sol-grid.yaml' },
      { raw: auto, source: 'sol-grid-auto.yaml' },
    ]);
  });
  after(async () => {
    await runner?.stop().catch(() => {});
    await t?.drop();
  });

  for (const [id, where] of [
    ['sol-grid', 'recording it as running'],
    ['sol-grid-auto', 'saving its fixed auto sizes'],
  ] as const) {
    it(`a failed write while ${where}: driver closed, lease released, the next start works`, async () => {
      closed = 0;
      failAfterOpen = true;
      await assert.rejects(runner.openBot(id, { wait: false }), /injected: the database refused the write/);
      assert.equal(fault.failNext, false, 'the injected failure was hit');
      assert.equal(closed, 1, 'the driver was closed');
      assert.equal(await currentLease(t.db, id), undefined, 'the lease was released');
      assert.equal(runner.session(id), undefined, 'the runner does not drive the bot');
      // the next attempt, with nothing failing: wait false, so a lease still held would throw here
      const session = await runner.openBot(id, { wait: false });
      assert.equal(session.status, 'running');
      assert.equal(runner.session(id), session);
      assert.ok(await currentLease(t.db, id), 'the running bot holds its lease');
    });
  }
});
