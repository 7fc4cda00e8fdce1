/**
 * Crash-only, many times over: the real CLI (`zero-perps start --mode paper`, PGlite in a temp folder) is
 * SIGKILLed at seeded random moments 5–8 times and restarted each time. After every restart the API must show
 * a sane ladder (userOrderIds unique) and at least the fills booked before the kill; after every kill the
 * database must agree with the durable paper venue (books.ts: open orders, every venue fill booked once, cash
 * books, gapless journal) and never hold fewer fills than before. Ends with a clean SIGINT → exit 0.
 *
 * Long run: ZP_CRASH_KILLS=50 ZP_CRASH_SEED=7 npx node --test test/reliability/crash-loop.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type ChildRunner,
  getJson,
  ROOT,
  startChild,
  waitFor,
} from '../../src/runner/test-support/child-runner.ts';
import { createPrng } from '../../src/venue/sim/faults/prng.ts';
import { type BotBooks, checkBooks } from './books.ts';

const SEED = Number(process.env.ZP_CRASH_SEED ?? 20_240_610);
const prng = createPrng(SEED);
const KILLS = Number(process.env.ZP_CRASH_KILLS ?? prng.int(5, 8));
/** The longest a run lives before its SIGKILL, ms after the API answered. */
const MAX_LIFE_MS = Number(process.env.ZP_CRASH_MAX_LIFE_MS ?? 2500);

const dir = mkdtempSync(join(tmpdir(), 'zp-crash-loop-'));
const dataDir = join(dir, 'db');
const env = { ZERO_PERPS_PGLITE_DIR: dataDir, DATABASE_URL: '', API_TOKEN: 'crash-loop-token', RPC_URL: '' };
const args = [
  '--mode',
  'paper',
  '--replay',
  '--config',
  join(ROOT, 'examples/sol-grid.yaml'),
  '--config',
  join(ROOT, 'examples/drift-kmno-spread.yaml'),
  '--speed',
  '20000',
];
const BOTS = ['drift-kmno-spread', 'sol-grid'];

interface Detail {
  openOrders: { id: number; userOrderId: number }[];
}

/** Every fill the API lists for a bot (all pages). */
async function apiFillCount(url: string, bot: string): Promise<number> {
  let n = 0;
  let before: string | null = null;
  do {
    const q: string = before ? `&before=${encodeURIComponent(before)}` : '';
    const page = await getJson<{ items: unknown[]; nextBefore: string | null }>(
      `${url}/api/bots/${bot}/fills?limit=500${q}`,
    );
    n += page.items.length;
    before = page.nextBefore;
  } while (before);
  return n;
}

/** Once the runner is up: the ladder is sane and no fill booked before the last kill has gone missing. */
async function checkRunning(r: ChildRunner, last: Map<string, BotBooks>): Promise<void> {
  const bots = await getJson<{ id: string }[]>(`${r.url}/api/bots`);
  assert.deepEqual(bots.map((b) => b.id).sort(), BOTS, 'the same bots, once each');
  for (const id of BOTS) {
    const d = await getJson<Detail>(`${r.url}/api/bots/${id}`);
    const uids = d.openOrders.map((o) => o.userOrderId);
    assert.equal(
      new Set(uids).size,
      uids.length,
      `${id}: userOrderIds unique among open orders after restart`,
    );
    const ids = d.openOrders.map((o) => o.id);
    assert.equal(new Set(ids).size, ids.length, `${id}: order ids unique`);
    const fills = await apiFillCount(r.url, id);
    assert.ok(
      fills >= (last.get(id)?.fills ?? 0),
      `${id}: ${fills} fills via the API, ${last.get(id)?.fills} before`,
    );
  }
}

describe(`crash/restart loop (seed ${SEED}, ${KILLS} kills)`, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('survives every SIGKILL with no duplicate order, no lost fill and a consistent database', async () => {
    console.log(`crash loop: seed ${SEED}, ${KILLS} SIGKILLs (replay with ZP_CRASH_SEED=${SEED})`);
    let live: ChildRunner | undefined;
    after(() => {
      if (live && live.child.exitCode === null && live.child.signalCode === null) live.child.kill('SIGKILL');
    });
    let last = new Map<string, BotBooks>();
    const history: string[] = [];
    for (let k = 1; k <= KILLS; k++) {
      const t0 = Date.now();
      const r = await startChild(args, env);
      const up = Date.now() - t0;
      live = r;
      await checkRunning(r, last);
      if (k === 1) {
        // Let the first run trade, so every later check has fills and orders to lose.
        await waitFor(
          async () => ((await apiFillCount(r.url, 'sol-grid')) >= 3 ? true : undefined),
          'first fills',
        );
      }
      const life = prng.int(0, MAX_LIFE_MS);
      await new Promise((resolve) => setTimeout(resolve, life));
      r.child.kill('SIGKILL');
      const exit = await r.exited;
      assert.equal(
        exit.signal,
        'SIGKILL',
        `run ${k} died of the SIGKILL, not before: ${r.stderr().slice(-1500)}`,
      );
      const t1 = Date.now();
      const books = await checkBooks(dataDir);
      const checked = Date.now() - t1;
      assert.deepEqual([...books.keys()].sort(), BOTS);
      for (const [id, b] of books) {
        const before = last.get(id);
        assert.ok(
          b.fills >= (before?.fills ?? 0),
          `${id}: fill count never decreases (${before?.fills} → ${b.fills})`,
        );
        assert.ok(b.journalSeq >= (before?.journalSeq ?? 0), `${id}: journal never shrinks`);
      }
      history.push(
        `kill ${k} after ${life} ms (up in ${up} ms, books checked in ${checked} ms): ${[...books].map(([id, b]) => `${id} ${b.fills} fills, ${b.openOrders} open`).join('; ')}`,
      );
      last = books;
    }

    const r = await startChild(args, env);
    live = r;
    await checkRunning(r, last);
    // Trading resumes after the last crash: new fills are booked by the restarted process.
    const gridBefore = last.get('sol-grid')?.fills ?? 0;
    await waitFor(
      async () => ((await apiFillCount(r.url, 'sol-grid')) > gridBefore ? true : undefined),
      'fills after the last restart',
    );
    r.child.kill('SIGINT');
    const exit = await r.exited;
    assert.equal(exit.code, 0, r.stdout().slice(-3000));
    assert.match(r.stdout(), /"msg":"shutdown complete"/);
    const final = await checkBooks(dataDir);
    assert.equal(final.get('sol-grid')?.openOrders, 0, 'a clean stop leaves no grid order open');
    assert.ok((final.get('sol-grid')?.fills ?? 0) > gridBefore);
    history.push(
      `SIGINT: ${[...final].map(([id, b]) => `${id} ${b.fills} fills, journal ${b.journalSeq}`).join('; ')}`,
    );
    console.log(history.join('\n'));
  });
});
