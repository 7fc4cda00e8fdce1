/**
 * Property: whatever happens (orders of every kind, bars, funding, liquidations), the books balance to the
 * micro-USDC: USDC balance + Σ position quote = deposits + Σ fill cash flows − fees + funding.
 * Open-order bookkeeping on the positions matches the open orders exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { OrderCommand, VenueEvent } from '../../domain/types.ts';
import { SimExchange } from './exchange.ts';
import { bar, limit, SOL, T0, usd } from './test-support/fixtures.ts';

const BAR = 15 * 60_000;

const action = fc.oneof(
  fc.record({
    kind: fc.constant('place' as const),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    offsetPct: fc.integer({ min: -40, max: 40 }).map((x) => x / 10),
    size: fc.integer({ min: 1, max: 400 }).map((x) => x / 100),
    postOnly: fc.constantFrom('none' as const, 'must' as const, 'try' as const, 'slide' as const),
    reduceOnly: fc.boolean(),
    ioc: fc.boolean(),
    market: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('cancelAll' as const) }),
  fc.record({
    kind: fc.constant('bar' as const),
    movePct: fc.integer({ min: -60, max: 60 }).map((x) => x / 10),
    wickPct: fc.integer({ min: 0, max: 30 }).map((x) => x / 10),
    premiumPct: fc.integer({ min: -10, max: 10 }).map((x) => x / 10),
    stale: fc.boolean(),
  }),
);

function cashFlow(e: VenueEvent): bigint {
  if (e.type === 'filled') return (e.fill.side === 'sell' ? e.fill.quote : -e.fill.quote) - e.fill.fee;
  if (e.type === 'funding') return e.payment.amount;
  if (e.type === 'liquidated') {
    const quote = ((e.base < 0n ? -e.base : e.base) * e.price) / 1_000_000_000n;
    return (e.base < 0n ? quote : -quote) - e.fee;
  }
  return 0n;
}

describe('ledger invariant', () => {
  it('balances to the micro-USDC over long random runs', () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 50, maxLength: 300 }),
        fc.integer({ min: 1, max: 5 }),
        (acts, lev) => {
          const ex = new SimExchange({ markets: [SOL], spreadBps: 4, participation: 0.3 });
          const id = ex.createSubaccount('p');
          const deposit = usd(100 * lev);
          ex.deposit(id, deposit);
          let price = 100;
          let ts = T0;
          ex.onBar(0, bar(ts, price, price, price, price), BAR);
          ts += BAR;
          let expected = deposit;
          let uid = 0;
          for (const a of acts) {
            if (a.kind === 'bar') {
              const open = price;
              const close = Math.max(1, Math.round(open * (1 + a.movePct / 100) * 100) / 100);
              const high = Math.max(open, close) * (1 + a.wickPct / 100);
              const low = Math.min(open, close) * (1 - a.wickPct / 100);
              const oracle = close * (1 - a.premiumPct / 100);
              ex.onBar(
                0,
                bar(ts, open, high, low, close, {
                  volume: 50,
                  oracleOpen: open,
                  oracleHigh: high,
                  oracleLow: low,
                  oracleClose: oracle,
                  oracleStale: a.stale,
                }),
                BAR,
              );
              ts += BAR;
              price = close;
            } else {
              let cmd: OrderCommand;
              if (a.kind === 'cancelAll') cmd = { kind: 'cancelAll' };
              else {
                const p = Math.round(price * (1 + a.offsetPct / 100) * 1e4) / 1e4;
                uid = (uid % 255) + 1;
                const o = limit(a.side, a.size, p, {
                  postOnly: a.market ? 'none' : a.postOnly,
                  reduceOnly: a.reduceOnly,
                  ioc: a.ioc && !a.market && a.postOnly === 'none',
                  userOrderId: uid,
                });
                cmd = { kind: 'place', order: a.market ? { ...o, orderType: 'market' } : o };
              }
              ex.execute(id, [cmd], ts);
            }
            for (const e of ex.drainEvents()) expected += cashFlow(e);
            const positions = ex.ledgerPositions(id);
            const books = ex.account(id).collateral + positions.reduce((s, p) => s + p.quoteAsset, 0n);
            assert.equal(books, expected);
            const orders = ex.openOrders(id);
            const bids = orders
              .filter((o) => o.side === 'buy')
              .reduce((s, o) => s + o.base - o.filledBase, 0n);
            const asks = orders
              .filter((o) => o.side === 'sell')
              .reduce((s, o) => s + o.base - o.filledBase, 0n);
            const pos = positions.find((p) => p.marketIndex === SOL.marketIndex);
            assert.deepEqual(
              [pos?.openOrders ?? 0, pos?.openBids ?? 0n, pos?.openAsks ?? 0n],
              [orders.length, bids, -asks],
            );
          }
        },
      ),
      { seed: 20240101, numRuns: 150 },
    );
  });
});
