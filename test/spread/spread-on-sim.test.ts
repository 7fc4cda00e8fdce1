/**
 * The spread bot on the simulated venue, with faults injected at the venue boundary: a rejected leg (naked
 * position), a leg executed twice (doubled), and a position the bot never asked for. The venue is the truth;
 * the bot must bring it back to its intent within a cycle or two and never stay naked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../../src/data/types.ts';
import { getMarket } from '../../src/domain/markets.ts';
import { baseToInt, baseToNumber } from '../../src/domain/precision.ts';
import type { OrderCommand } from '../../src/domain/types.ts';
import { SpreadBot } from '../../src/engine/spread-bot.ts';
import { defaultExecutionPolicy } from '../../src/execution/policy.ts';
import { defaultRiskLimits } from '../../src/risk/limits.ts';
import { spreadParams } from '../../src/strategies/spread/params.ts';
import { SimExchange } from '../../src/venue/sim/exchange.ts';

const DRIFT = getMarket('DRIFT-PERP');
const KMNO = getMarket('KMNO-PERP');
const HOUR = 3_600_000;
const T0 = Date.parse('2025-03-01T00:00:00Z');

function bar(ts: number, price: number): Candle {
  return {
    ts,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: 1000,
    oracleClose: price,
    oracleStale: false,
  };
}

/** DRIFT follows KMNO ×10 with a small deterministic wobble; from `divergeAt` DRIFT sits 6% cheap. */
function prices(i: number, divergeAt: number): { drift: number; kmno: number } {
  const kmno = 0.05 * (1 + 0.01 * Math.sin(i / 3));
  const wobble = 1 + 0.002 * Math.sin(i * 1.7);
  const cheap = i >= divergeAt ? 0.94 : 1;
  return { drift: kmno * 10 * wobble * cheap, kmno };
}

type Fault = (commands: OrderCommand[], cycle: number) => OrderCommand[];

function harness(fault: Fault = (c) => c) {
  const sim = new SimExchange({ markets: [DRIFT, KMNO], spreadBps: 2 });
  const sub = sim.createSubaccount('spread');
  sim.deposit(sub, 10_000_000_000n);
  const params = spreadParams({
    driftQuantity: 200,
    kmnoQuantity: 2000,
    window: 24,
    entryZ: 2,
    exitZ: 0.5,
    signalLagPeriods: 1,
    cycleIntervalSec: 3600,
    reconcileEveryCycles: 1,
  });
  const bot = new SpreadBot({
    markets: [DRIFT, KMNO],
    spread: params,
    execution: defaultExecutionPolicy(),
    risk: { ...defaultRiskLimits(), maxDivergencePct: 5 },
  });
  let cycle = 0;
  const base = (m: number): number =>
    baseToNumber(sim.positions(sub).find((p) => p.marketIndex === m)?.base ?? 0n);
  return {
    sim,
    sub,
    bot,
    base,
    /** One hour: bars to venue and bot, then one decision; returns the commands the venue received. */
    step(i: number, divergeAt: number): OrderCommand[] {
      const ts = T0 + i * HOUR;
      const p = prices(i, divergeAt);
      sim.onBar(DRIFT.symbol, bar(ts, p.drift), HOUR);
      sim.onBar(KMNO.symbol, bar(ts, p.kmno), HOUR);
      bot.onVenueEvents(sim.drainEvents());
      bot.onBar(DRIFT.symbol, bar(ts, p.drift), HOUR);
      bot.onBar(KMNO.symbol, bar(ts, p.kmno), HOUR);
      const now = ts + HOUR;
      if (!bot.due(now)) return [];
      const d = bot.decide(
        { account: sim.account(sub), liquidationPrice: (m) => sim.liquidationPrice(sub, m) },
        now,
      );
      const sent = fault(d.commands, cycle++);
      sim.execute(sub, sent, now);
      bot.onVenueEvents(sim.drainEvents());
      return sent;
    },
  };
}

