/**
 * The seed's log promises, checked on the lines the runner's Logger writes (the same JSON lines `zero-perps
 * start` prints and --log-file appends): a paper session of the spread bot on the shipped data, at the default
 * info level, answers the README's greps —
 *   grep '"level":"error"' bot.log      → the errors (here: a shutdown whose closes cannot go out)
 *   grep '"category":"POSITION"' bot.log → position changes (entries, exits, shutdown)
 *   grep '"duration"' bot.log            → one closing line per cycle with its duration in ms
 * and every line of a cycle, its fills included, carries that cycle's correlation id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/log/index.ts';
import { paperReplayFactory } from '../../src/modes/paper.ts';
import { RunnerMetrics } from '../../src/runner/metrics.ts';
import { Runner } from '../../src/runner/runner.ts';
import { type TestDb, testDb } from '../../src/store/test-support/test-db.ts';

const BOT = 'spread-logs';
const grep = (lines: readonly string[], needle: string): string[] => lines.filter((l) => l.includes(needle));

describe('spread bot logs answer the seed greps', () => {
  let t: TestDb;
  const lines: string[] = [];

  before(async () => {
    t = await testDb();
    const runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: false }),
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: (l) => lines.push(l), botId, minLevel: 'info' }),
    });
    const raw = {
      name: BOT,
      strategy: 'spread',
      collateral: 1000,
      spread: {
        driftQuantity: 200,
        kmnoQuantity: 2000,
        cycleIntervalSec: 3600,
        signalLagPeriods: 2,
        window: 48,
        entryZ: 1.5,
        exitZ: 0,
        // No close can sit within 0.01 bps of the mark: the shutdown fails and says so at error level.
        closeMaxSlippageBps: 0.01,
        shutdownTimeoutSec: 1,
      },
      risk: { maxDivergencePct: 5 },
    };
    await runner.ensureBots([{ raw, source: 'test' }]);
    await runner.openAll();
    let wall = Date.now();
    for (let i = 0; i < 60; i++) {
      await runner.tickOnce((wall += 1000));
      // Let timers run between ticks (the lease keeper renews on a timer), as the runner's own loop does.
      await new Promise<void>((r) => setImmediate(r));
    }
    await runner.stop();
  });

  after(async () => {
    await t?.drop();
  });

  it('every line is one JSON object; the three greps find what they promise', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = parsed.filter((p) => p.botId === BOT);

    const errors = grep(lines, '"level":"error"').map((l) => JSON.parse(l));
    assert.ok(
      errors.some((e) => e.botId === BOT && /still open after \d+ closing attempt/.test(e.msg)),
      'the failed shutdown is an error line',
    );

    const positions = grep(lines, '"category":"POSITION"').map((l) => JSON.parse(l));
    assert.ok(
      positions.some((p) => p.botId === BOT && /^FLAT → (LONG|SHORT)$/.test(p.msg)),
      'the entry',
    );
    assert.ok(positions.some((p) => p.botId === BOT && /^shutdown: closing all positions/.test(p.msg)));

    const durations = grep(lines, '"duration"').map((l) => JSON.parse(l));
    const cycleEnds = mine.filter((p) => p.category === 'CYCLE');
    assert.ok(cycleEnds.length >= 50, `a cycle line per hour of data (${cycleEnds.length})`);
    for (const c of cycleEnds) {
      assert.equal(c.level, 'info', 'cycle lines are info: the default level shows them');
      assert.equal(typeof c.duration, 'number');
      assert.ok((c.duration as number) >= 0);
    }
    assert.ok(durations.length >= cycleEnds.length);
  });

  it('every line of a cycle carries its correlation id, the fills included', () => {
    const mine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((p) => p.botId === BOT);
    const fills = mine.filter((p) => typeof p.msg === 'string' && /^fill (buy|sell) /.test(p.msg));
    assert.ok(fills.length >= 2, `fills logged (${fills.length})`);
    for (const f of fills) assert.match(String(f.cid), /^spread-logs-\d+$/, 'a fill names its cycle');
    const entry = mine.find((p) => p.category === 'POSITION' && /^FLAT → /.test(String(p.msg)));
    assert.ok(entry);
    const sameCycle = mine.filter((p) => p.cid === entry.cid);
    const categories = new Set(sameCycle.map((p) => p.category));
    for (const c of ['SIGNAL', 'POSITION', 'ORDER', 'CYCLE'])
      assert.ok(categories.has(c), `${c} in the entry's cycle`);
    // Lines written inside a cycle never lose its id.
    for (const p of mine) if ('duration' in p) assert.notEqual(p.cid, null, JSON.stringify(p));
  });
});
