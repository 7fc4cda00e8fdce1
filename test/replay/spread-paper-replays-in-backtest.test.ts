/**
 * The same promise for the spread bot: a paper session of the DRIFT/KMNO example (the runner driving SpreadBot
 * through the async venue port: books, place-and-take pairs, fill checks, persistence), its journaled order
 * commands replayed through the backtest engine on the same data, come out identical — every placeAndTake at
 * the same data time with the same legs, sizes and limits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { eventTime } from '../../src/data/merge.ts';
import type { OrderCommand } from '../../src/domain/types.ts';
import { createLogger } from '../../src/log/index.ts';
import { paperReplayFactory, replayEvents } from '../../src/modes/paper.ts';
import { RunnerMetrics } from '../../src/runner/metrics.ts';
import { defaultWarmupMs } from '../../src/runner/paper-driver.ts';
import { Runner } from '../../src/runner/runner.ts';
import { readJournal } from '../../src/store/journal.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';

const example = (f: string) => new URL(`../../examples/${f}`, import.meta.url).pathname;
const BOT = 'drift-kmno-spread';
/** A command as text with sorted keys (the journal's jsonb does not keep key order). */
const show = (ts: number, c: OrderCommand): string =>
  `${ts} ${JSON.stringify(c, (_k, v) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
  )}`;

describe('a spread paper session replays through the backtest engine', () => {
  let t: TestDb;
  let paper: { ts: number; c: OrderCommand }[] = [];
  let lastPaperTs = 0;
  const raw = readConfigFile(example('drift-kmno-spread.yaml')) as Record<string, unknown>;

  before(async () => {
    t = await testDb();
    const runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: false }), // one data hour per (test) wall second
      metrics: new RunnerMetrics(),
      retainMs: 0, // the whole journal is compared: nothing may be pruned by data age
      logger: (botId) => createLogger({ write: () => {}, botId }),
    });
    await runner.ensureBots([{ raw, source: 'drift-kmno-spread.yaml' }]);
    await runner.openAll();
    let wall = Date.now();
    for (let i = 0; i < 400; i++) {
      await runner.tickOnce((wall += 1000));
      // Let timers run between ticks (the lease keeper renews on a timer), as the runner's own loop does.
      await new Promise<void>((r) => setImmediate(r));
    } // about 400 hours of data
    // The trading part is what the journal holds before the runner's shutdown closes the legs.
    const journal = await readJournal<{ command?: OrderCommand }>(t.db, BOT, { limit: 1_000_000 });
    paper = journal
      .filter((j) => j.kind === 'command' && j.payload.command)
      .map((j) => ({ ts: j.ts, c: j.payload.command as OrderCommand }));
    lastPaperTs = runner.driver(BOT)?.clock() ?? 0;
    await runner.stop();
  });

  after(async () => {
    await t?.drop();
  });

  it('gives the same placeAndTake commands at the same times', async () => {
    const pairs = paper.filter((p) => p.c.kind === 'placeAndTake' && p.c.orders.length === 2);
    assert.ok(pairs.length >= 4, `the paper session traded pairs (${pairs.length} two-leg commands)`);

    const config = parseBotConfig(raw, 'drift-kmno-spread.yaml');
    const { events, funding } = await replayEvents(['DRIFT-PERP', 'KMNO-PERP']);
    const warmupUntil =
      eventTime(events[0]) + defaultWarmupMs({ config } as Parameters<typeof defaultWarmupMs>[0]);
    const backtest: { ts: number; c: OrderCommand }[] = [];
    runBacktest({
      config,
      events: events.filter((e) => eventTime(e) <= lastPaperTs),
      replayFunding: funding,
      warmupUntil,
      onDecision: (ts, commands) => {
        for (const c of commands) backtest.push({ ts, c });
      },
    });
    process.stderr.write(
      `spread replay: ${paper.length} paper vs ${backtest.length} backtest commands over ${((lastPaperTs - warmupUntil) / 3_600_000).toFixed(0)} h of data\n`,
    );
    const n = Math.min(paper.length, backtest.length);
    for (let i = 0; i < n; i++) {
      assert.equal(
        show(paper[i].ts, paper[i].c),
        show(backtest[i].ts, backtest[i].c),
        `command ${i} differs`,
      );
    }
    assert.equal(
      paper.length,
      backtest.length,
      `${paper.length} paper vs ${backtest.length} backtest commands`,
    );
  });
});