const isLeg = (c: OrderCommand, m: number): boolean => c.kind === 'place' && c.order.marketIndex === m;

describe('spread bot on SimVenue with injected faults', () => {
  it('enters both legs on a divergence (no faults)', () => {
    const h = harness();
    for (let i = 0; i < 40; i++) h.step(i, 30);
    assert.equal(h.base(DRIFT.marketIndex), 200, 'long DRIFT');
    assert.equal(h.base(KMNO.marketIndex), -2000, 'short KMNO');
  });

  it('a rejected KMNO leg leaves DRIFT naked for at most one cycle, then the pair is whole again', () => {
    let dropped = 0;
    const h = harness((cmds) => {
      // The venue refuses the first KMNO leg: it is sent as an order below the minimum size.
      if (
        dropped === 0 &&
        cmds.some((c) => isLeg(c, DRIFT.marketIndex)) &&
        cmds.some((c) => isLeg(c, KMNO.marketIndex))
      ) {
        dropped++;
        return cmds.map((c) =>
          isLeg(c, KMNO.marketIndex) && c.kind === 'place' ? { ...c, order: { ...c.order, base: 1n } } : c,
        );
      }
      return cmds;
    });
    let nakedCycles = 0;
    for (let i = 0; i < 45; i++) {
      h.step(i, 30);
      const d = h.base(DRIFT.marketIndex);
      const k = h.base(KMNO.marketIndex);
      if ((d !== 0) !== (k !== 0)) nakedCycles++;
    }
    assert.equal(dropped, 1, 'the fault fired');
    assert.equal(nakedCycles, 1, 'the rejected leg left DRIFT naked for exactly one cycle');
    const d = h.base(DRIFT.marketIndex);
    const k = h.base(KMNO.marketIndex);
    assert.ok((d === 200 && k === -2000) || (d === 0 && k === 0), `legs whole or flat: ${d} / ${k}`);
  });

  it('a leg executed twice is cut back to its intended size at the next reconciliation', () => {
    let doubled = false;
    const h = harness((cmds) => {
      const leg = cmds.find((c) => isLeg(c, DRIFT.marketIndex));
      if (!doubled && leg && leg.kind === 'place') {
        doubled = true;
        return [...cmds, { kind: 'place', order: { ...leg.order, userOrderId: 200 } }];
      }
      return cmds;
    });
    let sawDouble = false;
    for (let i = 0; i < 40; i++) {
      h.step(i, 30);
      if (h.base(DRIFT.marketIndex) === 400) sawDouble = true;
    }
    assert.ok(sawDouble, 'the duplicate execution doubled the DRIFT leg');
    assert.equal(h.base(DRIFT.marketIndex), 200);
    assert.equal(h.base(KMNO.marketIndex), -2000);
  });

  it('a position the bot never asked for is closed', () => {
    const h = harness();
    for (let i = 0; i < 20; i++) h.step(i, 1_000); // no divergence: the bot stays flat
    assert.equal(h.base(DRIFT.marketIndex), 0);
    // Someone trades on the bot's subaccount behind its back.
    const q = h.sim.quote(DRIFT.marketIndex);
    assert.ok(q);
    const [r] = h.sim.execute(
      h.sub,
      [
        {
          kind: 'place',
          order: {
            marketIndex: DRIFT.marketIndex,
            side: 'buy',
            orderType: 'market',
            base: baseToInt(50),
            price: q.ask * 2n,
            reduceOnly: false,
            postOnly: 'none',
            ioc: true,
            userOrderId: 0,
          },
        },
      ],
      T0 + 20 * HOUR,
    );
    assert.ok(r.ok);
    h.bot.onVenueEvents(h.sim.drainEvents());
    assert.equal(h.base(DRIFT.marketIndex), 50);
    for (let i = 20; i < 23; i++) h.step(i, 1_000);
    assert.equal(h.base(DRIFT.marketIndex), 0, 'the stray position was closed');
  });
});
