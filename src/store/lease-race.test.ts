/**
 * Two runner processes on one real PostgreSQL server compete for one bot. Asserted: every "drive" happened
 * while the database counted the lease as the driver's; holding periods (by epoch) never overlap in database
 * time; and when the holder is SIGKILLed the other runner takes the bot only after the dead one's lease
 * expired. Skipped without DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fromDbTime } from './codec.ts';
import type { Db } from './db.ts';
import { createBot } from './repositories/bots.ts';
import { NO_SERVER_MESSAGE, serverUrl, type TestDb, testDb } from './test-support/test-db.ts';

const RUNNER = fileURLToPath(new URL('./test-support/lease-runner.ts', import.meta.url));
const TTL_MS = 1500;
const skip = serverUrl() ? false : NO_SERVER_MESSAGE;

interface LogLine {
  owner: string;
  event: 'start' | 'renew' | 'drive' | 'denied' | 'stop';
  epoch?: number;
  at?: number;
  expiresAt?: number;
  valid?: boolean;
  reason?: string;
}

describe('two runners, one bot (real server)', { skip }, () => {
  let t: TestDb;
  let db: Db;
  const children: ChildProcess[] = [];
  const logs: LogLine[] = [];

  before(async () => {
    t = await testDb();
    db = t.db;
    await db.exec(
      'create table lease_probe (owner text not null, epoch bigint not null, at timestamptz not null, valid boolean not null)',
    );
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    logs.length = 0;
  });
  after(() => t.drop());

  function startRunner(botId: string, owner: string, holdMs: number): ChildProcess {
    const child = spawn(process.execPath, [RUNNER], {
      env: {
        ...process.env,
        ZP_SCHEMA: t.schema,
        ZP_BOT: botId,
        ZP_OWNER: owner,
        ZP_TTL_MS: String(TTL_MS),
        ZP_HOLD_MS: String(holdMs),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout! }).on('line', (line) => logs.push(JSON.parse(line) as LogLine));
    children.push(child);
    return child;
  }

  async function waitFor(
    what: string,
    cond: () => boolean | Promise<boolean>,
    limitMs = 30_000,
  ): Promise<void> {
    const start = Date.now();
    while (!(await cond())) {
      if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
      await sleep(25);
    }
  }

  async function probes(): Promise<{ owner: string; epoch: number; at: number; valid: boolean }[]> {
    const rows = await db.query<{ owner: string; epoch: string; at: Date; valid: boolean }>(
      'select owner, epoch, at, valid from lease_probe order by at',
    );
    return rows.map((r) => ({
      owner: r.owner,
      epoch: Number(r.epoch),
      at: fromDbTime(r.at),
      valid: r.valid,
    }));
  }

  /** Holding periods from the probes: one per epoch, one owner each, disjoint in database time. */
  function assertNeverBoth(
    rows: Awaited<ReturnType<typeof probes>>,
  ): Map<number, { owner: string; from: number; to: number }> {
    assert.ok(rows.length > 0);
    assert.deepEqual(
      rows.filter((r) => !r.valid),
      [],
      'a runner drove while the database did not count the lease as its own',
    );
    const periods = new Map<number, { owner: string; from: number; to: number }>();
    for (const r of rows) {
      const p = periods.get(r.epoch);
      if (!p) periods.set(r.epoch, { owner: r.owner, from: r.at, to: r.at });
      else {
        assert.equal(p.owner, r.owner, `epoch ${r.epoch} driven by two owners`);
        p.to = r.at;
      }
    }
    const sorted = [...periods.entries()].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      const [prevEpoch, prev] = sorted[i - 1]!;
      const [epoch, cur] = sorted[i]!;
      assert.ok(
        prev.to < cur.from,
        `epoch ${prevEpoch} (${prev.owner}) overlaps epoch ${epoch} (${cur.owner})`,
      );
    }
    // The runners' own start lines (database time of the acquiring statement) agree.
    for (const start of logs.filter((l) => l.event === 'start')) {
      const before = sorted.filter(([e]) => e < start.epoch!);
      for (const [, p] of before)
        assert.ok(p.to < start.at!, `epoch ${start.epoch} started before an older one stopped`);
    }
    return periods;
  }

  it('hands the bot back and forth without ever letting both drive it', async () => {
    await createBot(db, { id: 'churn', name: 'churn', strategy: 'grid', markets: [], mode: 'paper' });
    startRunner('churn', 'runner-a', 400);
    startRunner('churn', 'runner-b', 400);
    await waitFor(
      'five holding periods',
      async () => new Set((await probes()).map((p) => p.epoch)).size >= 5,
    );
    for (const c of children) c.kill('SIGKILL');
    await sleep(100);
    const periods = assertNeverBoth(await probes());
    assert.deepEqual(new Set([...periods.values()].map((p) => p.owner)), new Set(['runner-a', 'runner-b']));
  });

  it("lets the survivor take over only after the killed holder's lease expired", async () => {
    await db.query('delete from lease_probe');
    await createBot(db, { id: 'kill', name: 'kill', strategy: 'grid', markets: [], mode: 'paper' });
    const a = startRunner('kill', 'runner-a', 0);
    const b = startRunner('kill', 'runner-b', 0);
    await waitFor('a holder driving', async () => (await probes()).length >= 3);
    const [lease] = await db.query<{ owner: string }>(`select owner from leases where bot_id = 'kill'`);
    const [holder, survivor] = lease!.owner === 'runner-a' ? [a, 'runner-b'] : [b, 'runner-a'];
    await waitFor(
      'the survivor being refused',
      () => logs.filter((l) => l.owner === survivor && l.event === 'denied').length >= 3,
    );
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    await sleep(100); // a renewal in flight at the kill still commits; let it land before reading the row
    const [dead] = await db.query<{ owner: string; epoch: string; expires_at: Date }>(
      `select owner, epoch, expires_at from leases where bot_id = 'kill'`,
    );
    assert.equal(dead!.owner, lease!.owner, 'nobody took the bot right after the kill');
    await waitFor('the survivor starting', () =>
      logs.some((l) => l.owner === survivor && l.event === 'start'),
    );
    const start = logs.find((l) => l.owner === survivor && l.event === 'start')!;
    assert.ok(start.at! >= fromDbTime(dead!.expires_at), "took over before the dead holder's lease expired");
    assert.equal(start.epoch, Number(dead!.epoch) + 1);
    await waitFor('the survivor driving', async () => (await probes()).some((p) => p.owner === survivor));
    const periods = assertNeverBoth(await probes());
    assert.deepEqual(
      [...periods.values()].map((p) => p.owner),
      [lease!.owner, survivor],
    );
  });
});
