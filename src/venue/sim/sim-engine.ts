/**
 * The SimExchange's internals: market/subaccount state, order bookkeeping, fills, funding settlement and
 * liquidation. SimExchange (exchange.ts) adds the public API on top. Every change of a position goes through
 * `storePosition`, which settles a flat position's pnl into collateral and keeps holder lists and float
 * shadows in step.
 */

import type { Candle } from '../../data/types.ts';
import { feeFor } from '../../domain/fees.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import type { Order, Side, VenueEvent } from '../../domain/types.ts';
import { DEFAULT_DEPTH, type DepthModelParams } from './depth.ts';
import { newFundingClock } from './funding-clock.ts';
import {
  applyFill,
  isPositionEmpty,
  type PerpPositionState,
  settleFunding,
  settlePnl,
  trackOrderReduced,
} from './ledger.ts';
import {
  type LiquidationParams,
  liquidationCloseBase,
  liquidationDeficit,
  pickLiquidationTarget,
} from './liquidation.ts';
import {
  isLiquidatable,
  liquidationPrice,
  type MarginFigures,
  type MarginInputs,
  meetsMaintenanceWithBuffer,
} from './margin.ts';
import { liquidationPriceAt, type MarginPlan } from './margin-doubles.ts';
import { currentMemo, type MarginMemo, planOf } from './margin-memo.ts';
import { barPath, encounterDistance, type MakerFillRule, participationCap, quoteOf } from './matching.ts';
import { QueueModel, type QueueModelParams } from './queue-model.ts';
import {
  marginOf,
  refreshPrices,
  refreshResting,
  type SimMarket,
  type SimOrder,
  type SimSubaccount,
  syncHolder,
} from './state.ts';

export interface SavedSubaccount {
  collateral: bigint;
  positions: Map<number, PerpPositionState>;
  orders: SimOrder[];
  /** Each saved order's object as it was (a cancel replaces it, see SimOrder.order): restored as is. */
  orderStates: Order[];
  nextOrderId: number;
  events: number;
}

export class SimEngine {
  protected readonly byIndex: (SimMarket | undefined)[] = [];
  protected readonly bySymbol = new Map<string, SimMarket>();
  protected readonly subs: SimSubaccount[] = [];
  protected events: VenueEvent[] = [];
  protected seq = 0;
  /** Latest time the exchange has seen (epoch ms): bar ends and command times. */
  now = 0;
  protected readonly spreadNum: bigint;
  protected readonly makerFill: MakerFillRule;
  protected readonly participation: number;
  protected readonly liquidationParams: LiquidationParams;
  /** The queue model, when makerFill is 'queue'. */
  protected readonly queue: QueueModel | undefined;
  /** The depth model behind orderBook and place-and-take fills (depth.ts). */
  protected readonly depth: DepthModelParams;
  readonly #path: number[] = [0, 0, 0, 0];
  /**
   * Bumped on entry to each public mutator (SimExchange.generation): between two mutators the state is fixed,
   * so the public reads check the margin memo once per generation (SimReads).
   */
  protected generationCounter = 0;

  constructor(
    markets: MarketSpec[],
    spreadNum: bigint,
    makerFill: MakerFillRule,
    participation: number,
    liquidation: LiquidationParams,
    queue?: Partial<QueueModelParams>,
    depth: DepthModelParams = DEFAULT_DEPTH,
  ) {
    for (const spec of markets) {
      if (this.byIndex[spec.marketIndex])
        throw new Error(`SimExchange: market ${spec.marketIndex} given twice`);
      const m: SimMarket = {
        spec,
        markNum: Number.NaN,
        oracleNum: Number.NaN,
        freshOracleNum: Number.NaN,
        volumePerHour: Number.NaN,
        bookCache: undefined,
        pricesDirty: true,
        mark: 0n,
        oracle: 0n,
        bid: 0n,
        ask: 0n,
        restingBidNum: Number.NEGATIVE_INFINITY,
        restingAskNum: Number.POSITIVE_INFINITY,
        minMaxTs: Number.POSITIVE_INFINITY,
        resting: [],
        holders: [],
        funding: newFundingClock(spec.fundingPeriodSec),
        cumulative: { long: 0n, short: 0n },
        lastFundingRate: 0n,
      };
      this.byIndex[spec.marketIndex] = m;
      this.bySymbol.set(spec.symbol, m);
    }
    this.spreadNum = spreadNum;
    this.makerFill = makerFill;
    this.participation = participation;
    this.liquidationParams = liquidation;
    this.queue = makerFill === 'queue' ? new QueueModel(queue) : undefined;
    this.depth = depth;
  }

  protected sub(id: number): SimSubaccount {
    const s = this.subs[id];
    if (!s) throw new Error(`SimExchange: unknown subaccount ${id}`);
    return s;
  }

