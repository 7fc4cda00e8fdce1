/**
 * What the runner does when a bot's tick throws (the example grid bot in paper mode on the shipped data):
 * - an I/O failure (an RPC error, a timeout) degrades the bot: it backs off, then recovers by itself — it
 *   re-reads the account and reconciles its orders before deciding again — and never reaches 'error';
 * - a bug stops it, but only after its orders are cancelled: 'error' never leaves orders resting; while the
 *   cancel itself fails, the bot stays degraded and tries again.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../config/read-config-file.ts';
import { createLogger } from '../log/index.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import type { BotDriver, OpenBot } from './bot-driver.ts';
import type { BotSession } from './bot-session.ts';
import { RunnerMetrics } from './metrics.ts';
import { Runner } from './runner.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('runner: a failing tick degrades or, for a bug, stops the bot with its orders cancelled', () => {
  let t: TestDb;
  let runner: Runner;
  let driver: BotDriver;
  let session: BotSession;
  /** What the next tick throws (once), before doing anything. */
  let fail: Error | undefined;
  /** Make the venue refuse reads (a venue that cannot even be asked). */
  let venueDown = false;
  let now = 0;

  before(async () => {
    t = await testDb();
    const paper = paperReplayFactory({ speed: 3_600, loop: false });
    const openBot: OpenBot = async (record, ctx) => {
      const d = await paper(record, ctx);
      const tick = d.tick.bind(d);
      // Both ways the session reads the simulator's account (a copy, the read-only view) fail while it is down.
      const venue = d.session.venue;
      const read = venue.getAccount.bind(venue);
      venue.getAccount = async (id) => {
        if (venueDown) throw new Error('fetch failed');
        return read(id);
      };
      const view = venue.accountView?.bind(venue);
      if (view) {
        venue.accountView = (id) => {
          if (venueDown) throw new Error('fetch failed');
          return view(id);
        };
      }
      driver = {
        ...d,
        session: d.session,
        tick: async (wall) => {
          const e = fail;
          fail = undefined;
          if (e) throw e;
          return tick(wall);
        },
      } as BotDriver;
      return driver;
    };
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot,
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: () => {}, botId }),
    });
    const raw = readConfigFile(join(ROOT, 'examples/sol-grid.yaml')) as Record<string, unknown>;
    await runner.ensureBots([{ raw, source: 'sol-grid.yaml' }]);
    await runner.openAll();
    session = runner.session('sol-grid') as BotSession;
    now = Date.now();
    // Run until the ladder rests.
    for (let i = 0; i < 400 && (session.account?.openOrders.length ?? 0) < 4; i++) {
      now += 1_000;
      await runner.tickOnce(now);
    }
    assert.ok((session.account?.openOrders.length ?? 0) >= 4, 'a ladder rests');
  });
  after(async () => {
    await runner?.stop().catch(() => {});
    await t?.drop();
  });

  it('an I/O failure degrades the bot, which backs off and recovers on its own', async () => {
    fail = new Error('RPC request timed out after 20000 ms');
    now += 1_000;
    await runner.tickOnce(now);
    assert.equal(session.status, 'degraded');
    assert.match(session.degradedReason ?? '', /timed out/);
    // Inside the backoff the bot is not ticked; after it, it recovers and decides again.
    assert.equal(session.canTry(now + 100), false);
    now += 60_000;
    await runner.tickOnce(now);
    assert.equal(session.status, 'running');
  });

  it('a bug stops the bot only once its orders are cancelled; until then it stays degraded', async () => {
    assert.ok((session.account?.openOrders.length ?? 0) > 0, 'orders rest before the bug');
    venueDown = true; // the cancel cannot be done: the bot must not sit in 'error' with orders resting
    fail = new TypeError("Cannot read properties of undefined (reading 'price')");
    now += 1_000;
    await runner.tickOnce(now);
    assert.equal(session.status, 'degraded', 'orders could not be cancelled: not an error yet');
    venueDown = false;
    fail = new TypeError("Cannot read properties of undefined (reading 'price')");
    now += 60_000;
    await runner.tickOnce(now);
    assert.equal(session.status, 'error');
    const account = await session.venue.getAccount(session.subaccountId);
    assert.deepEqual(account.openOrders, [], "in 'error' no order rests");
  });
});
