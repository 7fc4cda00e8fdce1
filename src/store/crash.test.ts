/**
 * Killing a writer mid-write leaves the database consistent: every transaction is all or nothing. A child
 * process writes multi-table batches in a loop and is SIGKILLed, three times over; then every journal batch
 * must be complete, the seq gapless, and each batch's event and snapshot present exactly when its entries are.
 * Needs a real server (a PGlite folder belongs to one process): skipped without DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';
import { lastJournalSeq, readJournal } from './journal.ts';
import { createBot } from './repositories/bots.ts';
import { NO_SERVER_MESSAGE, serverUrl, type TestDb, testDb } from './test-support/test-db.ts';

const WRITER = fileURLToPath(new URL('./test-support/journal-writer.ts', import.meta.url));
const skip = serverUrl() ? false : NO_SERVER_MESSAGE;

describe('crash mid-write (real server)', { skip }, () => {
  let t: TestDb;
  let db: Db;
  before(async () => {
    t = await testDb();
    db = t.db;
    await createBot(db, { id: 'crash', name: 'crash', strategy: 'grid', markets: [], mode: 'paper' });
  });
  after(() => t.drop());

  async function runAndKill(untilSeq: number): Promise<void> {
    const child = spawn(process.execPath, [WRITER], {
      env: { ...process.env, ZP_SCHEMA: t.schema, ZP_BOT: 'crash' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 30_000;
    while ((await lastJournalSeq(db, 'crash')) < untilSeq) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error('the writer did not reach its target');
      }
      await sleep(20);
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  }

  it('keeps every batch whole and the journal gapless across three kills', async () => {
    await runAndKill(150);
    await runAndKill(300);
    await runAndKill(450);

    const rows = await readJournal<{ batch: number; index: number; count: number; amount: bigint }>(
      db,
      'crash',
      { limit: 100_000 },
    );
    const last = await lastJournalSeq(db, 'crash');
    assert.ok(last >= 450);
    assert.deepEqual(
      rows.map((r) => r.seq),
      Array.from({ length: last }, (_, i) => i + 1),
      'seq gapless and equal to the head',
    );

    const batches = new Map<number, number[]>();
    for (const r of rows) {
      const { batch, index, count, amount } = r.payload;
      assert.equal(amount, 2n ** 80n + BigInt(batch * 100 + index), 'bigint exact');
      const seen = batches.get(batch) ?? [];
      assert.equal(index, seen.length, `batch ${batch} in order`);
      seen.push(r.seq);
      batches.set(batch, seen);
      if (index === count - 1) assert.equal(seen.length, count);
    }
    for (const [batch, seqs] of batches) {
      const count = 1 + ((batch * 7) % 13);
      assert.equal(seqs.length, count, `batch ${batch} complete`);
      assert.equal(seqs[seqs.length - 1]! - seqs[0]!, count - 1, `batch ${batch} contiguous`);
    }
    const ids = [...batches.keys()].sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      Array.from({ length: ids.length }, (_, i) => i),
      'no batch lost between committed ones',
    );

    const events = await db.query<{ b: number }>(
      `select (data->>'batch')::integer as b from bot_events where bot_id = 'crash' and kind = 'batch' order by 1`,
    );
    assert.deepEqual(
      events.map((e) => e.b),
      ids,
      'an event exactly for each committed batch',
    );
    const snaps = await db.query<{ n: string }>(
      `select count(*) as n from perps_funding_snapshots where bot_id = 'crash'`,
    );
    assert.equal(Number(snaps[0]!.n), ids.length, 'a snapshot exactly for each committed batch');
  });
});
