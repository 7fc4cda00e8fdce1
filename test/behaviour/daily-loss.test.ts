/**
 * maxDailyLoss is a hard limit: on a staircase crash (ten sudden 3% steps down within one UTC day) a grid that
 * buys every level on the way down trips the limit, and `flatten` (the default) closes the position, so the day
 * loses at most twice the limit and nothing is liquidated. With `reduce_only` or `pause` the position rides the
 * rest of the crash (printed for comparison). A restart after the trip keeps the latch: the restarted bot's first
 * decision still refuses new exposure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBacktestBot } from '../../src/backtest/backtest-bot.ts';
import { type FullBacktestReport, runBacktest } from '../../src/backtest/run-backtest.ts';
import { type BotConfig, parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import type { Candle, MarketEvent } from '../../src/data/types.ts';
import { quoteToInt } from '../../src/domain/precision.ts';
import type { GridRiskMemory } from '../../src/engine/grid-risk.ts';
import { SimExchange } from '../../src/venue/sim/exchange.ts';
import { staircasePath } from '../test-support/price-paths.ts';

const EXAMPLE = new URL('../../examples/sol-grid.yaml', import.meta.url).pathname;
const DAY = 86_400_000;

/** The example grid, 2 SOL a level (a full side is 20 SOL ≈ 2× the 1,000 USDC), infinity, the given limit. */
function config(maxDailyLoss: number, dailyLossAction: string): BotConfig {
  const raw = readConfigFile(EXAMPLE) as Record<string, Record<string, unknown>>;
  return parseBotConfig(
    {
      ...raw,
      grid: { ...raw.grid, baseSizePerLevel: 2, rangeMode: 'infinity' },
      risk: { ...raw.risk, maxDailyLoss, dailyLossAction },
    },
    'staircase',
  );
}

/** A quiet day of ±1% swings (so the range is warm), then the staircase day. */
function bars(): Candle[] {
  const crash = staircasePath(10, 0.03, 60, 100);
  const warm: Candle[] = Array.from({ length: 1440 }, (_, i) => {
    const p = 100 * (1 + 0.01 * Math.sin(i / 40));
    return {
      ts: crash[0].ts - (1440 - i) * 60_000,
      open: p,
      high: p * 1.0002,
      low: p * 0.9998,
      close: p,
      volume: 1000,
    };
  });
  return [...warm, ...crash];
}

const events = (candles: Candle[]): MarketEvent[] =>
  candles.map((candle) => ({ type: 'bar', market: 'SOL-PERP', candle, intervalMs: 60_000 }));

/** Equity lost on the crash day: from the last row of the day before to the day's last row. */
function dayLoss(r: FullBacktestReport, crashDayStart: number): number {
  const before = r.timeline
    .toArray()
    .filter((t) => t.ts <= crashDayStart)
    .at(-1);
  const day = r.timeline.toArray().filter((t) => t.ts > crashDayStart && t.ts <= crashDayStart + DAY);
  assert.ok(before && day.length > 0);
  return before.equity - (day.at(-1)?.equity ?? before.equity);
}

describe('daily loss is a hard limit', () => {
  const candles = bars();
  const crashDay = Math.floor(candles[1440].ts / DAY) * DAY;

  it('flatten: a staircase crash loses at most 2× maxDailyLoss that day, with no liquidation', () => {
    const losses: Record<string, number> = {};
    for (const action of ['flatten', 'reduce_only', 'pause']) {
      const r = runBacktest({
        config: config(60, action),
        events: events(candles),
        replayFunding: false,
        now: () => 0,
      });
      losses[action] = dayLoss(r, crashDay);
      assert.equal(r.summary.liquidations, 0, action);
      if (action === 'flatten') {
        assert.ok(r.timeline.at(-1)?.base === 0, 'flat at the end of the day');
        assert.ok(
          r.fills.some((f) => f.reduceOnly && f.side === 'sell'),
          'closed with reduce-only sells',
        );
      }
    }
    console.log(
      `staircase day loss with maxDailyLoss 60: flatten ${losses.flatten.toFixed(2)}, ` +
        `reduce_only ${losses.reduce_only.toFixed(2)}, pause ${losses.pause.toFixed(2)} USDC`,
    );
    assert.ok(losses.flatten > 60, 'the crash does trip the limit');
    assert.ok(losses.flatten <= 120, `flatten lost ${losses.flatten}`);
    assert.ok(losses.reduce_only > losses.flatten && losses.pause > losses.flatten);
  });

  it('a restart the same UTC day keeps the latch: the restarted bot still refuses new exposure', () => {
    const cfg = config(60, 'flatten');
    const sim = new SimExchange({ markets: cfg.markets, spreadBps: 2, fundingMode: 'formula' });
    const sub = sim.createSubaccount('x');
    sim.deposit(sub, quoteToInt(cfg.collateral));
    const evs = events(candles);
    const first = createBacktestBot(cfg, evs, 2);
    let tripAt = -1;
    const step = (bot: ReturnType<typeof createBacktestBot>, i: number) => {
      const e = evs[i];
      if (e.type !== 'bar') return undefined;
      sim.onBar(e.market, e.candle, e.intervalMs);
      bot.onVenueEvents(sim.drainEvents());
      bot.onBar(e.market, e.candle, e.intervalMs);
      const d = bot.decide(sim, sub, e.candle.ts + e.intervalMs);
      if (d && d.commands.length > 0) {
        sim.execute(sub, d.commands, e.candle.ts + e.intervalMs);
        bot.onVenueEvents(sim.drainEvents());
      }
      return d;
    };
    for (let i = 0; i < evs.length && tripAt < 0; i++) {
      const d = step(first, i);
      if (d?.verdict.reasons.some((x) => x.rule === 'C_daily_loss')) tripAt = i;
    }
    assert.ok(tripAt > 1440, 'tripped on the crash day');
    const memory = first.memory();
    const risk = memory.risk as GridRiskMemory;
    assert.equal(risk.dailyLossLatchDay, Math.floor(crashDay / DAY), 'the latch is in the memory');
    assert.equal(risk.dayStart?.day, Math.floor(crashDay / DAY));

    // Restart: a fresh bot warmed on the same history, with and without the persisted memory.
    const restarted = (withMemory: boolean) => {
      const bot = createBacktestBot(cfg, evs, 2);
      for (let i = 0; i <= tripAt + 5; i++) {
        const e = evs[i];
        if (e.type === 'bar') bot.onBar(e.market, e.candle, e.intervalMs);
      }
      if (withMemory) bot.restoreMemory(memory);
      return bot.decide(sim, sub, 0, true);
    };
    const kept = restarted(true);
    assert.ok(
      kept?.verdict.reasons.some((x) => x.rule === 'C_daily_loss'),
      'still latched after the restart',
    );
    assert.ok(
      !kept?.commands.some((c) => c.kind === 'place' && c.order.side === 'buy' && !c.order.reduceOnly),
    );
    const forgotten = restarted(false);
    assert.ok(
      !forgotten?.verdict.reasons.some((x) => x.rule === 'C_daily_loss'),
      'without the memory the restarted bot would measure from the equity after the losses and trade again',
    );
  });
});
