/**
 * The simulator's order commands (SimExchange.execute): place, cancel, modify, cancel-and-place and
 * place-and-take, each all or nothing as Drift's transaction is, with Drift's placement checks (orders.ts), the
 * initial-margin check and the taker fills of orders that cross. SimExchange (exchange.ts) adds the accounts,
 * the market input and funding on top.
 */

import { feeNumerator } from '../../domain/fees.ts';
import { roundPriceToTick } from '../../domain/rounding.ts';
import type { Order, OrderCommand, OrderParams, RejectReason } from '../../domain/types.ts';
import type { CommandResult } from '../port.ts';
import { noteChange } from './account-stamp.ts';
import { DEFAULT_DEPTH } from './depth.ts';
import type { SimExchangeOptions } from './exchange.ts';
import { emptyPosition, type PerpPositionState, trackOrderPlaced } from './ledger.ts';
import { DEFAULT_LIQUIDATION } from './liquidation.ts';
import { checkPlacement, isRiskIncreasing, MAX_OPEN_ORDERS, type PlacementDecision } from './orders.ts';
import type { SavedSubaccount } from './sim-core.ts';
import { SimReads } from './sim-reads.ts';
import {
  clearlySolvent,
  refreshResting,
  type SimMarket,
  type SimOrder,
  type SimSubaccount,
} from './state.ts';

/** What placing one order came to: placed (and whether it crosses), skipped (TRY_POST_ONLY) or refused. */
type PlaceOutcome =
  | { kind: 'placed'; so: SimOrder; crosses: boolean }
  | { kind: 'skipped' }
  | { kind: 'reject'; reason: RejectReason; detail: string };

/** One placed order's takes from the modelled book, planned before any is booked (#placeAndTake). */
interface TakePlan {
  so: SimOrder;
  takes: { price: bigint; base: bigint }[];
  got: bigint;
}

export class SimOrderCommands extends SimReads {
  readonly #alignment: 'reject' | 'standardize';
  readonly #maxOpenOrders: number;

  constructor(options: SimExchangeOptions) {
    super(
      options.markets,
      feeNumerator(options.spreadBps ?? 0),
      options.makerFill ?? 'tradeThrough',
      options.participation ?? 0,
      { ...DEFAULT_LIQUIDATION, ...options.liquidation },
      options.queue,
      { ...DEFAULT_DEPTH, ...options.depth },
    );
    this.#alignment = options.alignment ?? 'reject';
    this.#maxOpenOrders = options.maxOpenOrders ?? MAX_OPEN_ORDERS;
  }

  /** Applies commands in order at time `ts` (epoch ms); one result per command. */
  execute(subaccountId: number, commands: readonly OrderCommand[], ts: number): CommandResult[] {
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    if (ts > this.now) this.now = ts;
    this.expireSubOrders(sub, ts);
    const out: CommandResult[] = [];
    for (const c of commands) out.push(this.#apply(sub, c, ts));
    return out;
  }

  #apply(sub: SimSubaccount, c: OrderCommand, ts: number): CommandResult {
    switch (c.kind) {
      case 'place':
        return this.#batch(sub, c, [], c.order ? [c.order] : [], ts);
      case 'cancel': {
        const o = sub.orders.find((x) => x.order.orderId === c.orderId);
        if (!o)
          return { ok: false, command: c, reason: 'OrderNotFound', detail: `no open order ${c.orderId}` };
        this.cancelOrder(o, ts, 'cancelled', 'cancelled');
        return { ok: true, command: c, orderIds: [c.orderId] };
      }
      case 'cancelByUserOrderId': {
        const o =
          c.userOrderId > 0 ? sub.orders.find((x) => x.order.userOrderId === c.userOrderId) : undefined;
        if (!o) {
          return {
            ok: false,
            command: c,
            reason: 'OrderNotFound',
            detail: `no open userOrderId ${c.userOrderId}`,
          };
        }
        this.cancelOrder(o, ts, 'cancelled', 'cancelled');
        return { ok: true, command: c, orderIds: [o.order.orderId] };
      }
      case 'cancelAll': {
        const ids: number[] = [];
        for (const o of sub.orders.slice()) {
          if (c.marketIndex !== undefined && o.order.marketIndex !== c.marketIndex) continue;
          ids.push(o.order.orderId);
          this.cancelOrder(o, ts, 'cancelled', 'cancelled');
        }
        return { ok: true, command: c, orderIds: ids };
      }
      case 'cancelAndPlace':
        return this.#batch(sub, c, c.cancelOrderIds, c.place, ts);
      case 'modify': {
        const o = sub.orders.find((x) => x.order.orderId === c.orderId);
        if (!o)
          return { ok: false, command: c, reason: 'OrderNotFound', detail: `no open order ${c.orderId}` };
        const { orderId: _id, filledBase, status: _s, placedTs: _t, ...params } = o.order;
        const next: OrderParams = {
          ...params,
          price: c.price ?? params.price,
          base: c.base ?? params.base - filledBase,
        };
        return this.#batch(sub, c, [c.orderId], [next], ts);
      }
      case 'placeAndTake':
        return this.#placeAndTake(sub, c, ts);
      default:
        return { ok: false, command: c, reason: 'InvalidOrder', detail: 'unknown command kind' };
    }
  }