  protected readonly marketOf = (marketIndex: number): SimMarket => {
    const m = this.byIndex[marketIndex];
    if (!m) throw new Error(`SimExchange: unknown market ${marketIndex}`);
    return m;
  };

  protected readonly ensurePrices = (m: SimMarket): void => refreshPrices(m, this.spreadNum);

  /** `memo`: the subaccount's memo when the caller has made it current (SimReads does, once per generation). */
  protected figures(sub: SimSubaccount, memo = this.memoOf(sub)): MarginFigures {
    memo.figures ??= marginOf(sub, this.marketOf, this.ensurePrices, this.#planOf(sub, memo));
    return memo.figures;
  }

  /** Drift's liquidation price for one market (PRICE), undefined when there is none; memoised as figures. */
  protected liquidationPriceOf(
    sub: SimSubaccount,
    marketIndex: number,
    memo = this.memoOf(sub),
  ): bigint | undefined {
    if (memo.liquidationStamp[marketIndex] !== memo.stamp) {
      // the same integer in doubles where it is provably exact (almost always), else in BigInt
      const plan = this.#planOf(sub, memo);
      const fast = plan === undefined ? Number.NaN : liquidationPriceAt(plan, marketIndex);
      memo.liquidationPrices[marketIndex] = Number.isNaN(fast)
        ? liquidationPrice(this.marginInputs(sub), marketIndex)
        : fast < 0
          ? undefined
          : BigInt(fast);
      memo.liquidationStamp[marketIndex] = memo.stamp;
    }
    return memo.liquidationPrices[marketIndex];
  }

  /** The plan of the memo's account state (margin-doubles.ts): priced at each oracle, made once per state. */
  #planOf(sub: SimSubaccount, memo: MarginMemo): MarginPlan | undefined {
    return planOf(memo, sub.collateral, sub.positions, this.marketOf);
  }

  /** The subaccount's margin memo, made current for the state now. */
  protected memoOf(sub: SimSubaccount): MarginMemo {
    sub.marginMemo = currentMemo(sub.marginMemo, sub.collateral, sub.positions, this.marketOf);
    return sub.marginMemo;
  }

  protected marginInputs(sub: SimSubaccount): MarginInputs {
    return {
      collateral: sub.collateral,
      positions: [...sub.positions.values()],
      oraclePrice: this.#oraclePrice,
      market: this.#specOf,
      cumulativeFunding: this.#cumulativeOf,
    };
  }

