/**
 * SimExchange: the synchronous, Drift-faithful simulated venue the backtest hot loop drives directly
 * (SimVenue wraps it in the async VenuePort). Rules, fill model, funding and liquidation: docs/sim-venue.md.
 *
 * Hot-path discipline: `onBar` touches only floats unless the bar can reach a resting order (cached best
 * resting bid/ask), an order expires, funding settles, or an account is near liquidation (float pre-filter).
 */
import type { Candle, FundingRecord } from '../../data/types.ts';
import { feeNumerator } from '../../domain/fees.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import { roundPriceToTick } from '../../domain/rounding.ts';
import type { Order, OrderCommand, OrderParams, RejectReason } from '../../domain/types.ts';
import type { CommandResult, WithdrawResult } from '../port.ts';
import { DEFAULT_DEPTH, type DepthModelParams, nextVolumePerHour } from './depth.ts';
import { accumulate, fundingRate, nextBoundary, replayedRate, takeTwaps } from './funding-clock.ts';
import { emptyPosition, settleFunding, settlePnl as settleLedgerPnl, trackOrderPlaced } from './ledger.ts';
import { DEFAULT_LIQUIDATION, type LiquidationParams } from './liquidation.ts';
import { isLiquidatable } from './margin.ts';
import { barReaches, type MakerFillRule } from './matching.ts';
import { checkPlacement, isRiskIncreasing, MAX_OPEN_ORDERS } from './orders.ts';
import type { QueueModelParams } from './queue-model.ts';
import { SimReads } from './sim-reads.ts';
import {
  clearlySolvent,
  refreshResting,
  type SimMarket,
  type SimOrder,
  type SimSubaccount,
} from './state.ts';

export type FundingMode = 'formula' | 'replay' | 'off';

export interface SimExchangeOptions {
  markets: MarketSpec[];
  /** Full bid/ask spread around the mark, bps (default 0: bid = ask = mark on the tick grid). */
  spreadBps?: number;
  /** 'formula' (default): Drift's hourly formula from bar TWAPs; 'replay': only applyFundingRecord; 'off'. */
  fundingMode?: FundingMode;
  /** When a resting order fills: 'tradeThrough' (default, price strictly beyond it), 'touch' or 'queue'. */
  makerFill?: MakerFillRule;
  /** The 'queue' fill model's assumption (queue-model.ts). */
  queue?: Partial<QueueModelParams>;
  /** Fraction of a bar's base volume all resting orders of a market may take (default 0 = no cap). */
  participation?: number;
  liquidation?: Partial<LiquidationParams>;
  /** Off-step sizes / off-tick prices: 'reject' (default) or 'standardize' (round as Drift's program does). */
  alignment?: 'reject' | 'standardize';
  maxOpenOrders?: number;
  /** The depth model (orderBook, place-and-take fills); see depth.ts. */
  depth?: Partial<DepthModelParams>;
}

