/**
 * Random sequences of everything the simulator does to accounts, for properties that must hold whatever
 * happens (account-stamp.test.ts): placements of every kind (resting, IOC, market, reduce-only, post-only,
 * floating, expiring), cancels, modifies, place-and-take, bars (a flat hour of funding with orders resting, a
 * minute's move, a crash that liquidates), deposits, withdrawals and settlements, on SOL and ETH and two accounts.
 */
import fc from 'fast-check';
import { getMarket, type MarketSpec } from '../../../domain/markets.ts';
import type { OrderCommand, OrderParams } from '../../../domain/types.ts';
import type { SimExchange } from '../exchange.ts';
import { bar, flat, limit, MINUTE, SOL, T0, usd } from './fixtures.ts';

const ETH = getMarket('ETH-PERP', { takerFeeBps: 10, makerFeeBps: -2 });
export const OP_MARKETS: readonly MarketSpec[] = [SOL, ETH];
const START_PRICES = [100, 2000];

const side = fc.constantFrom('buy' as const, 'sell' as const);
const account = fc.nat(1);
const market = fc.nat(1);

/** One operation; placements and bars come most often, sizes up to ~4× leverage so that a crash liquidates. */
export const accountOp = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      sub: account,
      market,
      side,
      steps: fc.integer({ min: 1, max: 400 }),
      offsetBps: fc.integer({ min: -300, max: 300 }),
      style: fc.constantFrom('rest', 'ioc', 'market', 'reduceOnly', 'postOnly', 'floating', 'expiring'),
    }),
  },
  fc.record({ kind: fc.constant('cancel' as const), sub: account, pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('cancelAll' as const), sub: account }),
  fc.record({
    kind: fc.constant('modify' as const),
    sub: account,
    pick: fc.nat(20),
    offsetBps: fc.integer({ min: -200, max: 200 }),
  }),
  fc.record({
    kind: fc.constant('placeAndTake' as const),
    sub: account,
    market,
    side,
    steps: fc.integer({ min: 1, max: 20 }),
  }),
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('bar' as const),
      market,
      moveBps: fc.oneof(
        fc.constant(0),
        fc.integer({ min: -300, max: 300 }),
        fc.integer({ min: -3500, max: -1000 }),
      ),
      wickBps: fc.integer({ min: 0, max: 200 }),
      minutes: fc.constantFrom(1, 1, 1, 61),
    }),
  },
  fc.record({ kind: fc.constant('deposit' as const), sub: account, usd: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), sub: account, usd: fc.integer({ min: 1, max: 900 }) }),
  fc.record({ kind: fc.constant('settle' as const), sub: account, market }),
  fc.record({ kind: fc.constant('settleFunding' as const), sub: account }),
);

export type AccountOp = typeof accountOp extends fc.Arbitrary<infer T> ? T : never;

/** Plays operations on `ex` (made with OP_MARKETS), whose accounts 0 and 1 it funds and prices first. */
export class AccountOpPlayer {
  readonly #ex: SimExchange;
  readonly #price = [...START_PRICES];
  #ts = T0;

  constructor(ex: SimExchange) {
    this.#ex = ex;
    for (let id = 0; id < 2; id++) ex.deposit(id, usd(1000));
    for (let i = 0; i < OP_MARKETS.length; i++) {
      ex.onBar(OP_MARKETS[i].marketIndex, flat(this.#ts, this.#price[i]), MINUTE);
    }
    this.#ts += MINUTE;
  }

  play(o: AccountOp): void {
    const ex = this.#ex;
    const ts = this.#ts;
    switch (o.kind) {
      case 'place':
        ex.execute(o.sub, [{ kind: 'place', order: this.#styled(o) }], ts);
        return;
      case 'cancel':
      case 'modify': {
        const open = ex.openOrders(o.sub);
        if (open.length === 0) return;
        const target = open[o.pick % open.length];
        const command: OrderCommand =
          o.kind === 'cancel'
            ? { kind: 'cancel', orderId: target.orderId }
            : {
                kind: 'modify',
                orderId: target.orderId,
                price: BigInt(Math.round(Number(target.price) * (1 + o.offsetBps / 10_000))),
              };
        ex.execute(o.sub, [command], ts);
        return;
      }
      case 'cancelAll':
        ex.execute(o.sub, [{ kind: 'cancelAll' }], ts);
        return;
      case 'placeAndTake': {
        const order = this.#orderAt(o.market, o.side, o.steps, o.side === 'buy' ? 200 : -200);
        ex.execute(o.sub, [{ kind: 'placeAndTake', orders: [order], requireFullFill: false }], ts);
        return;
      }
      case 'bar':
        this.#bar(o);
        return;
      case 'deposit':
        ex.deposit(o.sub, usd(o.usd));
        return;
      case 'withdraw':
        ex.withdraw(o.sub, usd(o.usd));
        return;
      case 'settle':
        ex.settlePnl(o.sub, OP_MARKETS[o.market].marketIndex);
        return;
      case 'settleFunding':
        ex.settleAllFunding(o.sub);
        return;
    }
  }

  #styled(o: Extract<AccountOp, { kind: 'place' }>): OrderParams {
    const order = this.#orderAt(o.market, o.side, o.steps, o.offsetBps);
    if (o.style === 'ioc') order.ioc = true;
    if (o.style === 'market') order.orderType = 'market';
    if (o.style === 'reduceOnly') order.reduceOnly = true;
    if (o.style === 'postOnly') order.postOnly = 'must';
    if (o.style === 'floating') order.oracleOffset = order.price - usd(this.#price[o.market]);
    if (o.style === 'expiring') order.maxTs = this.#ts + 2 * MINUTE;
    return order;
  }

  /** A limit order of ten size steps per `steps`, `offsetBps` from the market's last price. */
  #orderAt(m: number, sideOf: 'buy' | 'sell', steps: number, offsetBps: number): OrderParams {
    const spec = OP_MARKETS[m];
    const tick = Number(spec.tickSize) / 1e6;
    const step = Number(spec.stepSize) / 1e9;
    const price = Math.max(tick, Math.round((this.#price[m] * (1 + offsetBps / 10_000)) / tick) * tick);
    return { ...limit(sideOf, steps * step * 10, price), marketIndex: spec.marketIndex };
  }

  #bar(o: Extract<AccountOp, { kind: 'bar' }>): void {
    const open = this.#price[o.market];
    const close = Math.max(1, open * (1 + o.moveBps / 10_000));
    const wick = (Math.max(open, close) * o.wickBps) / 10_000;
    const low = Math.max(0.5, Math.min(open, close) - wick);
    this.#ex.onBar(
      OP_MARKETS[o.market].marketIndex,
      bar(this.#ts, open, Math.max(open, close) + wick, low, close),
      o.minutes * MINUTE,
    );
    this.#price[o.market] = close;
    this.#ts += o.minutes * MINUTE;
  }
}
