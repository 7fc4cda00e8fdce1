import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseBotConfig } from '../config/bot-config.ts';
import { generateCandles } from '../data/synthetic.ts';
import type { Candle } from '../data/types.ts';
import { baseToInt, baseToNumber, priceToInt, priceToNumber, quoteToInt } from '../domain/precision.ts';
import { testOrder } from '../domain/test-support/accounts.ts';
import type { AccountState } from '../domain/types.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import { GridBot, type GridBotSetup } from './grid-bot.ts';
import type { GridTrigger } from './grid-trigger.ts';

const MINUTE = 60_000;

function setup(grid: Record<string, unknown>, risk: Record<string, unknown> = {}): GridBotSetup {
  const c = parseBotConfig(
    {
      name: 't',
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 10_000,
      grid: { levels: 10, stepPct: 0.5, baseSizePerLevel: 1, ...grid },
      execution: { rampIn: { steps: 1, intervalSec: 0 } },
      risk: { maxLeverage: 20, minLiqDistancePct: 0, minHealth: 0, maxNotional: 1e9, ...risk },
    },
    't',
  );
  if (c.strategy !== 'grid' || c.grid.baseSizePerLevel === 'auto') throw new Error('a sized grid');
  return {
    market: c.markets[0],
    grid: { ...c.grid, baseSizePerLevel: c.grid.baseSizePerLevel },
    execution: c.execution,
    risk: c.risk,
    startTs: 0,
  };
}

const flatAccount = (collateral: number): AccountState => ({
  subaccountId: 0,
  collateral: quoteToInt(collateral),
  positions: [],
  openOrders: [],
  totalCollateral: quoteToInt(collateral),
  freeCollateral: quoteToInt(collateral),
  initialMarginRequirement: 0n,
  maintenanceMarginRequirement: 0n,
  leverage: 0,
  health: 100,
});

const bar = (i: number, price: number): Candle => ({
  ts: Date.UTC(2025, 0, 1) + i * MINUTE,
  open: price,
  high: price,
  low: price,
  close: price,
  volume: 1,
});

/** Feeds bars to a bot that never trades (no venue) and records why it decided. */
function decisions(bot: GridBot, candles: Candle[], account: (i: number) => AccountState): GridTrigger[] {
  return decisionsAt(bot, candles, account).map((d) => d.trigger);
}

function decisionsAt(
  bot: GridBot,
  candles: Candle[],
  account: (i: number) => AccountState,
): { bar: number; trigger: GridTrigger }[] {
  const out: { bar: number; trigger: GridTrigger }[] = [];
  candles.forEach((c, i) => {
    bot.onBar(c, MINUTE);
    const view = { account: account(i), liquidationPrice: undefined };
    const t = bot.due(view);
    if (t) {
      out.push({ bar: i, trigger: t });
      bot.decide(view, t);
    }
  });
  return out;
}

describe('GridBot triggers', () => {
  it('the volatility cadence factor really spaces routine decisions out', () => {
    // 100 → 100.8 → 101.6 → 100 …: every bar (and every 4th) is on another level, nothing ever fills (no
    // venue), and realised volatility is high
    const path = Array.from({ length: 121 }, (_, i) => bar(i, 100 + 0.8 * (i % 3)));
    const count = (referenceVol: number) => {
      const s = setup({
        range: { lo: 90, hi: 110 },
        volatility: { referenceVol, maxStepPct: 0.5, maxCadenceFactor: 4 },
      });
      const all = decisions(new GridBot(s), path, () => flatAccount(10_000));
      return all.slice(1).filter((t) => t === 'level_crossed' || t === 'heartbeat').length; // after the first
    };
    const calm = count(1000); // factor 1
    const slow = count(0.01); // factor capped at 4
    console.log(`routine decisions over 120 bars: cadence factor 1 → ${calm}, factor 4 → ${slow}`);
    assert.ok(calm >= 100, `${calm}`);
    assert.ok(slow <= 31 && slow >= 25, `${slow}`);
  });

  it('a price moving inside its level decides nothing; a change of the risk verdict decides at once', () => {
    const s = setup(
      { range: { lo: 90, hi: 110 } },
      { maxDailyLoss: 50, maxVolatility: 99, pauseVolatility: 100 },
    );
    const bot = new GridBot(s);
    // the price wanders inside one level (100.00–100.05) while the account loses 60 USDC on bar 10
    const path = Array.from({ length: 20 }, (_, i) => bar(i, 100 + 0.05 * Math.abs(Math.sin(i))));
    const all = decisionsAt(bot, path, (i) => flatAccount(i < 10 ? 10_000 : 9_940));
    const notHeartbeat = all.filter((d) => d.trigger !== 'heartbeat');
    // the first decision; the trip on the very bar the loss appears; the flatten turning taker a minute later
    assert.deepEqual(notHeartbeat, [
      { bar: 0, trigger: 'venue_event' },
      { bar: 10, trigger: 'risk_changed' },
      { bar: 11, trigger: 'risk_changed' },
    ]);
    const beats = all.filter((d) => d.trigger === 'heartbeat').map((d) => d.bar);
    assert.deepEqual(beats, [5, 16], 'heartbeats 300 s after the last decision');
    assert.ok(bot.lastVerdict?.reasons.some((r) => r.rule === 'C_daily_loss'));
  });
});

