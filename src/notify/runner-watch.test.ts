/**
 * The runner watch on a real runner (paper replay of the shipped data, a test database) with the three real
 * channels pointed at a loopback HTTP server: what an operator receives for a pause, fills, errors, a spread
 * EMERGENCY and the daily summary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { summaryView } from '../api/views.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { createLogger } from '../log/logger.ts';
import { paperReplayFactory } from '../modes/paper.ts';
import { RunnerMetrics } from '../runner/metrics.ts';
import { Runner } from '../runner/runner.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import { channelsFor } from './channels.ts';
import { notifyConfigFromEnv } from './config.ts';
import { Notifier } from './notifier.ts';
import { RunnerWatch } from './runner-watch.ts';
import { type Loopback, type Received, startLoopback } from './test-support/loopback.ts';

const TOKEN = '987654321:AAF-secret-telegram-token_0123456789';
const root = new URL('../../', import.meta.url);
const example = (name: string) => new URL(`examples/${name}`, root).pathname;

describe('RunnerWatch on a real paper runner, channels on a loopback server', () => {
  let t: TestDb;
  let lb: Loopback;
  let runner: Runner;
  let notifier: Notifier;
  let watch: RunnerWatch;
  let wall = Date.now();
  const tick = async (n: number) => {
    for (let i = 0; i < n; i++) {
      wall += 1000;
      await runner.tickOnce(wall);
    }
  };
  const hooks = (kind?: string): Record<string, unknown>[] =>
    lb.received
      .filter((r: Received) => r.path === '/hook' && (kind === undefined || r.body.kind === kind))
      .map((r) => r.body);

  before(async () => {
    t = await testDb();
    lb = await startLoopback();
    const config = notifyConfigFromEnv({
      NOTIFY_WEBHOOK_URL: `${lb.url}/hook`,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: '-100777',
      TELEGRAM_API_URL: lb.url,
      DISCORD_WEBHOOK_URL: `${lb.url}/api/webhooks/5/discord-secret`,
      NOTIFY_FILLS: 'on',
      NOTIFY_FILLS_EVERY_S: '3600', // flushed by the test
      NOTIFY_SUMMARY_AT: 'off', // sent by the test
    });
    notifier = new Notifier(channelsFor(config), { dedupMs: config.dedupMs, maxPerMinute: 600 });
    runner = new Runner({
      db: t.db,
      mode: 'paper',
      openBot: paperReplayFactory({ speed: 3600, loop: true }),
      metrics: new RunnerMetrics(),
      logger: (botId) => createLogger({ write: () => {}, botId, onEvent: (e) => watch?.onLog(e) }),
    });
    watch = new RunnerWatch(runner, notifier, config);
    await runner.ensureBots([
      { raw: readConfigFile(example('sol-grid.yaml')) as Record<string, unknown>, source: 'sol-grid.yaml' },
      {
        raw: readConfigFile(example('drift-kmno-spread.yaml')) as Record<string, unknown>,
        source: 'spread.yaml',
      },
    ]);
    await runner.openAll();
    watch.start();
  });

  after(async () => {
    watch?.stop();
    notifier?.close();
    await runner?.stop();
    await t?.drop();
    await lb?.close();
  });

  it('fills arrive batched per bot, counting exactly the fills the database recorded', async () => {
    await tick(40);
    watch.flushFills();
    await notifier.flush(10_000);
    const rows = await t.db.query<{ n: string }>(
      "select count(*)::text as n from fills where bot_id = 'sol-grid'",
    );
    const recorded = Number(rows[0]?.n);
    assert.ok(recorded > 0, 'the grid traded in 40 replayed hours');
    const batch = hooks('fills').find((h) => h.botId === 'sol-grid') as { title: string; lines: string[] };
    const m = /^sol-grid: (\d+) fills? \((\d+) buy, (\d+) sell\)$/.exec(batch.title);
    assert.ok(m, batch.title);
    assert.equal(Number(m[1]), recorded);
    assert.equal(Number(m[2]) + Number(m[3]), recorded);
    assert.match(batch.lines[0] ?? '', /^net SOL-PERP [+-]?\d+(\.\d+)?; fees paid −?\$\d/);
    assert.match(batch.lines[1] ?? '', /^last: (buy|sell) \d+(\.\d+)? SOL-PERP @ \d+(\.\d+)?$/);
  });

  it('a pause is one verdict notification on each channel, critical; resuming says trading normally', async () => {
    const before = lb.received.length;
    await runner.setManual('sol-grid', { pause: true });
    await tick(2);
    await notifier.flush(10_000);
    const paused = hooks('verdict').filter((h) => h.botId === 'sol-grid');
    assert.equal(paused.length, 1, JSON.stringify(paused));
    assert.equal(paused[0]?.title, 'sol-grid: risk trading normally → PAUSED (PAUSE)');
    assert.equal(paused[0]?.severity, 'critical');
    const tg = lb.received.slice(before).filter((r) => r.path === `/bot${TOKEN}/sendMessage`);
    assert.ok(tg.some((r) => String(r.body.text).startsWith('🚨 sol-grid: risk trading normally → PAUSED')));
    const dc = lb.received.slice(before).filter((r) => r.path === '/api/webhooks/5/discord-secret');
    assert.ok(dc.some((r) => String(r.body.content).includes('→ PAUSED')));

    await runner.setManual('sol-grid', { pause: false });
    await tick(2);
    await notifier.flush(10_000);
    const titles = hooks('verdict')
      .filter((h) => h.botId === 'sol-grid')
      .map((h) => h.title);
    // The kind at the moment of the change (APPROVE or CLAMP: both trade; later flips between them are not sent).
    assert.equal(titles.length, 2, JSON.stringify(titles));
    assert.match(String(titles[1]), /^sol-grid: risk PAUSED → trading normally \((APPROVE|CLAMP)\)$/);
  });

  it('an error line is notified once per window, with its detail', async () => {
    const log = runner.session('sol-grid')?.log;
    log?.error('ORDER', 'venue call failed', { error: 'Error: RPC 503 at slot 123\n    at stack' });
    log?.error('ORDER', 'venue call failed', { error: 'Error: RPC 503 at slot 124' });
    await notifier.flush(10_000);
    // Counted by title: on a loaded machine the runner may log real error lines meanwhile (e.g. a lease that
    // expired while the event loop was starved); they have other keys and are notified on their own.
    const errors = hooks('error').filter((h) => h.title === 'sol-grid: venue call failed');
    assert.equal(errors.length, 1, JSON.stringify(hooks('error')));
    assert.deepEqual(errors[0]?.lines, ['Error: RPC 503 at slot 123']);
  });

  it('a spread bot entering EMERGENCY is a critical notification', async () => {
    const spread = runner.session('drift-kmno-spread')?.engine.spread;
    assert.ok(spread);
    // A naked leg cannot be produced on demand in a replay; the health state is set as its transition would.
    spread.state = {
      ...spread.state,
      health: {
        ...spread.state.health,
        status: 'EMERGENCY',
        reason: 'naked leg: KMNO-PERP filled, DRIFT-PERP not',
      },
    };
    await tick(1);
    await notifier.flush(10_000);
    const em = hooks('emergency');
    assert.equal(em.length, 1);
    assert.equal(em[0]?.severity, 'critical');
    assert.equal(em[0]?.title, 'drift-kmno-spread: spread EMERGENCY — closing every leg, opening nothing');
    assert.deepEqual(em[0]?.lines, [
      'naked leg: KMNO-PERP filled, DRIFT-PERP not',
      'Only an operator reset leaves EMERGENCY.',
    ]);
  });

  it('the daily summary has one line per bot with the API figures', async () => {
    watch.sendSummary();
    await notifier.flush(10_000);
    const [s] = hooks('summary') as { title: string; lines: string[] }[];
    assert.equal(s?.title, 'Daily summary: 2 bots (paper)');
    const grid = summaryView(runner.session('sol-grid')!);
    const line = s?.lines.find((l) => l.startsWith('sol-grid (SOL-PERP, running)')) ?? '';
    const equity = grid.equity.toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    assert.ok(line.includes(`equity $${equity} (since start)`), line);
    assert.match(line, /PnL [+−]?\$[\d,.]+ = realized [+−]?\$[\d,.]+, unrealized [+−]?\$[\d,.]+, funding/);
    assert.match(line, / \d+ fills; verdict (APPROVE|CLAMP|REDUCE_ONLY|PAUSE); health \d/);
    assert.ok(s?.lines.some((l) => l.startsWith('drift-kmno-spread (DRIFT-PERP/KMNO-PERP')));
  });

  it('no request body carries the Telegram token or the Discord webhook path', () => {
    for (const r of lb.received) {
      assert.ok(!r.raw.includes(TOKEN), r.raw);
      assert.ok(!r.raw.includes('discord-secret'), r.raw);
    }
  });
});
