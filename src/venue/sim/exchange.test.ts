import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VenueEvent } from '../../domain/types.ts';
import { SimExchange } from './exchange.ts';
import { bar, flat, HOUR, limit, MINUTE, SOL, sol, T0, usd } from './test-support/fixtures.ts';

const fills = (ev: readonly VenueEvent[]) => ev.flatMap((e) => (e.type === 'filled' ? [e] : []));

function setup(opts: Partial<ConstructorParameters<typeof SimExchange>[0]> = {}, deposit = 10_000) {
  const ex = new SimExchange({ markets: [SOL], ...opts });
  const id = ex.createSubaccount('t');
  ex.deposit(id, usd(deposit));
  ex.onBar(0, flat(T0, 100), MINUTE);
  ex.drainEvents();
  return { ex, id, ts: T0 + MINUTE };
}

describe('fills and fees', () => {
  it('a resting bid fills as maker at its own price when the path trades through it; rebate rounds down', () => {
    const { ex, id, ts } = setup();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1.23, 99.0001) }], ts);
    ex.drainEvents();
    ex.onBar(0, bar(ts, 100, 100.5, 99.0001, 100), MINUTE); // only touches
    assert.equal(fills(ex.drainEvents()).length, 0, 'a touch does not fill (trade-through rule)');
    ex.onBar(0, bar(ts + MINUTE, 100, 100.5, 99, 100), MINUTE);
    const [f] = fills(ex.drainEvents());
    // quote = 1.23 × 99.0001 = 121.770123; rebate 2 bps = 0.0243540246 → 0.024354 (down)
    assert.deepEqual(
      [f.fill.price, f.fill.base, f.fill.quote, f.fill.fee, f.fill.maker, f.remainingBase],
      [usd(99.0001), sol(1.23), 121_770_123n, -24_354n, true, 0n],
    );
    assert.equal(f.ts, ts + 2 * MINUTE, 'fills are stamped at the bar end');
  });

  it("fills on a touch with makerFill: 'touch'", () => {
    const { ex, id, ts } = setup({ makerFill: 'touch' });
    ex.execute(id, [{ kind: 'place', order: limit('sell', 1, 100.5) }], ts);
    ex.onBar(0, bar(ts, 100, 100.5, 99.9, 100.2), MINUTE);
    assert.equal(fills(ex.drainEvents()).length, 1);
  });

  it('a crossing order fills at once as taker at the spread-adjusted ask; fee rounds up', () => {
    const { ex, id, ts } = setup({ spreadBps: 10 });
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1.23, 101) }], ts);
    const [f] = fills(ex.drainEvents());
    // ask = 100 + 0.05 = 100.05; quote = 123.0615; taker 10 bps = 0.12306150 → 0.123062 (up)
    assert.deepEqual(
      [f.fill.price, f.fill.quote, f.fill.fee, f.fill.maker],
      [usd(100.05), 123_061_500n, 123_062n, false],
    );
    const [pos] = ex.positions(id);
    assert.equal(pos.base, sol(1.23));
    assert.equal(pos.quoteAsset, -123_061_500n - 123_062n);
  });

  it('the intra-bar path decides the fill order: an up bar reaches the bid before the ask', () => {
    const { ex, id, ts } = setup();
    ex.execute(
      id,
      [
        { kind: 'place', order: limit('sell', 1, 101) },
        { kind: 'place', order: limit('buy', 1, 99) },
      ],
      ts,
    );
    ex.drainEvents();
    ex.onBar(0, bar(ts, 100, 102, 98, 101), MINUTE); // close ≥ open: O → L → H → C
    assert.deepEqual(
      fills(ex.drainEvents()).map((f) => f.fill.side),
      ['buy', 'sell'],
    );
    ex.execute(
      id,
      [
        { kind: 'place', order: limit('sell', 1, 102) },
        { kind: 'place', order: limit('buy', 1, 100) },
      ],
      ts + MINUTE,
    );
    ex.drainEvents();
    ex.onBar(0, bar(ts + MINUTE, 101, 103, 99, 100), MINUTE); // close < open: O → H → L → C
    assert.deepEqual(
      fills(ex.drainEvents()).map((f) => f.fill.side),
      ['sell', 'buy'],
    );
  });

  it('caps maker fills at a share of bar volume: partial fills report what remains', () => {
    const { ex, id, ts } = setup({ participation: 0.1 });
    ex.execute(id, [{ kind: 'place', order: limit('buy', 3, 99) }], ts);
    ex.drainEvents();
    ex.onBar(0, bar(ts, 100, 100, 98, 99.5, { volume: 10 }), MINUTE); // cap 1 SOL
    const [f1] = fills(ex.drainEvents());
    assert.deepEqual([f1.fill.base, f1.remainingBase], [sol(1), sol(2)]);
    assert.equal(ex.openOrders(id)[0].filledBase, sol(1));
    assert.equal(ex.ledgerPositions(id)[0].openBids, sol(2));
    ex.onBar(0, bar(ts + MINUTE, 99.5, 99.5, 98, 99, { volume: 100 }), MINUTE);
    const [f2] = fills(ex.drainEvents());
    assert.deepEqual([f2.fill.base, f2.remainingBase], [sol(2), 0n]);
    assert.equal(ex.openOrders(id).length, 0);
  });

  it('a reduce-only resting order never flips the position and is cancelled once it cannot reduce', () => {
    const { ex, id, ts } = setup();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 100) }], ts); // taker long 1
    ex.execute(id, [{ kind: 'place', order: limit('sell', 3, 101, { reduceOnly: true }) }], ts);
    ex.drainEvents();
    ex.onBar(0, bar(ts, 100, 102, 100, 101.5), MINUTE);
    const [f] = fills(ex.drainEvents());
    assert.deepEqual([f.fill.base, f.remainingBase], [sol(1), sol(2)]);
    assert.equal(ex.positions(id).length, 0);
    ex.onBar(0, bar(ts + MINUTE, 101.5, 102, 101, 101.5), MINUTE);
    const ev = ex.drainEvents();
    assert.equal(ev[0].type === 'cancelled' && ev[0].reason, 'reduceOnlyWouldIncrease');
    assert.equal(ex.openOrders(id).length, 0);
  });

  it('settles a closed position into collateral: realized pnl net of fees', () => {
    const { ex, id, ts } = setup();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 2, 100) }], ts); // taker at 100, fee 0.2
    ex.onBar(0, flat(ts, 110), MINUTE);
    ex.execute(id, [{ kind: 'place', order: limit('sell', 2, 110) }], ts + MINUTE); // taker at 110, fee 0.22
    assert.equal(ex.account(id).collateral, usd(10_000 + 20 - 0.2 - 0.22));
    assert.equal(ex.positions(id).length, 0);
  });
});