describe('GridBot risk pre-check', () => {
  // The exposure the risk check sums is kept between bars while the same order objects are live
  // (live-orders-record.ts); a fill gives the order a new object, which the check must see.
  it('sees an order filled since the last bar, with no other change to the account', () => {
    const s = setup(
      { range: { lo: 90, hi: 110 } },
      { maxLeverage: 3, maxVolatility: 99, pauseVolatility: 100 },
    );
    const bot = new GridBot(s);
    // 40 SOL bid at 100 on 1,000 USDC: worst case 4x, above the 3x cap
    const bid = testOrder({ base: baseToInt(40), price: priceToInt(100) });
    const account = { ...flatAccount(1_000), openOrders: [bid] };
    const all = decisionsAt(bot, [bar(0, 100)], () => account);
    assert.deepEqual(all, [{ bar: 0, trigger: 'venue_event' }]);
    assert.equal(bot.lastVerdict?.kind, 'CLAMP');
    // the same bid again: nothing changed
    bot.onBar(bar(1, 100), MINUTE);
    assert.equal(bot.due({ account: { ...account, openOrders: [bid] }, liquidationPrice: undefined }), null);
    // 30 of the 40 filled (the position is left out: only the orders changed)
    const filled = { ...bid, filledBase: baseToInt(30) };
    bot.onBar(bar(2, 100), MINUTE);
    assert.equal(
      bot.due({ account: { ...account, openOrders: [filled] }, liquidationPrice: undefined }),
      'risk_changed',
    );
  });
});

describe('GridBot after a venue event', () => {
  const DAY = 86_400_000;
  const s = () => setup({ range: { lo: 90, hi: 110 } }, { maxDailyLoss: 1e9 });
  const view = (collateral: number) => ({ account: flatAccount(collateral), liquidationPrice: undefined });

  it('is due at once, and a new day’s first look still notes the day’s starting equity', () => {
    const bot = new GridBot(s());
    bot.onBar(bar(0, 100), MINUTE);
    bot.decide(view(10_000), bot.due(view(10_000)) as GridTrigger);
    assert.equal(bot.riskMemory().dayStart?.equity, 10_000);
    // the next day: a fill arrives, and the first look of the day sees 9,900
    bot.onBar(bar(DAY / MINUTE, 100), MINUTE);
    bot.onVenueEvent();
    assert.equal(bot.due(view(9_900)), 'venue_event');
    assert.deepEqual(bot.riskMemory().dayStart, {
      day: Math.floor(bar(DAY / MINUTE, 100).ts / DAY),
      equity: 9_900,
    });
    // the decision that follows on another account keeps the day's first figure
    bot.decide(view(9_800), 'venue_event');
    assert.equal(bot.riskMemory().dayStart?.equity, 9_900);
  });

  it('hands out the same risk memory object until something in it changes', () => {
    const bot = new GridBot(s());
    bot.onBar(bar(0, 100), MINUTE);
    bot.decide(view(10_000), bot.due(view(10_000)) as GridTrigger);
    const first = bot.riskMemory();
    bot.onBar(bar(1, 100.1), MINUTE);
    bot.decide(view(9_990), 'heartbeat');
    assert.equal(bot.riskMemory(), first, 'the same day: nothing in it changed');
    bot.onBar(bar(DAY / MINUTE, 100), MINUTE);
    bot.decide(view(9_980), 'heartbeat');
    const next = bot.riskMemory();
    assert.notEqual(next, first);
    assert.equal(next.dayStart?.equity, 9_980);
    assert.equal(first.dayStart?.equity, 10_000, 'a memory handed out is never changed');
    bot.restoreRiskMemory({ ...next, dailyLossLatchDay: next.dayStart?.day ?? null });
    assert.notEqual(bot.riskMemory(), next, 'a latch is a change');
  });
});

describe('GridBot on the simulator: bounded range', () => {
  it('no fill that grows |position| happens outside the range in force (property, random paths)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('linear' as const, 'stepwise' as const),
        (seed, curve) => {
          const s = setup({ curve, rangeMode: 'bounded', volatility: { referenceVol: 100 } });
          const bot = new GridBot(s);
          const sim = new SimExchange({ markets: [s.market], spreadBps: 2, fundingMode: 'off' });
          const sub = sim.createSubaccount('p');
          sim.deposit(sub, quoteToInt(10_000));
          let range = { lo: Number.NaN, hi: Number.NaN };
          let q = 0;
          let growing = 0;
          const tick = priceToNumber(s.market.tickSize);
          const check = () => {
            for (const e of sim.drainEvents()) {
              if (e.type !== 'filled') continue;
              bot.onVenueEvent();
              const size = baseToNumber(e.fill.base) * (e.fill.side === 'buy' ? 1 : -1);
              const grows = Math.abs(q + size) > Math.abs(q) + 1e-9;
              q = Math.round((q + size) * 100) / 100;
              if (!grows) continue;
              growing++;
              const p = priceToNumber(e.fill.price);
              assert.ok(
                p >= range.lo - tick && p <= range.hi + tick,
                `seed ${seed} ${curve}: a ${e.fill.side} at ${p} grew the position outside [${range.lo}, ${range.hi}]`,
              );
            }
          };
          for (const c of generateCandles(3 * 1440, { seed, startPrice: 100 })) {
            sim.onBar('SOL-PERP', c, MINUTE);
            check();
            bot.onBar(c, MINUTE);
            const view = { account: sim.accountView(sub), liquidationPrice: undefined };
            const t = bot.due(view);
            if (!t) continue;
            const d = bot.decide(view, t);
            range = { lo: d.lo, hi: d.hi };
            if (d.commands.length > 0) sim.execute(sub, d.commands, c.ts + MINUTE);
            check();
          }
          return growing > 0;
        },
      ),
      { seed: 3, numRuns: 12 },
    );
  });
});