  // made once: margin inputs are built for every liquidation price asked (each bar of each bot in a fleet)
  readonly #oraclePrice = (i: number): bigint => {
    const m = this.marketOf(i);
    this.ensurePrices(m);
    return m.oracle;
  };
  readonly #specOf = (i: number): MarketSpec => this.marketOf(i).spec;
  readonly #cumulativeOf = (i: number) => this.marketOf(i).cumulative;

  protected emit(e: VenueEvent): void {
    this.events.push(e);
  }

  protected save(sub: SimSubaccount): SavedSubaccount {
    return {
      collateral: sub.collateral,
      positions: new Map(sub.positions),
      orders: sub.orders.slice(),
      orderStates: sub.orders.map((o) => o.order),
      nextOrderId: sub.nextOrderId,
      events: this.events.length,
    };
  }

  /** Undoes everything since `save` (only cancels and placements happen in between, no fills). */
  protected restore(sub: SimSubaccount, s: SavedSubaccount): void {
    const touched = new Set<SimMarket>();
    for (const o of sub.orders) touched.add(o.market);
    for (let i = 0; i < s.orders.length; i++) {
      const o = s.orders[i];
      o.order = s.orderStates[i];
      touched.add(o.market);
    }
    for (const i of sub.positions.keys()) touched.add(this.marketOf(i));
    for (const i of s.positions.keys()) touched.add(this.marketOf(i));
    sub.collateral = s.collateral;
    sub.positions = s.positions;
    sub.orders = s.orders;
    sub.nextOrderId = s.nextOrderId;
    this.events.length = s.events;
    for (const m of touched) {
      const rest = m.resting.filter((o) => o.sub !== sub);
      for (const o of s.orders) {
        if (o.market === m && o.order.orderType === 'limit' && !o.order.ioc) rest.push(o);
      }
      rest.sort((a, b) => a.seq - b.seq);
      m.resting = rest;
      refreshResting(m);
      this.touched(sub, m);
    }
  }

  protected touched(sub: SimSubaccount, m: SimMarket): void {
    syncHolder(m, sub);
    sub.shadowDirty = true;
  }

  /** Stores a position; a flat one has its quote (realized pnl, fees, funding) settled into collateral. */
  protected storePosition(sub: SimSubaccount, m: SimMarket, pos: PerpPositionState): void {
    if (pos.base === 0n && pos.quoteAsset !== 0n) {
      const s = settlePnl(sub.collateral, pos, 0n);
      sub.collateral = s.collateral;
      pos = s.pos;
    }
    if (isPositionEmpty(pos)) sub.positions.delete(pos.marketIndex);
    else sub.positions.set(pos.marketIndex, pos);
    this.touched(sub, m);
  }

  protected cancelOrder(so: SimOrder, ts: number, status: 'cancelled' | 'expired', reason: string): void {
    const { sub, market: m, order } = so;
    this.#removeOrder(so);
    so.order = { ...order, status };
    const pos = sub.positions.get(order.marketIndex);
    if (pos)
      this.storePosition(sub, m, trackOrderReduced(pos, order.side, order.base - order.filledBase, true));
    this.emit({
      type: 'cancelled',
      ts,
      subaccountId: sub.id,
      orderId: order.orderId,
      userOrderId: order.userOrderId,
      reason,
    });
  }

  #removeOrder(so: SimOrder): void {
    const i = so.sub.orders.indexOf(so);
    if (i >= 0) so.sub.orders.splice(i, 1);
    const j = so.market.resting.indexOf(so);
    if (j >= 0) {
      so.market.resting.splice(j, 1);
      refreshResting(so.market);
    }
  }

  protected expireSubOrders(sub: SimSubaccount, ts: number): void {
    for (let i = sub.orders.length - 1; i >= 0; i--) {
      const o = sub.orders[i];
      const t = o.order.maxTs;
      if (t !== undefined && t !== 0 && t <= ts) this.cancelOrder(o, ts, 'expired', 'expired');
    }
  }

  /** Expires resting orders with maxTs < ts (before the bar's fills) or ≤ ts (after them). */
  protected expireMarket(m: SimMarket, ts: number, inclusive: boolean): void {
    for (let i = m.resting.length - 1; i >= 0; i--) {
      const o = m.resting[i];
      const t = o.order.maxTs;
      if (t !== undefined && t !== 0 && (inclusive ? t <= ts : t < ts))
        this.cancelOrder(o, ts, 'expired', 'expired');
    }
  }

  /**
   * How much of the order may fill now: its remainder, capped for reduce-only orders at the size that closes
   * the position. A reduce-only order that can no longer reduce is cancelled (Drift:
   * ReduceOnlyOrderIncreasedPosition) and 0 is returned.
   */
  protected fillableBase(so: SimOrder, ts: number): bigint {
    const { order } = so;
    const remaining = order.base - order.filledBase;
    if (!order.reduceOnly) return remaining;
    const pos = so.sub.positions.get(order.marketIndex)?.base ?? 0n;
    const room = order.side === 'buy' ? -pos : pos;
    if (room <= 0n) {
      this.cancelOrder(so, ts, 'cancelled', 'reduceOnlyWouldIncrease');
      return 0n;
    }
    return room < remaining ? room : remaining;
  }

  /** Books one fill of an order: fee, ledger, open-order bookkeeping, events. */
  protected fill(so: SimOrder, base: bigint, price: bigint, maker: boolean, ts: number): void {
    const { sub, market: m } = so;
    const quote = quoteOf(base, price);
    const fee = feeFor(quote, maker ? m.spec.makerFeeBps : m.spec.takerFeeBps);
    const filledBase = so.order.filledBase + base;
    const remaining = so.order.base - filledBase;
    const done = remaining === 0n;
    const order: Order = { ...so.order, filledBase, status: done ? 'filled' : so.order.status };
    so.order = order;
    let pos = sub.positions.get(order.marketIndex) as PerpPositionState;
    pos = trackOrderReduced(pos, order.side, base, done);
    const r = applyFill(pos, { side: order.side, base, quote, fee }, m.cumulative);
    this.#emitFunding(sub, m, pos.base, r.fundingPayment, ts);
    this.storePosition(sub, m, r.pos);
    if (done) this.#removeOrder(so);
    this.emit({
      type: 'filled',
      ts,
      subaccountId: sub.id,
      fill: {
        ts,
        marketIndex: order.marketIndex,
        orderId: order.orderId,
        userOrderId: order.userOrderId,
        side: order.side,
        price,
        base,
        quote,
        fee,
        maker,
        reduceOnly: order.reduceOnly,
      },
      remainingBase: remaining,
    });
  }

  #emitFunding(sub: SimSubaccount, m: SimMarket, base: bigint, amount: bigint, ts: number): void {
    if (amount === 0n) return;
    const rate = m.lastFundingRate;
    const payment = { ts, marketIndex: m.spec.marketIndex, base, rate, amount };
    this.emit({ type: 'funding', ts, subaccountId: sub.id, payment });
  }

  /** Maker fills of one bar, in the order the intra-bar path reaches the resting orders. */
  protected matchBar(m: SimMarket, c: Candle, ts: number): void {
    const path = barPath(c.open, c.high, c.low, c.close, this.#path);
    const hits: { so: SimOrder; at: number }[] = [];
    for (const so of m.resting) {
      const at = encounterDistance(path, so.order.side, so.priceNum, this.makerFill);
      if (at >= 0) hits.push({ so, at });
    }
    hits.sort((a, b) => a.at - b.at || a.so.seq - b.so.seq);
    let capLeft = participationCap(c.volume, this.participation, m.spec.stepSize);
    for (const { so } of hits) {
      if (so.order.status !== 'open') continue;
      let base = this.fillableBase(so, ts);
      if (base === 0n) continue;
      if (this.queue) {
        const o = so.order;
        const allowed = this.queue.allowance(
          so,
          o.marketIndex,
          o.side,
          so.priceNum,
          path,
          c.volume,
          m.spec.stepSize,
        );
        if (allowed < base) base = allowed;
        if (base === 0n) continue;
      }
      if (capLeft !== undefined) {
        if (capLeft === 0n) break;
        if (base > capLeft) base = capLeft;
        capLeft -= base;
      }
      this.fill(so, base, so.order.price, true, ts);
    }
  }

  /** Adds one period's rate to the market's cumulative funding and settles every open position. */
  protected applyFunding(m: SimMarket, rate: bigint, ts: number): void {
    m.cumulative = { long: m.cumulative.long + rate, short: m.cumulative.short + rate };
    m.lastFundingRate = rate;
    for (const sub of m.holders.slice()) {
      const pos = sub.positions.get(m.spec.marketIndex);
      if (!pos || pos.base === 0n) continue;
      const r = settleFunding(pos, m.cumulative.long, m.cumulative.short);
      this.#emitFunding(sub, m, pos.base, r.payment, ts);
      this.storePosition(sub, m, r.pos);
    }
  }

  /**
   * Cancels all the subaccount's orders, then closes positions at the oracle (largest notional first), each
   * just enough to clear maintenance + buffer, with the liquidation fee. Emits one `liquidated` per close.
   */
  /**
   * Drift's validate_user_not_being_liquidated (controller/orders.rs, before placing): an account flagged by a
   * liquidation leaves that status once its total collateral clears maintenance plus the liquidation buffer;
   * until then its new orders are refused. Returns the refusal's detail, or undefined when it may trade.
   */
  protected liquidationLock(sub: SimSubaccount): string | undefined {
    if (!sub.beingLiquidated) return undefined;
    if (meetsMaintenanceWithBuffer(this.marginInputs(sub), this.liquidationParams.bufferBps)) {
      sub.beingLiquidated = false;
      return undefined;
    }
    return 'the account is being liquidated: below maintenance + the liquidation buffer';
  }

  protected liquidate(sub: SimSubaccount, ts: number): void {
    for (const o of sub.orders.slice()) this.cancelOrder(o, ts, 'cancelled', 'liquidation');
    let f = this.figures(sub);
    if (!isLiquidatable(f)) return;
    sub.beingLiquidated = true;
    const tries = new Map<number, number>();
    for (let guard = 0; guard < 64; guard++) {
      const deficit = liquidationDeficit(
        f.totalCollateral,
        f.maintenanceMarginRequirement,
        f.totalNotional,
        this.liquidationParams,
      );
      if (deficit <= 0n) return;
      const target = pickLiquidationTarget(sub.positions.values(), (i) => {
        const m = this.marketOf(i);
        this.ensurePrices(m);
        return m.oracle;
      });
      if (!target) return;
      const m = this.marketOf(target.marketIndex);
      const n = (tries.get(target.marketIndex) ?? 0) + 1;
      tries.set(target.marketIndex, n);
      const size = target.base < 0n ? -target.base : target.base;
      // Rounding can leave a sliver of deficit; the third pass on one position closes it all.
      const base =
        n >= 3 ? size : liquidationCloseBase(target, m.spec, m.oracle, deficit, this.liquidationParams);
      const side: Side = target.base > 0n ? 'sell' : 'buy';
      const quote = quoteOf(base, m.oracle);
      const fee = feeFor(quote, this.liquidationParams.feeBps);
      const r = applyFill(target, { side, base, quote, fee }, m.cumulative);
      this.#emitFunding(sub, m, target.base, r.fundingPayment, ts);
      this.storePosition(sub, m, r.pos);
      this.emit({
        type: 'liquidated',
        ts,
        subaccountId: sub.id,
        marketIndex: target.marketIndex,
        base: side === 'sell' ? -base : base,
        price: m.oracle,
        fee,
      });
      f = this.figures(sub);
    }
  }
}