describe('funding', () => {
  function fundedPair(opts: Partial<ConstructorParameters<typeof SimExchange>[0]> = {}) {
    const ex = new SimExchange({ markets: [SOL], ...opts });
    const long = ex.createSubaccount('long');
    const short = ex.createSubaccount('short');
    ex.deposit(long, usd(1000));
    ex.deposit(short, usd(1000));
    ex.onBar(0, flat(T0, 100, { oracleClose: 100 }), MINUTE);
    ex.execute(long, [{ kind: 'place', order: limit('buy', 2, 100) }], T0 + MINUTE);
    ex.execute(short, [{ kind: 'place', order: limit('sell', 2, 100) }], T0 + MINUTE);
    ex.drainEvents();
    return { ex, long, short };
  }

  it("pays Drift's hourly rate from the hour's TWAPs: longs pay, shorts receive (hand-computed)", () => {
    const { ex, long, short } = fundedPair();
    const before = [ex.account(long).positions[0].quoteAsset, ex.account(short).positions[0].quoteAsset];
    // The first bar (mark 100 = oracle) is in the hour too: 1 minute at 100/100 and 59 at mark 101 / oracle 100.
    for (let i = 1; i < 60; i++) ex.onBar(0, flat(T0 + i * MINUTE, 101, { oracleClose: 100 }), MINUTE);
    // markTwap = (100 + 59 × 101)/60 = 100.983333 (micro-rounded), oracleTwap = 100
    // spread = 0.983333 + 100/5000 = 1.003333 ≤ 100/33; rate = 1.003333 × 1e3 / 24 → 41_805_541 (1e9)
    const rate = ((100_983_333n - 100_000_000n + 20_000n) * 1000n * 3600n) / 86_400n;
    assert.equal(rate, 41_805_541n);
    assert.equal(ex.funding(0).lastRate, rate);
    const ev = ex.drainEvents().flatMap((e) => (e.type === 'funding' ? [e] : []));
    const byId = new Map(ev.map((e) => [e.subaccountId, e.payment.amount]));
    // payment = rate × 2 SOL = 0.083611082 → truncated toward zero: 83_611 micro-USDC
    assert.equal(byId.get(long), -83_611n);
    assert.equal(byId.get(short), 83_611n);
    assert.equal(ex.account(long).positions[0].quoteAsset, before[0] - 83_611n);
    assert.equal(ex.account(short).positions[0].quoteAsset, before[1] + 83_611n);
  });

  it('clamps the rate by contract tier', () => {
    const { ex } = fundedPair();
    for (let i = 1; i < 60; i++) ex.onBar(0, flat(T0 + i * MINUTE, 150, { oracleClose: 100 }), MINUTE);
    // tier A clamp: oracleTwap/33 = 3.030303 → rate = 3_030_303 × 1000 / 24
    assert.equal(ex.funding(0).lastRate, (3_030_303n * 1000n) / 24n);
  });

  it('uses the bar price as the estimate, not an unobserved repeated oracle, in the oracle TWAP', () => {
    const { ex } = fundedPair();
    for (let i = 1; i < 60; i++) {
      ex.onBar(0, flat(T0 + i * MINUTE, 100, { oracleClose: 50, oracleStale: true }), MINUTE);
    }
    // the oracle estimate is the bar's 100, mark = oracle → only the 1/5000 offset: 20_000 × 1000 / 24
    assert.equal(ex.funding(0).lastRate, (20_000n * 1000n) / 24n);
  });

  it('replays funding records: exact ratePerBase, else rateFraction × oracle', () => {
    const { ex, long } = fundedPair({ fundingMode: 'replay' });
    for (let i = 1; i < 60; i++) ex.onBar(0, flat(T0 + i * MINUTE, 101), MINUTE);
    assert.equal(ex.drainEvents().length, 0, 'no formula funding in replay mode');
    ex.applyFundingRecord('SOL-PERP', {
      ts: T0 + HOUR,
      ratePerBase: 12_345_678n,
      rateFraction: 0,
      periodHours: 1,
    });
    const [e1] = ex.drainEvents().filter((e) => e.type === 'funding' && e.subaccountId === long);
    assert.equal(e1.type === 'funding' && e1.payment.amount, -24_691n); // 0.012345678 × 2 = 0.024691356
    ex.applyFundingRecord(0, { ts: T0 + 2 * HOUR, rateFraction: -0.0001, periodHours: 1 });
    const [e2] = ex.drainEvents().filter((e) => e.type === 'funding' && e.subaccountId === long);
    assert.equal(e2.type === 'funding' && e2.payment.rate, -10_100_000n); // −0.0001 × 101
    assert.equal(e2.type === 'funding' && e2.payment.amount, 20_200n);
  });
});