  /**
   * Cancels then places, all or nothing (Drift's cancelAndPlaceOrders / modifyOrder run in one transaction).
   * Cancel ids that are no longer open are skipped, as Drift's cancel-by-ids does (the order may just have
   * filled). Orders that cross fill as takers only after every placement succeeded.
   */
  #batch(
    sub: SimSubaccount,
    command: OrderCommand,
    cancelIds: readonly number[],
    places: readonly OrderParams[],
    ts: number,
  ): CommandResult {
    const atomic = cancelIds.length > 0 || places.length > 1;
    const saved = atomic ? this.save(sub) : undefined;
    for (const id of cancelIds) {
      const o = sub.orders.find((x) => x.order.orderId === id);
      if (o) this.cancelOrder(o, ts, 'cancelled', command.kind === 'modify' ? 'modified' : 'cancelled');
    }
    const placed: { so: SimOrder; crosses: boolean }[] = [];
    for (const p of places) {
      const r = this.#placeOne(sub, p, ts);
      if (r.kind === 'reject') return this.#refuse(sub, command, saved, [p], r.reason, r.detail, ts);
      if (r.kind === 'placed') placed.push(r);
    }
    for (const { so, crosses } of placed) this.#afterPlace(so, crosses, ts);
    return { ok: true, command, orderIds: placed.map((p) => p.so.order.orderId) };
  }

  #placeOne(sub: SimSubaccount, p: OrderParams, ts: number): PlaceOutcome {
    const m = this.byIndex[p.marketIndex];
    if (!m) return { kind: 'reject', reason: 'InvalidOrder', detail: `unknown market ${p.marketIndex}` };
    const locked = this.liquidationLock(sub);
    if (locked) return { kind: 'reject', reason: 'BeingLiquidated', detail: locked };
    const priced = !Number.isNaN(m.markNum);
    if (priced) this.ensurePrices(m);
    // A floating order's limit is the oracle plus its offset, on the tick (Drift's oracle orders).
    if (p.oracleOffset !== undefined) {
      if (!priced) return { kind: 'reject', reason: 'MarketPaused', detail: 'no oracle price yet' };
      p = { ...p, price: roundPriceToTick(m.oracle + p.oracleOffset, m.spec.tickSize, p.side) };
    }
    const prev = sub.positions.get(p.marketIndex);
    const d = this.#checkPlacement(sub, m, p, prev, priced, ts);
    if (d.kind === 'reject') return d;
    const orderId = sub.nextOrderId++;
    if (d.kind === 'skip') {
      // Drift consumes the order id before it finds the TRY_POST_ONLY order would cross.
      this.emit({
        type: 'cancelled',
        ts,
        subaccountId: sub.id,
        orderId,
        userOrderId: p.userOrderId,
        reason: 'postOnlyWouldCross',
      });
      return { kind: 'skipped' };
    }

    const refused = this.#trackPlacedOrder(sub, m, p, prev, d.base);
    if (refused) return refused;
    return this.#openOrder(sub, m, p, d, orderId, ts);
  }

  /** Drift's placement rules (orders.ts) for `p` against what the venue knows now. */
  #checkPlacement(
    sub: SimSubaccount,
    m: SimMarket,
    p: OrderParams,
    prev: PerpPositionState | undefined,
    priced: boolean,
    ts: number,
  ): PlacementDecision {
    return checkPlacement(p, {
      spec: m.spec,
      openOrderCount: sub.orders.length,
      userOrderIdInUse: p.userOrderId > 0 && sub.orders.some((o) => o.order.userOrderId === p.userOrderId),
      positionBase: prev?.base ?? 0n,
      usedPositionSlots: sub.positions.size,
      hasPositionSlot: prev !== undefined,
      bestBid: priced ? m.bid : undefined,
      bestAsk: priced ? m.ask : undefined,
      now: ts,
      maxOpenOrders: this.#maxOpenOrders,
      alignment: this.#alignment,
    });
  }

  /**
   * Counts the order in its position's open bids/asks. When the order raises risk and the account no longer
   * meets its initial margin, undoes that (and the order id taken) and returns the refusal.
   */
  #trackPlacedOrder(
    sub: SimSubaccount,
    m: SimMarket,
    p: OrderParams,
    prev: PerpPositionState | undefined,
    base: bigint,
  ): Extract<PlaceOutcome, { kind: 'reject' }> | undefined {
    const pos = prev ?? emptyPosition(p.marketIndex, 0n);
    const risky = isRiskIncreasing(p.side, base, pos.base, pos.openBids, pos.openAsks, p.reduceOnly);
    this.storePosition(sub, m, trackOrderPlaced(pos, p.side, base));
    if (risky && !clearlySolvent(sub, this.marketOf, 'initial')) {
      const f = this.figures(sub);
      if (f.initialTotalCollateral < f.initialMarginRequirement) {
        if (prev) sub.positions.set(p.marketIndex, prev);
        else sub.positions.delete(p.marketIndex);
        this.touched(sub, m);
        sub.nextOrderId--;
        const detail = `initial margin ${f.initialMarginRequirement} > collateral ${f.initialTotalCollateral}`;
        return { kind: 'reject', reason: 'InsufficientCollateral', detail };
      }
    }
    return undefined;
  }

  /** The accepted order, opened: on the subaccount, resting in the market unless it crosses or is taker-only. */
  #openOrder(
    sub: SimSubaccount,
    m: SimMarket,
    p: OrderParams,
    d: Extract<PlacementDecision, { kind: 'accept' }>,
    orderId: number,
    ts: number,
  ): PlaceOutcome {
    const order: Order = {
      ...p,
      base: d.base,
      price: d.price,
      orderId,
      filledBase: 0n,
      status: 'open',
      placedTs: ts,
    };
    const so: SimOrder = { order, sub, market: m, priceNum: Number(d.price) / 1e6, seq: this.seq++ };
    sub.orders.push(so);
    noteChange(sub);
    const rests = !d.crosses && p.orderType === 'limit' && !p.ioc;
    if (rests) {
      m.resting.push(so);
      refreshResting(m);
    }
    // the order itself: orders are values (a fill, cancel or reprice makes a new object), as accountView hands out
    this.emit({ type: 'accepted', ts, subaccountId: sub.id, order });
    return { kind: 'placed', so, crosses: d.crosses };
  }

  /**
   * Places every order, then takes from the modelled book (depth.ts) within each order's price, in one step
   * (Drift: one transaction of placeAndTakePerpOrder instructions). A rejected placement undoes the whole command,
   * as cancelAndPlace. With requireFullFill an order the book cannot fill in full (depth within its price; a
   * reduce-only order capped at the position) undoes everything too: Drift's FullFill success condition fails
   * the transaction. Otherwise each order takes what the book gives; market and IOC leftovers are cancelled.
   */
  #placeAndTake(
    sub: SimSubaccount,
    command: Extract<OrderCommand, { kind: 'placeAndTake' }>,
    ts: number,
  ): CommandResult {
    const saved = this.save(sub);
    const placed: SimOrder[] = [];
    for (const p of command.orders) {
      const r = this.#placeOne(sub, p, ts);
      if (r.kind === 'reject') return this.#refuse(sub, command, saved, [p], r.reason, r.detail, ts);
      if (r.kind === 'placed') placed.push(r.so);
    }
    // Plan every take before booking any, so a failed full-fill condition can still undo the placements.
    const plans = this.#planTakes(sub, placed);
    if (command.requireFullFill) {
      const refused = this.#refuseShortFills(sub, command, saved, plans, ts);
      if (refused) return refused;
    }
    for (const { so, takes } of plans) {
      for (const t of takes) this.fill(so, t.base, t.price, false, ts);
      if (so.order.status === 'open' && (so.order.orderType === 'market' || so.order.ioc)) {
        this.cancelOrder(so, ts, 'cancelled', so.order.orderType === 'market' ? 'marketUnfilled' : 'ioc');
      }
    }
    return { ok: true, command, orderIds: placed.map((so) => so.order.orderId) };
  }

  /** Each placed order's takes from the modelled book within its price (reduce-only capped at the position). */
  #planTakes(sub: SimSubaccount, placed: SimOrder[]): TakePlan[] {
    const moved = new Map<number, bigint>();
    return placed.map((so) => {
      const { order } = so;
      let want = order.base - order.filledBase;
      if (order.reduceOnly) {
        const pos = (sub.positions.get(order.marketIndex)?.base ?? 0n) + (moved.get(order.marketIndex) ?? 0n);
        const room = order.side === 'buy' ? -pos : pos;
        want = room <= 0n ? 0n : room < want ? room : want;
      }
      const book = this.orderBook(order.marketIndex);
      const takes: { price: bigint; base: bigint }[] = [];
      let got = 0n;
      for (const l of (order.side === 'buy' ? book?.asks : book?.bids) ?? []) {
        if (got >= want) break;
        if (order.price > 0n && (order.side === 'buy' ? l.price > order.price : l.price < order.price)) break;
        const base = want - got < l.base ? want - got : l.base;
        takes.push({ price: l.price, base });
        got += base;
      }
      const delta = order.side === 'buy' ? got : -got;
      moved.set(order.marketIndex, (moved.get(order.marketIndex) ?? 0n) + delta);
      return { so, takes, got };
    });
  }

  /** With requireFullFill: undoes the whole command when an order would not fill in full, else undefined. */
  #refuseShortFills(
    sub: SimSubaccount,
    command: Extract<OrderCommand, { kind: 'placeAndTake' }>,
    saved: SavedSubaccount,
    plans: TakePlan[],
    ts: number,
  ): CommandResult | undefined {
    const short = plans.filter((p) => p.got < p.so.order.base);
    if (short.length === 0) return undefined;
    const detail = short
      .map((p) => `${p.so.market.spec.symbol} ${p.got} of ${p.so.order.base} within ${p.so.order.price}`)
      .join('; ');
    return this.#refuse(
      sub,
      command,
      saved,
      command.orders,
      'PlaceAndTakeOrderSuccessConditionFailed',
      `no full fill: ${detail}`,
      ts,
    );
  }

  /**
   * A refused command: the account put back as it was saved (an all-or-nothing command saves it first), each of
   * `orders` reported rejected for `reason`, and the command's failed result.
   */
  #refuse(
    sub: SimSubaccount,
    command: OrderCommand,
    saved: SavedSubaccount | undefined,
    orders: readonly OrderParams[],
    reason: RejectReason,
    detail: string,
    ts: number,
  ): CommandResult {
    if (saved) this.restore(sub, saved);
    for (const order of orders)
      this.emit({ type: 'rejected', ts, subaccountId: sub.id, order, reason, detail });
    return { ok: false, command, reason, detail };
  }

  /** Crossing orders take at the venue's bid/ask; market and IOC leftovers are cancelled. */
  #afterPlace(so: SimOrder, crosses: boolean, ts: number): void {
    if (crosses) {
      const m = so.market;
      this.ensurePrices(m);
      const price = so.order.side === 'buy' ? m.ask : m.bid;
      const base = this.fillableBase(so, ts);
      if (base > 0n) this.fill(so, base, price, false, ts);
    }
    if (so.order.status === 'open' && (so.order.orderType === 'market' || so.order.ioc)) {
      this.cancelOrder(so, ts, 'cancelled', so.order.orderType === 'market' ? 'marketUnfilled' : 'ioc');
    }
  }
}
