import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateCandles } from '../data/synthetic.ts';
import { getMarket } from '../domain/markets.ts';
import type { OrderCommand } from '../domain/types.ts';
import { decodeJson, encodeJson } from '../store/codec.ts';
import { DurableSimExchange } from './durable-sim.ts';

const SOL = getMarket('SOL-PERP');
const MIN = 60_000;

/** A grid of resting orders around the price, re-laid every few bars: fills, cancels, funding happen. */
function commandsAt(price: number, k: number): OrderCommand[] {
  const out: OrderCommand[] = [{ kind: 'cancelAll' }];
  for (let i = 1; i <= 3; i++) {
    for (const side of ['buy', 'sell'] as const) {
      const p = side === 'buy' ? price * (1 - i * 0.002) : price * (1 + i * 0.002);
      out.push({
        kind: 'place',
        order: {
          marketIndex: 0,
          side,
          orderType: 'limit',
          base: 100_000_000n,
          price: BigInt(Math.round(p * 100)) * 10_000n,
          reduceOnly: false,
          postOnly: 'try',
          ioc: false,
          userOrderId: ((k * 6 + i * 2 + (side === 'buy' ? 0 : 1)) % 250) + 1,
        },
      });
    }
  }
  return out;
}

function drive(
  ex: DurableSimExchange,
  bars: ReturnType<typeof generateCandles>,
  from: number,
  to: number,
): void {
  for (let k = from; k < to; k++) {
    const c = bars[k] as (typeof bars)[number];
    ex.onBar(0, c, MIN);
    if (k % 5 === 0) ex.execute(0, commandsAt(c.close, k), c.ts + MIN);
    ex.drainEvents();
  }
}

describe('DurableSimExchange', () => {
  it('export → encode → decode → import continues exactly like the original', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 10, max: 150 }), (seed, cut) => {
        const bars = generateCandles(200, { seed, startPrice: 140 });
        const a = new DurableSimExchange({ markets: [SOL], spreadBps: 2 });
        a.createSubaccount('a');
        a.deposit(0, 1_000_000_000n);
        drive(a, bars, 0, cut);
        const saved = decodeJson<ReturnType<DurableSimExchange['exportState']>>(
          JSON.parse(encodeJson(a.exportState())),
        );
        const b = new DurableSimExchange({ markets: [SOL], spreadBps: 2 });
        b.importState(saved);
        assert.deepEqual(b.exportState(), a.exportState());
        drive(a, bars, cut, 200);
        drive(b, bars, cut, 200);
        assert.deepEqual(b.exportState(), a.exportState());
        assert.deepEqual(b.account(0), a.account(0));
      }),
      { numRuns: 15, seed: 42 },
    );
  });

  it('keeps a fill ledger that matches the fill events', () => {
    const bars = generateCandles(300, { seed: 3, startPrice: 140 });
    const ex = new DurableSimExchange({ markets: [SOL], spreadBps: 2 });
    ex.createSubaccount('a');
    ex.deposit(0, 1_000_000_000n);
    let fills = 0;
    let base = 0n;
    for (let k = 0; k < 300; k++) {
      const c = bars[k] as (typeof bars)[number];
      ex.onBar(0, c, MIN);
      if (k % 5 === 0) ex.execute(0, commandsAt(c.close, k), c.ts + MIN);
      for (const e of ex.drainEvents()) {
        if (e.type === 'filled') {
          fills++;
          base += e.fill.base;
        }
      }
    }
    assert.ok(fills > 0);
    assert.equal(ex.ledger(0).fills, fills);
    assert.equal(ex.ledger(0).base, base);
    const l = ex.ledger(0);
    const s = ex.exportState().subs[0];
    assert.ok(s);
    assert.equal(
      1_000_000_000n + l.cash - l.fees + l.funding,
      s.collateral + s.positions.reduce((a, p) => a + p.quoteAsset, 0n),
    );
  });

  it('refuses to import into a used exchange', () => {
    const ex = new DurableSimExchange({ markets: [SOL] });
    ex.createSubaccount('x');
    assert.throws(() => ex.importState(ex.exportState()), /fresh exchange/);
  });
});