describe('liquidation', () => {
  it('an over-levered long in a falling market is liquidated partially at the oracle', () => {
    const { ex, id, ts } = setup({}, 100);
    ex.execute(id, [{ kind: 'place', order: limit('buy', 15, 100) }], ts); // 1500 notional on 100 USDC
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 80) }], ts); // an open order to be cancelled
    ex.drainEvents();
    ex.onBar(0, bar(ts, 100, 100, 97, 98), MINUTE);
    assert.equal(ex.drainEvents().length, 0, 'not yet liquidatable at 97');
    ex.onBar(
      0,
      bar(ts + MINUTE, 98, 98, 96.2, 96.5, { oracleOpen: 98, oracleHigh: 98, oracleLow: 96.2 }),
      MINUTE,
    );
    const ev = ex.drainEvents();
    const cancelled = ev.filter((e) => e.type === 'cancelled');
    assert.equal(cancelled.length, 1);
    assert.equal(cancelled[0].type === 'cancelled' && cancelled[0].reason, 'liquidation');
    const liq = ev.filter((e) => e.type === 'liquidated');
    assert.ok(liq.length >= 1);
    const l = liq[0];
    assert.ok(l.type === 'liquidated');
    assert.equal(l.price, usd(96.2), 'at the oracle low, where the path first broke maintenance');
    // deficit = MR 43.29 + buffer 28.86 − TC 41.5 = 30.65 → x = 30.65 / (96.2 × (3% + 2% − 1%)) = 7.96 → 7.97 SOL
    assert.equal(l.base, -sol(7.97), 'partial: just enough of the long was sold');
    assert.equal(liq.length, 1);
    const after = ex.margin(id);
    assert.ok(after.totalCollateral >= after.maintenanceMarginRequirement, 'back above maintenance');
    // collateral consistency: USDC + position quote = deposit − fees paid + cash flows
    const [pos] = ex.ledgerPositions(id);
    const closed = -l.base;
    const proceeds = (closed * usd(96.2)) / 1_000_000_000n;
    const entryCost = usd(1500) + usd(1.5); // taker fee 10 bps
    assert.equal(ex.account(id).collateral + pos.quoteAsset, usd(100) - entryCost + proceeds - l.fee);
  });

  it('a wick of the oracle through the liquidation price liquidates, though the bar closes above it', () => {
    const run = (withOracleRange: boolean) => {
      const { ex, id, ts } = setup({}, 100);
      ex.execute(id, [{ kind: 'place', order: limit('buy', 15, 100) }], ts);
      ex.drainEvents();
      const liq = ex.liquidationPrice(id, 0) as bigint; // the SDK's formula (parity suite)
      const wick = Number(liq) / 1e6 - 0.05;
      const range = withOracleRange ? { oracleOpen: 99, oracleHigh: 99, oracleLow: wick } : {};
      ex.onBar(0, bar(ts, 99, 99, wick, 99, range), MINUTE);
      return { events: ex.drainEvents(), liq, wick };
    };
    const seen = run(true);
    const l = seen.events.find((e) => e.type === 'liquidated');
    assert.ok(
      l && l.type === 'liquidated',
      `liquidated on the wick to ${seen.wick} (liq. price ${seen.liq})`,
    );
    assert.equal(l.price, usd(seen.wick));
    // The same bar from a source with the oracle's close only: the wick is invisible, nothing happens.
    assert.equal(run(false).events.filter((e) => e.type === 'liquidated').length, 0);
  });

  it('an account being liquidated cannot place orders until it clears maintenance + the buffer', () => {
    const { ex, id, ts } = setup({}, 100);
    ex.execute(id, [{ kind: 'place', order: limit('buy', 15, 100) }], ts);
    ex.onBar(0, bar(ts, 100, 100, 96.2, 96.5, { oracleOpen: 98, oracleHigh: 98, oracleLow: 96.2 }), MINUTE);
    assert.ok(ex.drainEvents().some((e) => e.type === 'liquidated'));
    // A little lower: above maintenance (no second liquidation) but inside the buffer.
    ex.onBar(0, flat(ts + MINUTE, 95.9), MINUTE);
    assert.equal(ex.drainEvents().filter((e) => e.type === 'liquidated').length, 0);
    const f = ex.margin(id);
    assert.ok(f.totalCollateral >= f.maintenanceMarginRequirement);
    const [refused] = ex.execute(
      id,
      [{ kind: 'place', order: limit('sell', 1, 97, { reduceOnly: true }) }],
      ts + 2 * MINUTE,
    );
    assert.equal(refused.ok ? 'ok' : refused.reason, 'BeingLiquidated');
    // The price recovers: the account clears the buffered requirement and trades again.
    ex.onBar(0, flat(ts + 2 * MINUTE, 100), MINUTE);
    const [ok] = ex.execute(
      id,
      [{ kind: 'place', order: limit('sell', 1, 101, { reduceOnly: true }) }],
      ts + 3 * MINUTE,
    );
    assert.equal(ok.ok ? 'ok' : ok.reason, 'ok');
  });
});

