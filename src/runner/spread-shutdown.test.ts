/**
 * `kill -TERM <pid>` on a runner whose spread bots hold both legs, as a user does it: the real CLI as a child
 * process, PGlite in a temp folder, the shipped data replayed, a real SIGTERM.
 *  - process 1: a bot trading normally and one an operator paused (verdict PAUSE) — both end flat, exit 0;
 *  - process 2: a bot with closeOnShutdown: false keeps its legs; a bot whose close cap is too tight for any
 *    close retries until its shutdownTimeoutSec, and the process exits 3 naming the legs still open.
 * The configs hold a position until the opposite extreme (exitZ 0), so the legs are there when the signal comes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeJson, openDb } from '../store/index.ts';
import type { DurableSimState } from './durable-sim.ts';
import { type ChildRunner, getJson, startChild, waitFor } from './test-support/child-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-spread-shutdown-'));
const TOKEN = 'spread-shutdown-test';

function config(name: string, spread: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  const body = {
    name,
    strategy: 'spread',
    markets: ['DRIFT-PERP', 'KMNO-PERP'],
    collateral: 1000,
    spread: {
      driftQuantity: 200,
      kmnoQuantity: 2000,
      cycleIntervalSec: 3600,
      signalLagPeriods: 2,
      window: 48,
      entryZ: 1.5,
      exitZ: 0,
      ...spread,
    },
    risk: { maxDivergencePct: 5 },
  };
  writeFileSync(path, JSON.stringify(body));
  return path;
}

interface Detail {
  verdict: string | null;
  positions: { market: string; base: number }[];
}

const holdsBoth = (d: Detail): boolean => d.positions.filter((p) => p.base !== 0).length === 2;

async function start(db: string, configs: string[]): Promise<ChildRunner> {
  const r = await startChild([...configs.flatMap((c) => ['--config', c]), '--speed', '6000'], {
    ZERO_PERPS_PGLITE_DIR: db,
    DATABASE_URL: '',
    RPC_URL: '',
    API_TOKEN: TOKEN,
  });
  after(() => {
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  });
  return r;
}

/** The legs each bot's paper venue holds, from the database (what survives the process). */
async function legsAfter(db: string, bots: string[]): Promise<Record<string, number>> {
  const h = await openDb({ url: '', dataDir: db });
  try {
    const out: Record<string, number> = {};
    for (const id of bots) {
      const row = (
        await h.query<{ state: unknown }>('select state from paper_venues where bot_id = $1', [id])
      )[0];
      assert.ok(row, `${id} has a paper venue`);
      const venue = decodeJson<{ venue: DurableSimState }>(row.state).venue;
      out[id] = venue.subs[0]?.positions.filter((p) => p.base !== 0n).length ?? 0;
    }
    return out;
  } finally {
    await h.close();
  }
}

describe('SIGTERM on a runner whose spread bots hold both legs', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('closes both legs, under a PAUSE verdict too, and exits 0', async () => {
    const db = join(dir, 'db1');
    const r = await start(db, [config('plain', {}), config('paused', {})]);
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([
          getJson<Detail>(`${r.url}/api/bots/plain`),
          getJson<Detail>(`${r.url}/api/bots/paused`),
        ]);
        return holdsBoth(a) && holdsBoth(b) ? true : undefined;
      },
      'both bots holding both legs',
      60_000,
    );
    const res = await fetch(`${r.url}/api/bots/paused/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    await waitFor(async () => {
      const d = await getJson<Detail>(`${r.url}/api/bots/paused`);
      return d.verdict === 'PAUSE' && holdsBoth(d) ? true : undefined;
    }, 'the paused bot under PAUSE, legs held');
    const plain = await getJson<Detail>(`${r.url}/api/bots/plain`);
    assert.ok(holdsBoth(plain), 'still holding when the signal comes');

    r.child.kill('SIGTERM');
    const exit = await r.exited;
    const out = r.stdout();
    assert.equal(exit.code, 0, `${r.stderr()}\n${out.slice(-3000)}`);
    assert.match(out, /"botId":"plain"[^\n]*"msg":"shutdown: closing all positions"/);
    assert.match(out, /"botId":"paused"[^\n]*"msg":"shutdown: closing all positions \(under a PAUSE verdict/);
    assert.match(out, /"botId":"paused"[^\n]*"msg":"stopped: positions closed"/);
    assert.deepEqual(await legsAfter(db, ['plain', 'paused']), { plain: 0, paused: 0 });
  });

  it('closeOnShutdown: false keeps the legs; a close that cannot go out ends in exit 3 naming what is open', async () => {
    const db = join(dir, 'db2');
    const r = await start(db, [
      config('keep', { closeOnShutdown: false }),
      // Any close must sit within 0.01 bps of the mark: the 1 bp half-spread alone is beyond it.
      config('tight', { closeMaxSlippageBps: 0.01, shutdownTimeoutSec: 2 }),
    ]);
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([
          getJson<Detail>(`${r.url}/api/bots/keep`),
          getJson<Detail>(`${r.url}/api/bots/tight`),
        ]);
        return holdsBoth(a) && holdsBoth(b) ? true : undefined;
      },
      'both bots holding both legs',
      60_000,
    );
    const started = Date.now();
    r.child.kill('SIGTERM');
    const exit = await r.exited;
    const err = r.stderr();
    assert.equal(exit.code, 3, `${err}\n${r.stdout().slice(-3000)}`);
    assert.ok(Date.now() - started >= 1500, 'the tight bot retried until its 2 s deadline');
    assert.match(err, /shutdown left positions open — tight: DRIFT-PERP [+-]200, KMNO-PERP [+-]2000/);
    assert.doesNotMatch(err, /keep:/, 'a bot told to keep its legs is no failure');
    assert.match(
      r.stdout(),
      /"botId":"keep"[^\n]*"msg":"stopped: closeOnShutdown is off, 2 position\(s\) left open/,
    );
    assert.deepEqual(await legsAfter(db, ['keep', 'tight']), { keep: 2, tight: 2 });
  });
});
