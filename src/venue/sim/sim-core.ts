/**
 * The simulator's state and the bookkeeping every change goes through: markets and subaccounts, their margin
 * figures (memoised per account state), the event list, `storePosition` (a flat position's pnl settles into
 * collateral; holder lists and float shadows kept in step) and save/restore of a subaccount for all-or-nothing
 * commands. SimEngine (sim-engine.ts) adds the order lifecycle, fills, funding and liquidation on top.
 */

import type { MarketSpec } from '../../domain/markets.ts';
import type { Order, VenueEvent } from '../../domain/types.ts';
import { noteChange } from './account-stamp.ts';
import { DEFAULT_DEPTH, type DepthModelParams } from './depth.ts';
import { newFundingClock } from './funding-clock.ts';
import { isPositionEmpty, type PerpPositionState, settlePnl } from './ledger.ts';
import type { LiquidationParams } from './liquidation.ts';
import { liquidationPrice, type MarginFigures, type MarginInputs } from './margin.ts';
import { liquidationPriceAt, type MarginPlan } from './margin-doubles.ts';
import { currentMemo, type MarginMemo, planOf } from './margin-memo.ts';
import type { MakerFillRule } from './matching.ts';
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

export class SimCore {
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
        floatingOrders: 0,
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
    this.#liquidation(sub, marketIndex, memo);
    const kept = memo.liquidationPrices[marketIndex];
    if (kept !== null) return kept;
    const v = memo.liquidationInts[marketIndex];
    const made = v < 0 ? undefined : BigInt(v);
    memo.liquidationPrices[marketIndex] = made;
    return made;
  }

  /** liquidationPriceOf's PRICE integer in a double, −1 when there is none: the same number, no BigInt made. */
  protected liquidationIntegerOf(sub: SimSubaccount, marketIndex: number, memo = this.memoOf(sub)): number {
    this.#liquidation(sub, marketIndex, memo);
    return memo.liquidationInts[marketIndex];
  }

  /** Fills the memo's liquidation price of a market for its state and oracles, when stale. */
  #liquidation(sub: SimSubaccount, marketIndex: number, memo: MarginMemo): void {
    if (memo.liquidationStamp[marketIndex] === memo.stamp) return;
    // the same integer in doubles where it is provably exact (almost always), else in BigInt
    const plan = this.#planOf(sub, memo);
    const fast = plan === undefined ? Number.NaN : liquidationPriceAt(plan, marketIndex);
    if (Number.isNaN(fast)) {
      const exact = liquidationPrice(this.marginInputs(sub), marketIndex);
      memo.liquidationInts[marketIndex] = exact === undefined ? -1 : Number(exact);
      memo.liquidationPrices[marketIndex] = exact;
    } else {
      memo.liquidationInts[marketIndex] = fast < 0 ? -1 : fast;
      memo.liquidationPrices[marketIndex] = null;
    }
    memo.liquidationStamp[marketIndex] = memo.stamp;
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
    noteChange(sub);
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
    noteChange(sub);
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
}