describe('floating (oracle-offset) orders', () => {
  it('rest at the oracle plus their offset, move with the oracle bar by bar, and fill as makers there', () => {
    const { ex, id, ts } = setup();
    const [r] = ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 0, { oracleOffset: -usd(1) }) }], ts);
    assert.ok(r.ok);
    assert.equal(ex.openOrders(id)[0].price, usd(99), 'oracle 100 − 1');
    // The oracle rises to 102: during the next bar the bid rests at 101 (the oracle it opened with, no look-ahead).
    ex.onBar(0, flat(ts, 102), MINUTE);
    ex.onBar(0, bar(ts + MINUTE, 102, 102, 100.9, 101.5), MINUTE);
    const [f] = fills(ex.drainEvents());
    assert.ok(f, 'filled where the floating bid had moved (101), not where it was placed (99)');
    assert.equal(f.fill.price, usd(101));
    assert.equal(f.fill.maker, true);
  });

  it('a fixed bid placed alongside stays where it was', () => {
    const { ex, id, ts } = setup();
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 99) }], ts);
    ex.onBar(0, flat(ts, 102), MINUTE);
    assert.equal(ex.openOrders(id)[0].price, usd(99));
  });

  it('the market counts its floating orders: one cancelled stops moving, one placed again moves', () => {
    const { ex, id, ts } = setup();
    const floating = () => limit('buy', 1, 0, { oracleOffset: -usd(1) });
    ex.execute(id, [{ kind: 'place', order: floating() }], ts);
    ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 98) }], ts);
    const [first] = ex.openOrders(id);
    ex.execute(id, [{ kind: 'cancel', orderId: first.orderId }], ts);
    ex.onBar(0, flat(ts, 102), MINUTE);
    ex.onBar(0, flat(ts + MINUTE, 103), MINUTE);
    assert.deepEqual(
      ex.openOrders(id).map((o) => o.price),
      [usd(98)],
    );
    ex.execute(id, [{ kind: 'place', order: floating() }], ts + 2 * MINUTE);
    ex.onBar(0, flat(ts + 2 * MINUTE, 105), MINUTE);
    ex.onBar(0, flat(ts + 3 * MINUTE, 106), MINUTE);
    // placed at 103 − 1, moved to the oracle the last bar opened with (105) − 1
    assert.deepEqual(
      ex.openOrders(id).map((o) => o.price),
      [usd(98), usd(104)],
    );
  });
});

