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

function bar(ts: number, price: number, volume = 200_000): Candle {
  return {
    ts,
    open: price,
    high: price,
    low: price,
    close: price,
    volume, // 200 000 by default: deep enough that the depth model never refuses these legs
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

function harness(fault: Fault = (c) => c, kmnoVolume = 200_000) {
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
  const refused: Partial<Record<string, number>>[] = [];
  const base = (m: number): number =>
    baseToNumber(sim.positions(sub).find((p) => p.marketIndex === m)?.base ?? 0n);
  return {
    sim,
    sub,
    bot,
    base,
    refused,
    /** One hour: bars to venue and bot, then one decision; returns the commands the venue received. */
    step(i: number, divergeAt: number): OrderCommand[] {
      const ts = T0 + i * HOUR;
      const p = prices(i, divergeAt);
      sim.onBar(DRIFT.symbol, bar(ts, p.drift), HOUR);
      sim.onBar(KMNO.symbol, bar(ts, p.kmno, kmnoVolume), HOUR);
      bot.onVenueEvents(sim.drainEvents());
      bot.onBar(DRIFT.symbol, bar(ts, p.drift), HOUR);
      bot.onBar(KMNO.symbol, bar(ts, p.kmno, kmnoVolume), HOUR);
      const now = ts + HOUR;
      if (!bot.due(now)) return [];
      const d = bot.decide(
        {
          account: sim.account(sub),
          liquidationPrice: (m) => sim.liquidationPrice(sub, m),
          books: [sim.orderBook(DRIFT.marketIndex), sim.orderBook(KMNO.marketIndex)],
        },
        now,
      );
      const sent = fault(d.commands, cycle++);
      sim.execute(sub, sent, now);
      bot.onVenueEvents(sim.drainEvents());
      bot.verifyFills(sim.account(sub));
      refused.push(d.refused);
      return sent;
    },
  };
}

const isLeg = (c: OrderCommand, m: number): boolean =>
  c.kind === 'placeAndTake' && c.orders.some((o) => o.marketIndex === m);
/** A venue without atomicity: every order of a placeAndTake as its own transaction. */
const split = (cmds: OrderCommand[]): OrderCommand[] =>
  cmds.flatMap((c) =>
    c.kind === 'placeAndTake' ? c.orders.map((o) => ({ ...c, orders: [o] }) as OrderCommand) : [c],
  );
/** The KMNO order shrunk below the step: the venue refuses it. */
const breakKmno = (c: OrderCommand): OrderCommand =>
  c.kind === 'placeAndTake'
    ? {
        ...c,
        orders: c.orders.map((o) =>
          o.marketIndex === KMNO.marketIndex && !o.reduceOnly ? { ...o, base: 1n } : o,
        ),
      }
    : c;

describe('spread bot on SimVenue with injected faults', () => {
  it('enters both legs on a divergence (no faults)', () => {
    const h = harness();
    for (let i = 0; i < 40; i++) h.step(i, 30);
    assert.equal(h.base(DRIFT.marketIndex), 200, 'long DRIFT');
    assert.equal(h.base(KMNO.marketIndex), -2000, 'short KMNO');
  });

  it('a leg larger than the visible depth is refused before sending, both legs or neither', () => {
    // KMNO trades 4 000 an hour: the depth model shows a quarter of that within the 25 bps cap, 1 000 < 2 000.
    const h = harness(undefined, 4_000);
    const sent: OrderCommand[] = [];
    for (let i = 0; i < 40; i++) sent.push(...h.step(i, 30));
    assert.deepEqual(sent, [], 'nothing was sent');
    assert.equal(h.base(DRIFT.marketIndex), 0);
    assert.equal(h.base(KMNO.marketIndex), 0);
    const depth = h.refused.reduce((a, r) => a + (r.depth ?? 0), 0);
    const withheld = h.refused.reduce((a, r) => a + (r.withheld ?? 0), 0);
    assert.ok(depth > 0, 'KMNO refused on depth');
    assert.equal(withheld, depth, 'and DRIFT withheld with it each time');
    const book = h.sim.orderBook(KMNO.marketIndex);
    assert.ok(book && book.asks.length > 0);
  });

  it('both legs go out as one transaction: a refused KMNO leg fails the pair as a whole, never naked', () => {
    let dropped = 0;
    const h = harness((cmds) => {
      if (dropped === 0 && cmds.some((c) => isLeg(c, KMNO.marketIndex))) {
        dropped++;
        assert.equal(cmds.length, 1, 'one command for the pair');
        return cmds.map(breakKmno);
      }
      return cmds;
    });
    let nakedCycles = 0;
    let refusedPair = false;
    for (let i = 0; i < 45; i++) {
      const sent = h.step(i, 30);
      if (sent.length > 0 && dropped === 1 && h.base(DRIFT.marketIndex) === 0) refusedPair = true;
      if ((h.base(DRIFT.marketIndex) !== 0) !== (h.base(KMNO.marketIndex) !== 0)) nakedCycles++;
    }
    assert.equal(dropped, 1, 'the fault fired');
    assert.ok(refusedPair, 'the pair was refused as a whole');
    assert.equal(nakedCycles, 0, 'never one leg without the other');
    assert.equal(h.base(DRIFT.marketIndex), 200);
    assert.equal(h.base(KMNO.marketIndex), -2000);
  });

  it('on a venue without atomicity, a refused KMNO leg leaves DRIFT naked for at most one cycle', () => {
    let dropped = 0;
    const h = harness((cmds) => {
      if (
        dropped === 0 &&
        cmds.some((c) => isLeg(c, DRIFT.marketIndex)) &&
        cmds.some((c) => isLeg(c, KMNO.marketIndex))
      ) {
        dropped++;
        return split(cmds.map(breakKmno));
      }
      return split(cmds);
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
      if (!doubled && leg && leg.kind === 'placeAndTake') {
        doubled = true;
        const order = leg.orders.find((o) => o.marketIndex === DRIFT.marketIndex);
        assert.ok(order);
        return [
          ...cmds,
          { kind: 'placeAndTake', orders: [{ ...order, userOrderId: 200 }], requireFullFill: true },
        ];
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
