import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMarket } from '../../domain/markets.ts';
import { baseToInt, baseToNumber, priceToNumber } from '../../domain/precision.ts';
import type { OrderParams } from '../../domain/types.ts';
import { DEFAULT_DEPTH, depthWithin, modelBook, nextVolumePerHour } from './depth.ts';
import { SimExchange } from './exchange.ts';
import { HOUR, T0, usd } from './test-support/fixtures.ts';

const KMNO = getMarket('KMNO-PERP');

describe('depth model', () => {
  it('volume per hour: unknown until a bar with volume; then an exponential mean with a 24 h half-life', () => {
    let v = Number.NaN;
    v = nextVolumePerHour(v, 0, HOUR, DEFAULT_DEPTH);
    assert.ok(Number.isNaN(v), 'a zero-volume bar says nothing yet');
    v = nextVolumePerHour(v, 250, 15 * 60_000, DEFAULT_DEPTH);
    assert.equal(v, 1000, '250 in 15 minutes is 1000 an hour');
    for (let i = 0; i < 24; i++) v = nextVolumePerHour(v, 0, HOUR, DEFAULT_DEPTH);
    assert.ok(Math.abs(v - 500) < 1e-9, `24 quiet hours halve it (${v})`);
  });

  it('a side holds hoursWithin1Pct × the hourly volume within 1%, evenly in 5 bps levels from the best price', () => {
    const book = modelBook(KMNO, T0, 0.1, 99_990n, 100_010n, 40_000);
    assert.ok(book);
    // 40 000 an hour: 2 000 per 5 bps level; best ask 1 bp above the mark.
    assert.equal(book.asks[0]?.price, 100_010n);
    assert.equal(baseToNumber(book.asks[0]?.base ?? 0n), 2000);
    const within = (bps: number) => depthWithin(book, 'buy', BigInt(Math.round(100_000 * (1 + bps / 1e4))));
    assert.equal(baseToNumber(within(25)), 10_000, 'levels at 1, 6, 11, 16, 21 bps: a quarter of an hour');
    assert.equal(baseToNumber(within(100)), 40_000, 'the whole hour within 1%');
    assert.equal(
      baseToNumber(depthWithin(book, 'sell', 99_900n)),
      4000,
      'bids at −1 and −6 bps lie within 10 bps',
    );
    for (let i = 1; i < book.asks.length; i++)
      assert.ok((book.asks[i]?.price ?? 0n) > (book.asks[i - 1]?.price ?? 0n));
    for (let i = 1; i < book.bids.length; i++)
      assert.ok((book.bids[i]?.price ?? 0n) < (book.bids[i - 1]?.price ?? 0n));
    assert.ok(priceToNumber(book.asks.at(-1)?.price ?? 0n) <= 0.1 * 1.02 + 1e-6, 'out to 200 bps');
  });

  it('no volume ever seen: no book (a liquidity check must refuse)', () => {
    assert.equal(modelBook(KMNO, T0, 0.1, 99_990n, 100_010n, Number.NaN), undefined);
    const sim = new SimExchange({ markets: [KMNO], spreadBps: 2 });
    sim.onBar('KMNO-PERP', { ts: T0, open: 0.1, high: 0.1, low: 0.1, close: 0.1, volume: 0 }, HOUR);
    assert.equal(sim.orderBook(KMNO.marketIndex), undefined);
    sim.onBar('KMNO-PERP', { ts: T0 + HOUR, open: 0.1, high: 0.1, low: 0.1, close: 0.1, volume: 8000 }, HOUR);
    assert.ok(sim.orderBook(KMNO.marketIndex));
  });
});

describe('SimExchange placeAndTake on the modelled book', () => {
  const setup = (volume: number) => {
    const sim = new SimExchange({ markets: [KMNO], spreadBps: 2 });
    sim.onBar('KMNO-PERP', { ts: T0, open: 0.1, high: 0.1, low: 0.1, close: 0.1, volume }, HOUR);
    const sub = sim.createSubaccount('s');
    sim.deposit(sub, usd(10_000));
    sim.drainEvents();
    return { sim, sub };
  };
  const taker = (
    side: 'buy' | 'sell',
    base: number,
    price: number,
    extra: Partial<OrderParams> = {},
  ): OrderParams => ({
    marketIndex: KMNO.marketIndex,
    side,
    orderType: 'market',
    base: baseToInt(base),
    price: BigInt(Math.round(price * 1e6)),
    reduceOnly: false,
    postOnly: 'none',
    ioc: true,
    userOrderId: 1,
    ...extra,
  });

  it('walks the levels within the limit, each fill at its level price, taker fees on each', () => {
    const { sim, sub } = setup(40_000); // 2 000 per level
    const [r] = sim.execute(
      sub,
      [{ kind: 'placeAndTake', orders: [taker('buy', 5000, 0.1003)], requireFullFill: true }],
      T0 + HOUR,
    );
    assert.equal(r?.ok, true);
    const fills = sim.drainEvents().flatMap((e) => (e.type === 'filled' ? [e.fill] : []));
    assert.deepEqual(
      fills.map((f) => [baseToNumber(f.base), priceToNumber(f.price), f.maker]),
      [
        [2000, 0.10001, false],
        [2000, 0.100061, false],
        [1000, 0.100111, false],
      ],
    );
    assert.equal(baseToNumber(sim.positions(sub)[0]?.base ?? 0n), 5000);
  });

  it('requireFullFill: short depth within the limit applies nothing; without it the order takes what there is', () => {
    const { sim, sub } = setup(40_000);
    const [r] = sim.execute(
      sub,
      [{ kind: 'placeAndTake', orders: [taker('buy', 5000, 0.10007)], requireFullFill: true }],
      T0 + HOUR,
    );
    assert.equal(r?.ok, false);
    assert.equal(!r?.ok && r.reason, 'PlaceAndTakeOrderSuccessConditionFailed');
    assert.deepEqual(sim.positions(sub), []);
    assert.deepEqual(
      sim.drainEvents().map((e) => e.type),
      ['rejected'],
    );
    const [p] = sim.execute(
      sub,
      [{ kind: 'placeAndTake', orders: [taker('buy', 5000, 0.10007)], requireFullFill: false }],
      T0 + HOUR,
    );
    assert.equal(p?.ok, true);
    assert.equal(baseToNumber(sim.positions(sub)[0]?.base ?? 0n), 4000, 'two levels within the limit');
    const types = sim.drainEvents().map((e) => e.type);
    assert.deepEqual(types, ['accepted', 'filled', 'filled', 'cancelled'], 'the rest is cancelled (IOC)');
  });

  it('a reduce-only take is capped at the position and never flips it', () => {
    const { sim, sub } = setup(40_000);
    sim.execute(
      sub,
      [{ kind: 'placeAndTake', orders: [taker('buy', 1500, 0.1003)], requireFullFill: true }],
      T0 + HOUR,
    );
    const [r] = sim.execute(
      sub,
      [
        {
          kind: 'placeAndTake',
          orders: [taker('sell', 3000, 0.0997, { reduceOnly: true, userOrderId: 2 })],
          requireFullFill: false,
        },
      ],
      T0 + HOUR,
    );
    assert.equal(r?.ok, true);
    assert.deepEqual(sim.positions(sub), [], 'closed, not flipped');
  });
});
