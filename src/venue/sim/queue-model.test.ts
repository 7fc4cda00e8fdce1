import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VenueEvent } from '../../domain/types.ts';
import { SimExchange, type SimExchangeOptions } from './exchange.ts';
import { shareOfPathBeyond } from './matching.ts';
import { bar, flat, limit, MINUTE, SOL, sol, T0, usd } from './test-support/fixtures.ts';

/** The market opens at 102, so bids at or below 100 rest. */
function setup(o: Partial<SimExchangeOptions> = {}) {
  const ex = new SimExchange({ markets: [SOL], makerFill: 'queue', ...o });
  const id = ex.createSubaccount('q');
  ex.deposit(id, usd(1_000_000));
  ex.onBar(0, flat(T0, 102), MINUTE);
  ex.drainEvents();
  return { ex, id, ts: T0 + MINUTE };
}
const filled = (evs: readonly VenueEvent[]) => evs.flatMap((e) => (e.type === 'filled' ? [e.fill.base] : []));

describe('shareOfPathBeyond', () => {
  it('measures the part of the O→H→L→C path below a bid', () => {
    // 101 → 101 → 99 → 100.5: length 0 + 2 + 1.5 = 3.5; below 100: 1 (down leg) + 1 (up leg)
    assert.equal(shareOfPathBeyond([101, 101, 99, 100.5], 'buy', 100), 2 / 3.5);
    assert.equal(shareOfPathBeyond([99, 101, 99, 100.5], 'sell', 100), 2.5 / 5.5);
    assert.equal(shareOfPathBeyond([100, 100, 100, 100], 'buy', 100), 0, 'a touch is not through');
    assert.equal(shareOfPathBeyond([98, 98, 98, 98], 'buy', 100), 1, 'a flat bar beyond counts fully');
  });
});

describe("fill model 'queue' (trade-through + queue)", () => {
  it('the queue ahead (0.5 average bars of volume) eats the volume traded through first', () => {
    const { ex, id, ts } = setup();
    // every bar has volume 1000 (test helper): ahead = 500 SOL when the price first trades through
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1000, 100) }], ts);
    ex.drainEvents();
    // down bar 101 → 101 → 99 → 100.5: 2/3.5 of 1000 = 571.43 traded below 100, 500 of it was ahead
    ex.onBar(0, bar(ts, 101, 101, 99, 100.5), MINUTE);
    // 71.428… SOL, rounded down to SOL-PERP's 0.01 step
    assert.deepEqual(filled(ex.drainEvents()), [sol(71.42)]);
    // the order is now at the front: the next bar's whole through-volume is available
    ex.onBar(0, bar(ts + MINUTE, 100.5, 100.5, 99, 99.5), MINUTE);
    // 100.5 → 100.5 → 99 → 99.5: length 2, below 100: 1 + 0.5 = 1.5 → 750 SOL through
    assert.deepEqual(filled(ex.drainEvents()), [sol(750)]);
  });

  it('a touch fills nothing and does not move the queue; trade-through and touch fill at once', () => {
    const touch = setup({ makerFill: 'touch' });
    const through = setup({ makerFill: 'tradeThrough' });
    const queue = setup();
    for (const s of [touch, through, queue]) {
      s.ex.execute(s.id, [{ kind: 'place', order: limit('buy', 10, 100) }], s.ts);
      s.ex.drainEvents();
      s.ex.onBar(0, bar(s.ts, 100.5, 100.6, 100, 100.2), MINUTE); // touches 100
    }
    assert.deepEqual(filled(touch.ex.drainEvents()), [sol(10)]);
    assert.deepEqual(filled(through.ex.drainEvents()), []);
    assert.deepEqual(filled(queue.ex.drainEvents()), []);
    for (const s of [through, queue]) s.ex.onBar(0, bar(s.ts + MINUTE, 100.2, 100.3, 99.9, 100.1), MINUTE);
    assert.deepEqual(filled(through.ex.drainEvents()), [sol(10)]);
    // 100.2 → 100.3 → 99.9 → 100.1: 0.2 of a 0.8 path is below 100 → 250 SOL, less than the 500 ahead
    assert.deepEqual(filled(queue.ex.drainEvents()), []);
    queue.ex.onBar(0, bar(queue.ts + 2 * MINUTE, 100.1, 100.2, 99.9, 100), MINUTE);
    // 100.1 → 99.9 → 100.2 → 100 (up bar: low first): 0.1 + 0.1 of 0.2 + 0.3 + 0.2 → 285.7 through, 250 left ahead
    assert.deepEqual(filled(queue.ex.drainEvents()), [sol(10)]);
  });

  it('enough volume through the price fills the whole order in one bar', () => {
    const { ex, id, ts } = setup();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 300, 100) }], ts);
    ex.drainEvents();
    const got: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      // flat bars at 99 (wholly beyond): all 1000 of volume trade through each bar
      ex.onBar(0, flat(ts + i * MINUTE, 99), MINUTE);
      got.push(...filled(ex.drainEvents()));
    }
    // bar 1: 1000 through, 500 ahead → 300 (the whole order)
    assert.deepEqual(got, [sol(300)]);
  });

  it('orders further down the queue need more volume: a 0-volume bar fills nothing', () => {
    const { ex, id, ts } = setup({ queue: { aheadBars: 0 } });
    ex.execute(id, [{ kind: 'place', order: limit('buy', 5, 100) }], ts);
    ex.drainEvents();
    ex.onBar(0, flat(ts, 99, { volume: 0 }), MINUTE);
    assert.deepEqual(filled(ex.drainEvents()), []);
    ex.onBar(0, flat(ts + MINUTE, 99, { volume: 3 }), MINUTE);
    assert.deepEqual(filled(ex.drainEvents()), [sol(3)], 'with nothing ahead, the traded volume fills it');
  });
});
