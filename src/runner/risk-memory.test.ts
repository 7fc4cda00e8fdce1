/**
 * The daily-loss latch survives a crash: a paper runner (the real CLI, PGlite in a temp folder) trips a tiny
 * maxDailyLoss, is SIGKILLed, and restarted the same (data) UTC day. The latch and the day's starting equity come
 * back from the database, so the restarted bot still refuses new exposure instead of approving the full ladder
 * from the equity it finds after the losses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { readConfigFile } from '../config/read-config-file.ts';
import { loadBotMemory, openDb } from '../store/index.ts';
import { getJson, ROOT, startChild, waitFor } from './test-support/child-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'zp-latch-'));
const env = {
  ZERO_PERPS_PGLITE_DIR: join(dir, 'db'),
  DATABASE_URL: '',
  API_TOKEN: 'latch-test',
  RPC_URL: '',
};
const DAY = 86_400_000;

interface Detail {
  ts: number;
  verdict: string | null;
  riskReasons: { rule: string }[];
  openOrders: { side: string; reduceOnly: boolean }[];
  position: { base: number };
}

describe('daily-loss latch across a restart', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a SIGKILLed runner restarted the same UTC day keeps refusing new exposure', async () => {
    const raw = readConfigFile(join(ROOT, 'examples/sol-grid.yaml')) as Record<
      string,
      Record<string, unknown>
    >;
    const config = join(dir, 'latch.yaml');
    writeFileSync(config, stringify({ ...raw, name: 'latch', risk: { ...raw.risk, maxDailyLoss: 0.5 } }));
    const args = ['--config', config, '--speed', '600'];
    const url = (base: string) => `${base}/api/bots/latch`;
    const latched = (d: Detail) => d.riskReasons.some((r) => r.rule === 'C_daily_loss');

    const a = await startChild(args, env);
    after(() => {
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    });
    const tripped = await waitFor(
      async () => {
        const d = await getJson<Detail>(url(a.url));
        return latched(d) ? d : undefined;
      },
      'the daily-loss trip',
      90_000,
    );
    // let the cycle that tripped commit, then crash
    await new Promise((r) => setTimeout(r, 1500));
    a.child.kill('SIGKILL');
    await a.exited;

    const db = await openDb({ url: '', dataDir: env.ZERO_PERPS_PGLITE_DIR });
    let memory: { risk?: { dailyLossLatchDay: number | null; dayStart?: { day: number } } };
    try {
      memory = (await loadBotMemory(db, 'latch')) as typeof memory;
    } finally {
      await db.close();
    }
    const day = Math.floor(tripped.ts / DAY);
    assert.equal(memory.risk?.dailyLossLatchDay, day, 'the latch was committed');
    assert.equal(memory.risk?.dayStart?.day, day);

    const b = await startChild(args, env);
    after(() => {
      if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
    });
    const first = await waitFor(async () => {
      const d = await getJson<Detail>(url(b.url));
      return d.verdict !== null ? d : undefined; // the restarted process's first decision
    }, 'the first verdict after the restart');
    assert.equal(Math.floor(first.ts / DAY), day, 'still the same UTC day of data');
    assert.ok(latched(first), `still latched after the restart: ${JSON.stringify(first.riskReasons)}`);
    assert.ok(
      first.openOrders.every((o) => o.reduceOnly),
      `no order that could grow the position: ${JSON.stringify(first.openOrders)}`,
    );
    b.child.kill('SIGTERM');
    await b.exited;
  });
});
