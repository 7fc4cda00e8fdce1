/**
 * Retention on the demo bots (real data, paper replay, a real PGlite folder): the runner prunes as it goes by
 * each bot's own clock, and what the books read — funding settlements, fills, the latest snapshots — survives,
 * so a restart's PnL split is what it was. `db prune --older-than` compares data time, not the wall clock: a
 * replay of 2025 data keeps its recent days.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readConfigFile } from '../config/read-config-file.ts';
import { createLogger } from '../log/logger.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import { fromDbTime, openDb, runPruneCommand } from '../store/index.ts';
import { fundingBaselines, pnlTotals } from './bot-records.ts';
import { RunnerMetrics } from './metrics.ts';
import { Runner } from './runner.ts';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'zp-retain-'));
const dataDir = join(dir, 'db');
const example = (f: string) => new URL(`../../examples/${f}`, import.meta.url).pathname;

describe('retention by data time', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prunes as the bots run, keeping what the books read', async () => {
    const db = await openDb({ url: '', dataDir });
    const runner = new Runner({
      db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 1800, loop: true }),
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: () => {}, botId }),
      retainMs: DAY,
    });
    const files = ['sol-grid.yaml', 'drift-kmno-spread.yaml'].map((f) => ({
      raw: readConfigFile(example(f)) as Record<string, unknown>,
      source: f,
    }));
    await runner.openAll(await runner.ensureBots(files));
    let wall = Date.now();
    // 3 days of data at the demo's pace (a tick = 250 ms = 7.5 minutes of data).
    for (let i = 0; i < 576; i++) {
      wall += 250;
      await runner.tickOnce(wall);
    }
    await runner.stop(); // waits for a prune in progress
    for (const id of ['sol-grid', 'drift-kmno-spread']) {
      const clock = fromDbTime(
        (await db.query<{ ts: Date }>('select max(ts) as ts from journal where bot_id = $1', [id]))[0]?.ts,
      );
      const oldest = await db.query<{ ts: Date }>(
        `select min(ts) as ts from journal where bot_id = $1
         and not (kind = 'venue_event' and payload->>'type' = 'funding')`,
        [id],
      );
      // Pruned once a data day: nothing older than retention + a day.
      assert.ok(fromDbTime(oldest[0]?.ts) >= clock - 2 * DAY - 1, `${id}: journal pruned to the window`);
      const spanned = await db.query<{ ts: Date }>(
        'select min(ts) as ts from perps_margin_snapshots where bot_id = $1',
        [id],
      );
      assert.ok(fromDbTime(spanned[0]?.ts) >= clock - 2 * DAY - 1, `${id}: snapshots pruned`);
    }
    const grid = await db.query<{ n: number }>(
      "select count(*)::integer as n from orders where bot_id = 'sol-grid' and status = 'cancelled' and filled_base = 0 and placed_at < (select max(ts) from journal where bot_id = 'sol-grid') - interval '2 days'",
    );
    assert.equal(Number(grid[0]?.n), 0, 'old never-filled orders pruned');
    // The books are intact: funding and fees from the database equal what the sessions counted.
    for (const s of runner.sessions()) {
      const totals = await pnlTotals(db, s.id);
      assert.equal(totals.funding, s.fundingTotal, `${s.id}: funding total survives pruning`);
      assert.equal(totals.fees, s.feesTotal, `${s.id}: fees survive pruning`);
      const baselines = await fundingBaselines(db, s.id);
      for (const row of s.funding.rows(s.ts)) {
        assert.equal(
          baselines.get(row.marketIndex)?.settled ?? 0n,
          row.settled,
          `${s.id}: settled per market`,
        );
      }
    }
    // The check above means something: settlements older than the window existed and were kept.
    const kept = await db.query<{ n: number }>(
      `select count(*)::integer as n from journal where payload->>'type' = 'funding'
       and ts < (select max(ts) from journal) - interval '2 days'`,
    );
    assert.ok(Number(kept[0]?.n) > 0, 'old funding settlements are kept');
    assert.ok(
      runner.sessions().some((s) => s.fundingTotal !== 0n),
      'some funding was paid or received',
    );
    await db.close();
  });

  it('db prune --older-than compares each bot’s data time, not the wall clock', async () => {
    const lines: string[] = [];
    // The data is from 2025: by the wall clock all of it is "older than 30 days".
    const none = await runPruneCommand({ olderThan: '30d', url: '', dataDir }, (l) => lines.push(l));
    assert.equal(
      Object.values(none).reduce((a, b) => a + b, 0),
      0,
      lines.join('\n'),
    );
    assert.match(lines[0] as string, /before each bot's newest record \(its data time\)/);
    const some = await runPruneCommand({ olderThan: '1d', url: '', dataDir }, () => {});
    assert.ok(some.journal > 0);
    const db = await openDb({ url: '', dataDir });
    try {
      const left = await db.query<{ n: number }>(
        "select count(*)::integer as n from journal where bot_id = 'sol-grid' and kind <> 'venue_event'",
      );
      assert.ok(Number(left[0]?.n) > 0, 'the last day is kept');
    } finally {
      await db.close();
    }
  });
});
