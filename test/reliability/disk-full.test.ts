/**
 * A full disk under a running runner (a real process on a real tmpfs; needs root to mount it): the bots pause
 * — every grid order cancelled, positions kept — the API says why (503 on /api/health, riskState paused with
 * the reason), memory stays flat, and once space is back the bots resume on their own. Ctrl-C during the
 * fault still stops the runner. And the embedded database itself recovers from PostgreSQL aborting on the full
 * disk.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getJson, startChild, waitFor } from '../../src/runner/test-support/child-runner.ts';
import { openDb } from '../../src/store/index.ts';

const mnt = mkdtempSync(join(tmpdir(), 'zp-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', mnt], { stdio: 'ignore' });
  mounted = true;
} catch {
  // Not root (or no tmpfs): the test reports itself skipped with the reason.
}

/** Fills the file system with one file; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 20, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // Small writes may still fit into partly used blocks: fill those too.
  const fd2 = openSync(join(dir, 'filler-small'), 'w');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512, 1));
  } catch {
    // full
  } finally {
    closeSync(fd2);
  }
  return path;
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
};

interface Health {
  ok: boolean;
  storage?: { ok: boolean; error: string; since: number };
}
async function health(url: string): Promise<{ status: number; body: Health }> {
  const r = await fetch(`${url}/api/health`);
  return { status: r.status, body: (await r.json()) as Health };
}

interface Detail {
  riskState: string;
  openOrders: unknown[];
  positions: { base: number }[];
  riskReasons: { rule: string; message: string }[];
}

describe('disk full while running', { skip: mounted ? false : 'needs root to mount a tmpfs' }, () => {
  const dir = join(mnt, 'data');
  before(() => mkdirSync(dir));
  after(() => {
    if (mounted) execFileSync('umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it('pauses the bots with the reason, keeps memory flat, resumes when space is back', async () => {
    const env = { ZERO_PERPS_PGLITE_DIR: join(dir, 'db'), DATABASE_URL: '', RPC_URL: '', API_TOKEN: 't' };
    const r = await startChild(['--speed', '3000'], env);
    after(() => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    });
    const pid = r.child.pid as number;
    await waitFor(async () => {
      const d = await getJson<Detail>(`${r.url}/api/bots/sol-grid`);
      return d.openOrders.length > 0 ? true : undefined;
    }, 'grid orders resting');
    const filler = fill(mnt);
    // whatever happens below, the next test needs the space back
    after(() => {
      rmSync(filler, { force: true });
      rmSync(`${filler}-small`, { force: true });
    });
    const fault = await waitFor(async () => {
      const h = await health(r.url);
      return h.status === 503 ? h.body : undefined;
    }, 'the runner noticing the full disk');
    assert.equal(fault.ok, false);
    assert.match(fault.storage?.error ?? '', /^disk full: .*No space left/);
    const paused = await getJson<Detail>(`${r.url}/api/bots/sol-grid`);
    assert.equal(paused.riskState, 'paused');
    assert.equal(paused.openOrders.length, 0, 'every order cancelled');
    assert.match(paused.riskReasons[0]?.message ?? '', /^paused: disk full/);

    // Memory stays flat while the fault lasts (the old runner grew to gigabytes).
    const rss0 = rssMb(pid);
    await new Promise((res) => setTimeout(res, 8000));
    const rss1 = rssMb(pid);
    assert.ok(rss1 - rss0 < 40, `RSS grew ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB during the fault`);
    // Positions are kept while paused: nothing closed, nothing traded (fills before the pause are the grid's).
    const during = await getJson<Detail>(`${r.url}/api/bots/sol-grid`);
    assert.deepEqual(
      during.positions.map((p) => p.base),
      paused.positions.map((p) => p.base),
    );
    assert.equal(during.openOrders.length, 0);
    assert.equal((await health(r.url)).status, 503, 'still paused while the disk is full');

    rmSync(filler);
    rmSync(`${filler}-small`, { force: true });
    await waitFor(
      async () => ((await health(r.url)).status === 200 ? true : undefined),
      'resuming once space is back',
      60_000,
    );
    await waitFor(async () => {
      const d = await getJson<Detail>(`${r.url}/api/bots/sol-grid`);
      return d.openOrders.length > 0 && d.riskState !== 'paused' ? true : undefined;
    }, 'orders resting again');
    assert.match(r.stdout(), /"msg":"disk full: .*bots paused \(orders cancelled, positions kept\)/);
    assert.match(r.stdout(), /"msg":"database writes work again: bots resume"/);

    // Ctrl-C while the disk is full again: the runner still stops.
    const again = fill(mnt);
    await waitFor(async () => ((await health(r.url)).status === 503 ? true : undefined), 'second fault');
    r.child.kill('SIGINT');
    const exit = await Promise.race([
      r.exited,
      new Promise<undefined>((res) => setTimeout(() => res(undefined), 30_000).unref()),
    ]);
    assert.ok(exit, 'SIGINT during the fault stops the runner');
    assert.match(r.stdout(), /"msg":"shutdown complete"/);
    rmSync(again);
    rmSync(`${again}-small`, { force: true });
    if (process.env.ZP_SHOW_LOG)
      console.log(
        r
          .stdout()
          .split('\n')
          .filter((l) => /SYSTEM/.test(l))
          .join('\n'),
      );
  });

  it('an embedded database that aborted on the full disk (a checkpoint) works again once space is back', async () => {
    const dataDir = join(dir, 'aborted');
    const db = await openDb({ url: '', dataDir });
    try {
      await db.query('create table t (id serial primary key, x text)');
      const filler = fill(mnt);
      // A checkpoint with no room aborts PGlite's PostgreSQL; before, every later call then failed for good
      // ('cannot drop active portal') even with room again.
      await assert.rejects(db.query('checkpoint'));
      await assert.rejects(
        db.query("insert into t (x) select repeat('x', 500) from generate_series(1, 500)"),
      );
      rmSync(filler);
      rmSync(`${filler}-small`, { force: true });
      await db.query("insert into t (x) select repeat('x', 500) from generate_series(1, 500)");
      const rows = await db.query<{ n: number }>('select count(*)::integer as n from t');
      assert.equal(Number(rows[0]?.n), 500, 'the failed insert left nothing; the later one everything');
    } finally {
      await db.close().catch(() => {});
    }
  });
});
