/**
 * One codebase, three modes: a paper session's journal, replayed through the backtest engine on the same data,
 * gives the same decisions — every order command, at the same data time, with the same prices and sizes.
 * The paper runner drives the bot asynchronously through the venue port, persisting as it goes; the backtest
 * drives the same bot classes synchronously. Any drift between the two loops shows up here.
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
/** A command as text with sorted keys (the journal's jsonb does not keep key order). */
const show = (ts: number, c: OrderCommand): string =>
  `${ts} ${JSON.stringify(c, (_k, v) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
  )}`;

describe('a paper session replays through the backtest engine', () => {
  let t: TestDb;
  let runner: Runner;
  const raw = readConfigFile(example('sol-grid.yaml')) as Record<string, unknown>;

  before(async () => {
    t = await testDb();
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: false }), // one data hour per (test) wall second
      metrics: new RunnerMetrics(),
      retainMs: 0, // the whole journal is compared: nothing may be pruned by data age
      logger: (botId) => createLogger({ write: () => {}, botId }),
    });
    await runner.ensureBots([{ raw, source: 'sol-grid.yaml' }]);
    await runner.openAll();
    let wall = Date.now();
    for (let i = 0; i < 36; i++) await runner.tickOnce((wall += 1000)); // about 36 hours of data
    await runner.stop();
  });

  after(async () => {
    await t?.drop();
  });

  it('gives the same order commands at the same times', async () => {
    const journal = await readJournal<{ command?: OrderCommand }>(t.db, 'sol-grid', { limit: 1_000_000 });
    const paper = journal
      .filter((j) => j.kind === 'command' && j.payload.command)
      .map((j) => ({ ts: j.ts, c: j.payload.command as OrderCommand }));
    assert.ok(paper.length > 20, `the paper session traded (${paper.length} commands)`);
    const lastPaperTs = journal.at(-1)?.ts ?? 0;

    const config = parseBotConfig(raw, 'sol-grid.yaml');
    const { events } = await replayEvents(['SOL-PERP']);
    const warmupUntil =
      eventTime(events[0]) + defaultWarmupMs({ config } as Parameters<typeof defaultWarmupMs>[0]);
    const backtest: { ts: number; c: OrderCommand }[] = [];
    runBacktest({
      config,
      events: events.filter((e) => eventTime(e) <= lastPaperTs),
      replayFunding: false,
      warmupUntil,
      onDecision: (ts, commands) => {
        for (const c of commands) backtest.push({ ts, c });
      },
    });
    // The paper session's shutdown (cancel all) comes after the replayed window: compare the trading part.
    const trading = paper.filter((p) => !(p.c.kind === 'cancelAll' && p.ts === lastPaperTs));
    const n = Math.min(trading.length, backtest.length);
    process.stderr.write(
      `replay: ${n} commands compared over ${((lastPaperTs - warmupUntil) / 3_600_000).toFixed(1)} h of data\n`,
    );
    for (let i = 0; i < n; i++) {
      assert.equal(
        show(trading[i].ts, trading[i].c),
        show(backtest[i].ts, backtest[i].c),
        `command ${i} differs`,
      );
    }
    assert.ok(
      Math.abs(trading.length - backtest.length) <= 0,
      `${trading.length} paper vs ${backtest.length} backtest commands`,
    );
  });
});
