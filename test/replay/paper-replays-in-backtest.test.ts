/**
 * One codebase, three modes: a paper session's journal, replayed through the backtest engine on the same data,
 * gives the same decisions — every order command, at the same data time, with the same prices and sizes.
 * The paper runner drives the bot asynchronously through the venue port, persisting as it goes; the backtest
 * drives the same bot classes synchronously. Any drift between the two loops shows up here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { replayEvents } from '../../src/modes/paper.ts';
import type { Runner } from '../../src/runner/runner.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';
import {
  backtestCommands,
  commandText,
  journaledCommands,
  paperReplayRunner,
} from '../test-support/paper-replay.ts';

const example = (f: string) => new URL(`../../examples/${f}`, import.meta.url).pathname;

describe('a paper session replays through the backtest engine', () => {
  let t: TestDb;
  let runner: Runner;
  const raw = readConfigFile(example('sol-grid.yaml')) as Record<string, unknown>;

  before(async () => {
    t = await testDb();
    runner = paperReplayRunner(t);
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
    const { commands: paper, lastTs: lastPaperTs } = await journaledCommands(t, 'sol-grid');
    assert.ok(paper.length > 20, `the paper session traded (${paper.length} commands)`);

    const config = parseBotConfig(raw, 'sol-grid.yaml');
    const { events } = await replayEvents(['SOL-PERP']);
    const { commands: backtest, warmupUntil } = backtestCommands(config, events, lastPaperTs, false);
    // The paper session's shutdown (cancel all) comes after the replayed window: compare the trading part.
    const trading = paper.filter((p) => !(p.c.kind === 'cancelAll' && p.ts === lastPaperTs));
    const n = Math.min(trading.length, backtest.length);
    process.stderr.write(
      `replay: ${n} commands compared over ${((lastPaperTs - warmupUntil) / 3_600_000).toFixed(1)} h of data\n`,
    );
    for (let i = 0; i < n; i++) {
      assert.equal(commandText(trading[i]), commandText(backtest[i]), `command ${i} differs`);
    }
    assert.ok(
      Math.abs(trading.length - backtest.length) <= 0,
      `${trading.length} paper vs ${backtest.length} backtest commands`,
    );
  });
});
