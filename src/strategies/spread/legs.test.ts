import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getMarket } from '../../domain/markets.ts';
import { baseToInt, priceToNumber } from '../../domain/precision.ts';
import { isOnTick, priceOnTick } from '../../domain/rounding.ts';
import { spreadTargets } from './intents.ts';
import { checkTaker, planLegOrders } from './legs.ts';
import { spreadParams } from './params.ts';
import { pos, snap } from './test-support/fixtures.ts';
import { DRIFT_MARKET_INDEX as D, KMNO_MARKET_INDEX as K, spreadMarkets } from './types.ts';

const params = spreadParams({ driftQuantity: 100, kmnoQuantity: 1500 });
const markets = spreadMarkets();
const fresh = [snap(D, 0.5), snap(K, 0.1)];

describe('planLegOrders', () => {
  it('opens LONG as buy DRIFT + sell KMNO, taker, on step, limits inside the cap', () => {
    const plan = planLegOrders(spreadTargets('LONG', params), [], fresh, params, markets);
    assert.deepEqual(plan.rejected, []);
    assert.equal(plan.orders.length, 2);
    const [d, k] = plan.orders;
    assert.deepEqual(
      [d.marketIndex, d.side, d.base, d.reduceOnly, d.taker],
      [D, 'buy', baseToInt(100), false, true],
    );
    assert.deepEqual(
      [k.marketIndex, k.side, k.base, k.reduceOnly, k.taker],
      [K, 'sell', baseToInt(1500), false, true],
    );
    // 0.5 × 1.0025 = 0.50125 exactly on the 0.00001 tick; 0.1 × 0.9975 = 0.09975 on the 0.000001 tick.
    assert.equal(priceToNumber(d.price), 0.50125);
    assert.equal(priceToNumber(k.price), 0.09975);
  });

  it('never rounds a limit past the cap: buys round down, sells up, on tick', () => {
    const spec = getMarket(D);
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 500 }),
        (mark, cap) => {
          const s = snap(D, mark, { bid: mark, ask: mark });
          const buy = checkTaker(s, spec, 'buy', baseToInt(1), cap);
          const sell = checkTaker(s, spec, 'sell', baseToInt(1), cap);
          if (buy.ok) {
            assert.ok(priceToNumber(buy.price) <= mark * (1 + cap / 1e4) + 1e-12);
            assert.ok(isOnTick(buy.price, spec.tickSize));
          }
          if (sell.ok) {
            assert.ok(priceToNumber(sell.price) >= mark * (1 - cap / 1e4) - 1e-12);
            assert.ok(isOnTick(sell.price, spec.tickSize));
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('does not emit an opening whose visible ask is beyond the cap, nor its other leg', () => {
    const wide = [snap(D, 0.5, { ask: 0.5 * 1.003 }), snap(K, 0.1)];
    const plan = planLegOrders(spreadTargets('LONG', params), [], wide, params, markets);
    assert.deepEqual(plan.orders, []);
    const drift = plan.rejected.find((r) => r.marketIndex === D);
    const kmno = plan.rejected.find((r) => r.marketIndex === K);
    assert.match(
      drift?.reason ?? '',
      /slippage: best ask 0\.5015 is 30\.0 bps from mark 0\.5, beyond the 25 bps cap/,
    );
    assert.match(
      kmno?.reason ?? '',
      /withheld: opening DRIFT-PERP failed validation \(both legs or neither\)/,
    );
  });

  it('validates closes against closeMaxSlippageBps, openings against maxSlippageBps', () => {
    const book = [snap(D, 0.5, { bid: 0.5 * 0.996 }), snap(K, 0.1, { ask: 0.1 * 1.004 })]; // 40 bps away
    const exit = planLegOrders(
      spreadTargets('FLAT', params),
      [pos(D, 100), pos(K, -1500)],
      book,
      params,
      markets,
    );
    assert.deepEqual(exit.rejected, []);
    assert.deepEqual(
      exit.orders.map((o) => [o.marketIndex, o.side, o.reduceOnly]),
      [
        [D, 'sell', true],
        [K, 'buy', true],
      ],
    );
    const entry = planLegOrders(spreadTargets('SHORT', params), [], book, params, markets);
    assert.equal(entry.orders.length, 0);
    assert.equal(entry.rejected.length, 2);
  });

  it('walks the book within the slippage limit: a leg larger than the visible depth is refused, both or neither', () => {
    const lv = (price: number, base: number) => ({
      price: priceOnTick(price, 1n, 'sell'),
      base: baseToInt(base),
    });
    const book = (asks: { price: bigint; base: bigint }[]) => ({ marketIndex: D, ts: 0, bids: [], asks });
    // 60 at 2 bps, 100 more at 40 bps: only 60 lie within the 25 bps limit (0.50125) of mark 0.5.
    const thin = snap(D, 0.5, { book: book([lv(0.5001, 60), lv(0.502, 100)]) });
    const a = planLegOrders(spreadTargets('LONG', params), [], [thin, snap(K, 0.1)], params, markets);
    assert.equal(a.orders.length, 0, 'neither leg goes out');
    const d = a.rejected.find((r) => r.marketIndex === D);
    assert.equal(d?.cause, 'depth');
    assert.match(d?.reason ?? '', /liquidity: 60 visible within the 25 bps limit 0\.50125 < order size 100/);
    assert.equal(a.rejected.find((r) => r.marketIndex === K)?.cause, 'withheld');
    const enough = snap(D, 0.5, { book: book([lv(0.5001, 60), lv(0.501, 50)]) });
    const c = planLegOrders(spreadTargets('LONG', params), [], [enough, snap(K, 0.1)], params, markets);
    assert.equal(c.orders.length, 2);
    assert.deepEqual(
      c.batches.map((b) => [b.orders.length, b.allOrNothing]),
      [[2, true]],
      'both legs in one all-or-nothing transaction',
    );
  });

  it('an unknown book refuses openings and paired closes; safety closes still go out, each on its own', () => {
    const blind = [snap(D, 0.5, { book: undefined }), snap(K, 0.1, { book: undefined })];
    const entry = planLegOrders(spreadTargets('LONG', params), [], blind, params, markets);
    assert.equal(entry.orders.length, 0);
    assert.deepEqual(
      entry.rejected.map((r) => r.cause),
      ['noBook', 'noBook'],
    );
    const held = [pos(D, 100), pos(K, -1500)];
    const exit = planLegOrders(spreadTargets('FLAT', params), held, blind, params, markets);
    assert.equal(exit.orders.length, 0, 'a signal exit is paired and needs the book');
    const safety = planLegOrders(spreadTargets('FLAT', params), held, blind, params, markets, {
      closes: 'independent',
    });
    assert.equal(safety.orders.length, 2);
    assert.ok(safety.orders.every((o) => o.reduceOnly));
    assert.deepEqual(
      safety.batches.map((b) => [b.orders.length, b.allOrNothing]),
      [
        [1, false],
        [1, false],
      ],
    );
  });

  it('a flip closes then opens; if the opening fails the closes still go out', () => {
    const held = [pos(D, 100), pos(K, -1500)];
    const flip = planLegOrders(spreadTargets('SHORT', params), held, fresh, params, markets);
    assert.deepEqual(
      flip.orders.map((o) => [o.marketIndex, o.side, Number(o.base / 1_000_000_000n), o.reduceOnly]),
      [
        [D, 'sell', 100, true],
        [K, 'buy', 1500, true],
        [D, 'sell', 100, false],
        [K, 'buy', 1500, false],
      ],
    );
    const blocked = planLegOrders(spreadTargets('SHORT', params), held, fresh, params, markets, {
      openingBlocked: 'stale prices',
    });
    assert.deepEqual(
      blocked.orders.map((o) => o.reduceOnly),
      [true, true],
    );
    assert.ok(blocked.rejected.every((r) => r.opening && r.reason === 'opening blocked: stale prices'));
  });

  it('paired closes go out together or not at all; independent closes stand alone', () => {
    const held = [pos(D, 100), pos(K, -1500)];
    const book = [snap(D, 0.5, { bid: 0.49 }), snap(K, 0.1)]; // DRIFT bid 200 bps below mark
    const paired = planLegOrders(spreadTargets('FLAT', params), held, book, params, markets);
    assert.equal(paired.orders.length, 0);
    assert.match(
      paired.rejected.find((r) => r.marketIndex === K)?.reason ?? '',
      /withheld: closing DRIFT-PERP/,
    );
    const alone = planLegOrders(spreadTargets('FLAT', params), held, book, params, markets, {
      closes: 'independent',
    });
    assert.deepEqual(
      alone.orders.map((o) => o.marketIndex),
      [K],
    );
  });

  it('rounds sizes down onto the step and refuses openings below the minimum size', () => {
    const odd = spreadParams({ driftQuantity: 100.7, kmnoQuantity: 0.5 });
    const plan = planLegOrders(spreadTargets('LONG', odd), [], fresh, odd, markets);
    assert.equal(plan.orders.length, 0);
    assert.match(plan.rejected.find((r) => r.marketIndex === K)?.reason ?? '', /below the minimum order 1/);
    assert.equal(plan.rejected.find((r) => r.marketIndex === D)?.base, baseToInt(100));
  });

  it('refuses openings on a market the venue holds reduce-only, and orders without a snapshot or spec', () => {
    const ro = planLegOrders(
      spreadTargets('LONG', params),
      [],
      [snap(D, 0.5, { reduceOnly: true }), snap(K, 0.1)],
      params,
      markets,
    );
    assert.equal(ro.orders.length, 0);
    assert.match(ro.rejected.find((r) => r.marketIndex === D)?.reason ?? '', /reduce-only/);
    const none = planLegOrders(
      [{ kind: 'target', marketIndex: 77, base: 0 }],
      [pos(77, 3)],
      fresh,
      params,
      markets,
    );
    assert.equal(none.orders.length, 0);
    assert.equal(none.rejected[0]?.reason, 'no market spec (tick/step unknown)');
  });

  it('emits nothing when the position already matches the target', () => {
    const plan = planLegOrders(
      spreadTargets('LONG', params),
      [pos(D, 100), pos(K, -1500)],
      fresh,
      params,
      markets,
    );
    assert.deepEqual(plan, { orders: [], batches: [], rejected: [] });
  });
});