describe('generation', () => {
  it('changes with every mutator and with nothing that only reads', () => {
    const { ex, id, ts } = setup({ fundingMode: 'replay' });
    const moves: [string, () => unknown][] = [
      ['execute', () => ex.execute(id, [{ kind: 'place', order: limit('buy', 1, 99) }], ts)],
      ['onBar', () => ex.onBar(0, flat(ts, 100), MINUTE)],
      ['deposit', () => ex.deposit(id, usd(1))],
      ['withdraw', () => ex.withdraw(id, usd(1))],
      [
        'applyFundingRecord',
        () => ex.applyFundingRecord(0, { ts: ts + MINUTE, rateFraction: 0.0001, periodHours: 1 }),
      ],
      ['settlePnl', () => ex.settlePnl(id, 0)],
      ['settleAllFunding', () => ex.settleAllFunding(id)],
      ['createSubaccount', () => ex.createSubaccount('u')],
    ];
    for (const [name, move] of moves) {
      const g = ex.generation;
      move();
      assert.notEqual(ex.generation, g, name);
    }
    const g = ex.generation;
    ex.account(id);
    ex.accountView(id);
    ex.margin(id);
    ex.liquidationPrice(id, 0);
    ex.positions(id);
    ex.openOrders(id);
    ex.quote(0);
    ex.orderBook(0);
    ex.funding(0);
    ex.drainEvents();
    assert.equal(ex.generation, g, 'reads leave it');
  });
});

describe('prices as integers in doubles', () => {
  it('markInteger and oracleInteger are Number() of the BigInt prices, and NaN before the first bar', () => {
    const ex = new SimExchange({ markets: [SOL] });
    assert.ok(Number.isNaN(ex.markInteger(0)) && Number.isNaN(ex.oracleInteger(0)));
    assert.equal(ex.quote(0), undefined);
    let ts = T0;
    // prices with binary noise in their last digits (x.xxxxxx5 and the like round as the BigInt path rounds)
    for (const close of [100, 99.9999995, 0.0000015, 151.2345675, 12345.678901, 3.3000005]) {
      ex.onBar(0, { ...flat(ts, close), oracleClose: close * 1.0001, oracleStale: false }, MINUTE);
      const q = ex.quote(0);
      assert.ok(q);
      assert.equal(ex.markInteger(0), Number(q.mark));
      assert.equal(ex.oracleInteger(0), Number(q.oracle));
      ts += MINUTE;
    }
  });
});
