/**
 * How a session reads its account from the simulator: through the read-only view (no order copies) and only
 * when the venue has moved since the last read (its generation). The reads it skips must be the ones that would
 * have returned the same account: the test runs paper grid bots bar by bar and checks that the session reads
 * exactly when the venue moved, that its account is then always the venue's account now, and that its
 * decisions, orders, fills, journal and chart points are those of a session that reads a copy every time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBotConfig } from '../config/bot-config.ts';
import { generateCandles } from '../data/synthetic.ts';
import type { Candle } from '../data/types.ts';
import { type FleetBot, openFleetBot } from './test-support/paper-fleet.ts';
import { type ReadCountingPort, readCountingPort } from './test-support/read-counting-port.ts';

const MINUTE = 60_000;
const WARM = 1440;
const BARS = 600;

const config = parseBotConfig(
  {
    name: 'reads',
    strategy: 'grid',
    market: 'SOL-PERP',
    collateral: 1000,
    grid: { levels: 10, stepPct: 0.1, baseSizePerLevel: 0.5, rangeMode: 'infinity' },
    execution: { requoteThresholdBps: 5, rampIn: { steps: 1, intervalSec: 60 } },
  },
  'reads',
);

const candles = generateCandles(WARM + BARS, { seed: 11, startPrice: 140 });

function open(offerView: boolean): { bot: FleetBot; port: ReadCountingPort } {
  let port: ReadCountingPort | undefined;
  const bot = openFleetBot({
    id: 'reads',
    config,
    warm: candles.slice(0, WARM),
    intervalMs: MINUTE,
    price: 140,
    port: (venue) => {
      port = readCountingPort(venue, offerView);
      return port;
    },
  });
  return { bot, port: port as ReadCountingPort };
}

/** What a session did in one bar, as text (bigints spelled out). */
const show = (x: unknown): string => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

describe('BotSession account reads (simulator view and generation)', () => {
  it('re-reads the account exactly when the venue moved since the last read, and the account is always current', async () => {
    const { bot, port } = open(true);
    const { session, venue, market } = bot;
    let skipped = 0;
    let reread = 0;
    let sent = 0;
    for (let k = WARM; k < WARM + BARS; k++) {
      const c = candles[k] as Candle;
      const ts = c.ts + MINUTE;
      venue.onBar(market, c, MINUTE);
      session.engine.onBar(market, c, MINUTE);
      const beforeCycle = port.reads;
      const d = await session.cycle(ts);
      if (d) {
        // The bar moved the venue: the decision reads; the send moves it again: the check after it reads too.
        assert.equal(port.reads - beforeCycle, d.commands.length > 0 ? 2 : 1, `bar ${k}: reads of the cycle`);
        if (d.commands.length > 0) sent++;
      }
      const moved = venue.generation !== port.lastReadGeneration;
      const beforeTick = port.reads;
      await session.afterTick(ts);
      assert.equal(port.reads - beforeTick, moved ? 1 : 0, `bar ${k}: afterTick reads iff the venue moved`);
      if (moved) reread++;
      else skipped++;
      assert.deepEqual(session.account, venue.exchange.account(session.subaccountId), `bar ${k}: account`);
      session.takeWrites();
    }
    // Both branches were taken, and the bot traded.
    assert.ok(
      skipped > 10 && reread > 10 && sent > 10,
      `skipped ${skipped}, re-read ${reread}, sent ${sent}`,
    );
  });

  it('re-reads after any move of the venue between two ticks (a deposit), not otherwise', async () => {
    const { bot, port } = open(true);
    const { session, venue } = bot;
    const ts = (candles[WARM - 1] as Candle).ts + MINUTE;
    await session.afterTick(ts);
    const n = port.reads;
    await session.afterTick(ts);
    assert.equal(port.reads, n, 'nothing moved: no read');
    await venue.deposit(session.subaccountId, 5_000_000n);
    await session.afterTick(ts);
    assert.equal(port.reads, n + 1, 'a deposit moved the venue: one read');
    assert.equal(session.account?.collateral, venue.exchange.account(session.subaccountId).collateral);
  });

  it('a kept account does not change when the venue moves (the view is not kept)', async () => {
    const { bot } = open(true);
    const { session, venue, market } = bot;
    let changed = 0;
    for (let k = WARM; k < WARM + BARS; k++) {
      const c = candles[k] as Candle;
      venue.onBar(market, c, MINUTE);
      session.engine.onBar(market, c, MINUTE);
      const kept = session.account;
      const text = show(kept);
      await session.cycle(c.ts + MINUTE);
      await session.afterTick(c.ts + MINUTE);
      assert.equal(show(kept), text, `bar ${k}: the account kept before the bar is unchanged`);
      if (show(session.account) !== text) changed++;
      session.takeWrites();
    }
    assert.ok(changed > 10);
  });

  it('decides, sends, fills, journals and charts exactly as a session that reads a copy every time', async () => {
    const a = open(true);
    const b = open(false);
    let fills = 0;
    for (let k = WARM; k < WARM + BARS; k++) {
      const c = candles[k] as Candle;
      const ts = c.ts + MINUTE;
      const bar: string[] = [];
      for (const { bot } of [a, b]) {
        bot.venue.onBar(bot.market, c, MINUTE);
        bot.session.engine.onBar(bot.market, c, MINUTE);
        const d = await bot.session.cycle(ts);
        await bot.session.afterTick(ts);
        const w = bot.session.takeWrites();
        if (bot === a.bot) fills += w.fills.length;
        bar.push(
          show({ d, w: { ...w, orders: [...w.orders], memory: [...w.memory] }, acct: bot.session.account }),
        );
      }
      assert.equal(bar[0], bar[1], `bar ${k}`);
    }
    assert.equal(show(a.bot.session.history.last(BARS)), show(b.bot.session.history.last(BARS)));
    assert.ok(fills > 10, `fills: ${fills}`);
    assert.ok(a.port.reads < b.port.reads, `reads with the view ${a.port.reads}, without ${b.port.reads}`);
  });

  it('buffers writes from the first one after a take; a failed commit puts them back in front', () => {
    const { session } = open(true).bot;
    session.takeWrites();
    assert.equal(session.hasWrites(), false);
    assert.deepEqual(session.takeWrites().journal, [], 'a take with nothing written is empty');
    session.journal(1, 'command', { n: 1 });
    assert.equal(session.hasWrites(), true);
    const first = session.takeWrites();
    assert.equal(session.hasWrites(), false);
    session.journal(2, 'command', { n: 2 });
    session.restoreWrites(first);
    assert.deepEqual(
      session.takeWrites().journal.map((j) => j.ts),
      [1, 2],
    );
    assert.equal(session.hasWrites(), false);
  });
});
