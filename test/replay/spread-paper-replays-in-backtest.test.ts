/**
 * The same promise for the spread bot: a paper session of the DRIFT/KMNO example (the runner driving SpreadBot
 * through the async venue port: books, place-and-take pairs, fill checks, persistence), its journaled order
 * commands replayed through the backtest engine on the same data, come out identical — every placeAndTake at
 * the same data time with the same legs, sizes and limits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { replayEvents } from '../../src/modes/paper.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';
import {
  backtestCommands,
  commandText,
  journaledCommands,
  paperReplayRunner,
  type TimedCommand,
} from '../test-support/paper-replay.ts';

const example = (f: string) => new URL(`../../examples/${f}`, import.meta.url).pathname;
const BOT = 'drift-kmno-spread';

describe('a spread paper session replays through the backtest engine', () => {
  let t: TestDb;
  let paper: TimedCommand[] = [];
  let lastPaperTs = 0;
  const raw = readConfigFile(example('drift-kmno-spread.yaml')) as Record<string, unknown>;

  before(async () => {
    t = await testDb();
    const runner = paperReplayRunner(t);
    await runner.ensureBots([{ raw, source: 'drift-kmno-spread.yaml' }]);
    await runner.openAll();
    let wall = Date.now();
    for (let i = 0; i < 400; i++) {
      await runner.tickOnce((wall += 1000));
      // Let timers run between ticks (the lease keeper renews on a timer), as the runner's own loop does.
      await new Promise<void>((r) => setImmediate(r));
    } // about 400 hours of data
    // The trading part is what the journal holds before the runner's shutdown closes the legs.
    paper = (await journaledCommands(t, BOT)).commands;
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
    const { commands: backtest, warmupUntil } = backtestCommands(config, events, lastPaperTs, funding);
    process.stderr.write(
      `spread replay: ${paper.length} paper vs ${backtest.length} backtest commands over ${((lastPaperTs - warmupUntil) / 3_600_000).toFixed(0)} h of data\n`,
    );
    const n = Math.min(paper.length, backtest.length);
    for (let i = 0; i < n; i++) {
      assert.equal(commandText(paper[i]), commandText(backtest[i]), `command ${i} differs`);
    }
    assert.equal(
      paper.length,
      backtest.length,
      `${paper.length} paper vs ${backtest.length} backtest commands`,
    );
  });
});