export class SimExchange extends SimReads {
  readonly #fundingMode: FundingMode;
  readonly #alignment: 'reject' | 'standardize';
  readonly #maxOpenOrders: number;
  readonly #oraclePath: number[] = [0, 0, 0, 0];

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
    this.#fundingMode = options.fundingMode ?? 'formula';
    this.#alignment = options.alignment ?? 'reject';
    this.#maxOpenOrders = options.maxOpenOrders ?? MAX_OPEN_ORDERS;
  }

  /**
   * Changes whenever the exchange's state may have changed (every command, bar, funding record, deposit…): a
   * reader that saw an account at one generation may reuse it while the generation is the same. Bumped on entry
   * to each public mutator, whether or not anything actually changed; reads never bump it.
   */
  get generation(): number {
    return this.generationCounter;
  }

  /** For subclasses that change state outside the public mutators (a restored snapshot). */
  protected moved(): void {
    this.generationCounter++;
  }

  createSubaccount(name: string): number {
    this.generationCounter++;
    const id = this.subs.length;
    this.subs.push({
      id,
      name,
      collateral: 0n,
      positions: new Map(),
      orders: [],
      nextOrderId: 1,
      shadowDirty: true,
      shadow: [],
      collateralNum: 0,
    });
    return id;
  }

  deposit(subaccountId: number, amount: bigint): void {
    if (amount <= 0n) throw new RangeError(`deposit must be positive, got ${amount}`);
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    sub.collateral += amount;
    sub.shadowDirty = true;
  }

  /** No USDC borrowing: at most the USDC balance, and the account must still meet its initial margin. */
  withdraw(subaccountId: number, amount: bigint): WithdrawResult {
    if (amount <= 0n) return { ok: false, reason: 'InvalidOrder', detail: 'withdrawal must be positive' };
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    if (amount > sub.collateral) {
      return { ok: false, reason: 'InsufficientCollateral', detail: `balance is ${sub.collateral}` };
    }
    sub.collateral -= amount;
    sub.shadowDirty = true;
    const f = this.figures(sub);
    if (sub.positions.size > 0 && f.initialTotalCollateral < f.initialMarginRequirement) {
      sub.collateral += amount;
      sub.shadowDirty = true;
      return {
        ok: false,
        reason: 'InsufficientCollateral',
        detail: 'would break the initial margin requirement',
      };
    }
    return { ok: true };
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
      if (r.kind === 'reject') {
        if (saved) this.restore(sub, saved);
        this.emit({
          type: 'rejected',
          ts,
          subaccountId: sub.id,
          order: p,
          reason: r.reason,
          detail: r.detail,
        });
        return { ok: false, command, reason: r.reason, detail: r.detail };
      }
      if (r.kind === 'placed') placed.push(r);
    }
    for (const { so, crosses } of placed) this.#afterPlace(so, crosses, ts);
    return { ok: true, command, orderIds: placed.map((p) => p.so.order.orderId) };
  }

  #placeOne(
    sub: SimSubaccount,
    p: OrderParams,
    ts: number,
  ):
    | { kind: 'placed'; so: SimOrder; crosses: boolean }
    | { kind: 'skipped' }
    | { kind: 'reject'; reason: RejectReason; detail: string } {
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
    const d = checkPlacement(p, {
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

    const pos = prev ?? emptyPosition(p.marketIndex, 0n);
    const risky = isRiskIncreasing(p.side, d.base, pos.base, pos.openBids, pos.openAsks, p.reduceOnly);
    this.storePosition(sub, m, trackOrderPlaced(pos, p.side, d.base));
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
      if (r.kind === 'reject') {
        this.restore(sub, saved);
        this.emit({
          type: 'rejected',
          ts,
          subaccountId: sub.id,
          order: p,
          reason: r.reason,
          detail: r.detail,
        });
        return { ok: false, command, reason: r.reason, detail: r.detail };
      }
      if (r.kind === 'placed') placed.push(r.so);
    }
    // Plan every take before booking any, so a failed full-fill condition can still undo the placements.
    const moved = new Map<number, bigint>();
    const plans = placed.map((so) => {
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
    if (command.requireFullFill) {
      const short = plans.filter((p) => p.got < p.so.order.base);
      if (short.length > 0) {
        this.restore(sub, saved);
        const detail = short
          .map((p) => `${p.so.market.spec.symbol} ${p.got} of ${p.so.order.base} within ${p.so.order.price}`)
          .join('; ');
        for (const p of command.orders) {
          this.emit({
            type: 'rejected',
            ts,
            subaccountId: sub.id,
            order: p,
            reason: 'PlaceAndTakeOrderSuccessConditionFailed',
            detail: `no full fill: ${detail}`,
          });
        }
        return {
          ok: false,
          command,
          reason: 'PlaceAndTakeOrderSuccessConditionFailed',
          detail: `no full fill: ${detail}`,
        };
      }
    }
    for (const { so, takes } of plans) {
      for (const t of takes) this.fill(so, t.base, t.price, false, ts);
      if (so.order.status === 'open' && (so.order.orderType === 'market' || so.order.ioc)) {
        this.cancelOrder(so, ts, 'cancelled', so.order.orderType === 'market' ? 'marketUnfilled' : 'ioc');
      }
    }
    return { ok: true, command, orderIds: placed.map((so) => so.order.orderId) };
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

  /**
   * One bar of one market: mark/oracle update, expiries, maker fills along the intra-bar path, funding when a
   * period boundary passes, liquidation checks at the bar's oracle extremes and close.
   */
  onBar(market: string | number, candle: Candle, intervalMs: number): void {
    this.generationCounter++;
    const m = typeof market === 'number' ? this.byIndex[market] : this.bySymbol.get(market);
    if (!m) throw new Error(`SimExchange: unknown market ${JSON.stringify(market)}`);
    const end = candle.ts + intervalMs;
    if (end > this.now) this.now = end;

    // An observed oracle is used as given; a bar whose oracle was not observed (an export gap) and a source
    // without oracle fields take the bar's own price as the estimate (data/README.md).
    const observed = candle.oracleClose !== undefined && !candle.oracleStale;
    let oracle: number;
    if (observed) oracle = m.freshOracleNum = candle.oracleClose as number;
    else oracle = candle.close;
    // Floating orders rest during this bar at the oracle it opened with (the last one known): no look-ahead.
    if (!Number.isNaN(m.oracleNum)) this.#repriceFloating(m);
    m.markNum = candle.close;
    m.oracleNum = oracle;
    m.pricesDirty = true;
    m.volumePerHour = nextVolumePerHour(m.volumePerHour, candle.volume, intervalMs, this.depth);
    m.bookCache = undefined;

    const clock = m.funding;
    if (this.#fundingMode === 'formula') {
      if (Number.isNaN(clock.nextTs)) clock.nextTs = nextBoundary(candle.ts, clock.periodMs);
      accumulate(clock, candle.close, oracle, intervalMs);
    }

    if (m.minMaxTs < end) this.expireMarket(m, end, false);
    this.queue?.observe(m.spec.marketIndex, candle.volume);
    if (
      barReaches('buy', m.restingBidNum, candle.low, candle.high, this.makerFill) ||
      barReaches('sell', m.restingAskNum, candle.low, candle.high, this.makerFill)
    ) {
      this.matchBar(m, candle, end);
    }
    if (m.minMaxTs <= end) this.expireMarket(m, end, true);

    if (this.#fundingMode === 'formula' && end >= clock.nextTs) {
      const twaps = takeTwaps(clock);
      if (twaps) this.applyFunding(m, fundingRate(twaps, m.spec.contractTier, m.spec.fundingPeriodSec), end);
      clock.nextTs = nextBoundary(end, clock.periodMs);
    }

    if (m.holders.length > 0) this.#checkLiquidations(m, candle, oracle, observed, end);
  }

  /** Moves every resting floating order of a market to the current oracle plus its offset. */
  #repriceFloating(m: SimMarket): void {
    let moved = false;
    for (const so of m.resting) {
      const offset = so.order.oracleOffset;
      if (offset === undefined) continue;
      this.ensurePrices(m);
      const price = roundPriceToTick(m.oracle + offset, m.spec.tickSize, so.order.side);
      if (price === so.order.price) continue;
      so.order = { ...so.order, price };
      so.priceNum = Number(price) / 1e6;
      moved = true;
    }
    if (moved) refreshResting(m);
  }

  /** Liquidation is checked at the bar's oracle extremes (path order) and at its close. */
  #checkLiquidations(m: SimMarket, candle: Candle, oracle: number, freshOhlc: boolean, ts: number): void {
    const path = this.#oraclePath;
    let n = 0;
    if (freshOhlc && candle.oracleLow !== undefined && candle.oracleHigh !== undefined) {
      const up = oracle >= (candle.oracleOpen ?? oracle);
      path[n++] = up ? candle.oracleLow : candle.oracleHigh;
      path[n++] = up ? candle.oracleHigh : candle.oracleLow;
    } else if (!freshOhlc) {
      // No oracle observed (none in the source, or an export gap): the mark stands in, so its extremes are the
      // oracle's.
      const up = candle.close >= candle.open;
      path[n++] = up ? candle.low : candle.high;
      path[n++] = up ? candle.high : candle.low;
    }
    path[n++] = oracle;
    for (let k = 0; k < n; k++) {
      m.oracleNum = path[k];
      m.pricesDirty = true;
      for (let i = m.holders.length - 1; i >= 0; i--) {
        const sub = m.holders[i];
        if (sub === undefined || clearlySolvent(sub, this.marketOf)) continue;
        if (isLiquidatable(this.figures(sub))) this.liquidate(sub, ts);
      }
    }
    m.oracleNum = oracle;
    m.pricesDirty = true;
  }

  /**
   * Replays one funding settlement (fundingMode 'replay'): Drift's exact per-base rate when the record has
   * it, else rateFraction × the current oracle. Returns false when ignored (other modes, or no price yet).
   */
  applyFundingRecord(market: string | number, record: FundingRecord): boolean {
    this.generationCounter++;
    if (this.#fundingMode !== 'replay') return false;
    const m = typeof market === 'number' ? this.byIndex[market] : this.bySymbol.get(market);
    if (!m) throw new Error(`SimExchange: unknown market ${JSON.stringify(market)}`);
    if (record.ratePerBase === undefined && Number.isNaN(m.oracleNum)) return false;
    if (record.ts > this.now) this.now = record.ts;
    this.applyFunding(m, replayedRate(record.ratePerBase, record.rateFraction, m.oracleNum), record.ts);
    return true;
  }

  /**
   * Drift's settle_pnl for one market: pending funding first, then the position's whole pnl at the oracle
   * moves from its quote into the USDC balance (Drift would cap a positive amount by the market's pnl pool;
   * the simulator's pool is unlimited). Returns the amount settled (QUOTE, + to the balance).
   */
  settlePnl(subaccountId: number, marketIndex: number): bigint {
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    const pos = sub.positions.get(marketIndex);
    if (!pos) return 0n;
    const m = this.marketOf(marketIndex);
    this.ensurePrices(m);
    const f = settleFunding(pos, m.cumulative.long, m.cumulative.short);
    const s = settleLedgerPnl(sub.collateral, f.pos, m.oracle);
    sub.collateral = s.collateral;
    this.storePosition(sub, m, s.pos);
    return s.settled;
  }

  /** Settles every position's pending funding now (positions are settled at each funding event anyway). */
  settleAllFunding(subaccountId: number): void {
    this.generationCounter++;
    const sub = this.sub(subaccountId);
    for (const p of [...sub.positions.values()]) {
      const m = this.marketOf(p.marketIndex);
      const r = settleFunding(p, m.cumulative.long, m.cumulative.short);
      if (r.payment !== 0n) this.storePosition(sub, m, r.pos);
    }
  }
}
