/**
 * The simulator's mutable runtime state: one record per market, per subaccount and per resting order.
 * Mutable on purpose: the backtest hot loop touches these every bar and must not allocate. Money stays bigint;
 * the `…Num` fields are float shadows used only to decide cheaply whether exact (bigint) work is needed.
 */

import type { MarketSpec } from '../../domain/markets.ts';
import type { Order, Position } from '../../domain/types.ts';
import type { L2Book } from '../port.ts';
import type { FundingClock } from './funding-clock.ts';
import type { CumulativeFunding, PerpPositionState } from './ledger.ts';
import type { LiquidationBound } from './liquidation-bound.ts';
import { computeMargin, type MarginFigures, type MarginInputs } from './margin.ts';
import { type MarginPlan, marginAt, priceInteger } from './margin-doubles.ts';
import type { MarginMemo } from './margin-memo.ts';
import { bidAskAround } from './matching.ts';

export interface SimMarket {
  spec: MarketSpec;
  /** Last mark (bar close) and oracle, floats in USD; NaN before the first bar. */
  markNum: number;
  oracleNum: number;
  /** Last oracle that came from a fresh observation (NaN when none yet). */
  freshOracleNum: number;
  /** The depth model's mean traded base volume per hour (depth.ts); NaN until a bar with volume was seen. */
  volumePerHour: number;
  /** The modelled book at the last bar (built on first use after it; shared, read-only). */
  bookCache: L2Book | undefined;
  /** Exact PRICE figures derived from the floats, refreshed lazily when `pricesDirty`. */
  pricesDirty: boolean;
  mark: bigint;
  oracle: bigint;
  bid: bigint;
  ask: bigint;
  /** Best resting bid / ask of all simulated orders in this market (floats; ∓Infinity when none). */
  restingBidNum: number;
  restingAskNum: number;
  /** Earliest maxTs among resting orders (Infinity when none). */
  minMaxTs: number;
  /** How many resting orders float at an oracle offset (the others are never repriced). */
  floatingOrders: number;
  resting: SimOrder[];
  /** Subaccounts with a position or open orders here (the ones funding and liquidation must look at). */
  holders: SimSubaccount[];
  funding: FundingClock;
  cumulative: CumulativeFunding;
  /** Last applied funding rate (FUNDING_RATE precision). */
  lastFundingRate: bigint;
}

export interface SimOrder {
  /**
   * The order as it is now. Replaced, never changed, when the order changes (a fill, a cancel, a floating
   * reprice): an order object the simulator handed out (accountView, events) stays as it was, so a reader can
   * tell an unchanged order by its object (src/engine/live-orders-record.ts).
   */
  order: Order;
  sub: SimSubaccount;
  market: SimMarket;
  priceNum: number;
  /** Global arrival sequence: ties on the bar path go to the earlier order (time priority). */
  seq: number;
}

export interface SimSubaccount {
  id: number;
  name: string;
  /** USDC spot balance, QUOTE. */
  collateral: bigint;
  positions: Map<number, PerpPositionState>;
  orders: SimOrder[];
  nextOrderId: number;
  /**
   * Drift's "being liquidated" status: set when a liquidation starts, cleared once the account is back above
   * its maintenance requirement plus the liquidation buffer. While set, no new order is accepted (6117).
   */
  beingLiquidated?: boolean;
  /** Float shadow of collateral and positions for the liquidation pre-filter; rebuilt when `shadowDirty`. */
  shadowDirty: boolean;
  shadow: PositionShadow[];
  collateralNum: number;
  /** The last margin figures with the inputs they came from (margin-memo.ts). */
  marginMemo?: MarginMemo;
  /** The oracle prices at which its last one-position state was not liquidatable (liquidation-bound.ts). */
  liquidationBound?: LiquidationBound;
  /** The generation at which a public read last checked `marginMemo` (SimReads). */
  memoReadAt?: number;
  /**
   * The lists the last account view handed out (sim-reads.ts), taken again while they hold the same order
   * objects and ledger positions; `positionStates` are the ledger states `positions` were copied from.
   */
  view?: { orders: Order[] | undefined; positions: Position[]; positionStates: PerpPositionState[] };
  /**
   * The account's stamp (account-stamp.ts): bumped by every change of its collateral, positions, orders or its
   * markets' cumulative funding (noteChange, noteFundingChange).
   */
  changes: number;
}

export interface PositionShadow {
  market: SimMarket;
  base: number;
  quote: number;
  /** Worst-case |base| with open orders, and the open-order count. */
  worst: number;
  orders: number;
}

function rebuildShadow(sub: SimSubaccount, marketOf: (marketIndex: number) => SimMarket): void {
  // Refilled in place (the entries are this subaccount's own and nothing else keeps them): it is rebuilt after
  // every fill and order change, and new entries each time were garbage that outlived a fleet's bar.
  const shadow = sub.shadow;
  let n = 0;
  for (const p of sub.positions.values()) {
    const base = Number(p.base) / 1e9;
    const market = marketOf(p.marketIndex);
    const quote = Number(p.quoteAsset) / 1e6;
    const worst = Math.max(
      Math.abs(base + Number(p.openBids) / 1e9),
      Math.abs(base + Number(p.openAsks) / 1e9),
    );
    const s = shadow[n];
    if (s === undefined) shadow.push({ market, base, quote, worst, orders: p.openOrders });
    else {
      s.market = market;
      s.base = base;
      s.quote = quote;
      s.worst = worst;
      s.orders = p.openOrders;
    }
    n++;
  }
  shadow.length = n;
  sub.collateralNum = Number(sub.collateral) / 1e6;
  sub.shadowDirty = false;
}

/** Refreshes a market's exact prices from its floats (only when something bigint needs them). */
export function refreshPrices(m: SimMarket, spreadNum: bigint): void {
  if (!m.pricesDirty) return;
  m.mark = BigInt(priceInteger(m.markNum));
  m.oracle = BigInt(priceInteger(m.oracleNum));
  const q = bidAskAround(m.mark, m.spec.tickSize, spreadNum);
  m.bid = q.bid;
  m.ask = q.ask;
  m.pricesDirty = false;
}

/**
 * Recomputes the cached best resting prices, earliest expiry and floating count of a market: called after every
 * change of `m.resting`.
 */
export function refreshResting(m: SimMarket): void {
  let bid = Number.NEGATIVE_INFINITY;
  let ask = Number.POSITIVE_INFINITY;
  let maxTs = Number.POSITIVE_INFINITY;
  let floating = 0;
  for (const o of m.resting) {
    if (o.order.oracleOffset !== undefined) floating++;
    if (o.order.side === 'buy') {
      if (o.priceNum > bid) bid = o.priceNum;
    } else if (o.priceNum < ask) ask = o.priceNum;
    const t = o.order.maxTs;
    if (t !== undefined && t !== 0 && t < maxTs) maxTs = t;
  }
  m.restingBidNum = bid;
  m.restingAskNum = ask;
  m.minMaxTs = maxTs;
  m.floatingOrders = floating;
}

/** Keeps `m.holders` equal to the subaccounts with a position slot in the market. */
export function syncHolder(m: SimMarket, sub: SimSubaccount): void {
  const i = m.holders.indexOf(sub);
  const holds = sub.positions.has(m.spec.marketIndex);
  if (holds && i < 0) m.holders.push(sub);
  else if (!holds && i >= 0) m.holders.splice(i, 1);
}

/**
 * Exact margin figures of a subaccount at the markets' current oracles: `plan` (its planMargin) priced, or the
 * BigInt path where the plan is missing or cannot promise the integers.
 */
export function marginOf(
  sub: SimSubaccount,
  marketOf: (marketIndex: number) => SimMarket,
  ensurePrices: (m: SimMarket) => void,
  plan: MarginPlan | undefined,
): MarginFigures {
  // the same integers in doubles where they are provably exact (almost always), else in BigInt
  const fast = plan === undefined ? undefined : marginAt(plan);
  if (fast !== undefined) return fast;
  const inputs: MarginInputs = {
    collateral: sub.collateral,
    positions: [...sub.positions.values()],
    oraclePrice: (i) => {
      const m = marketOf(i);
      ensurePrices(m);
      return m.oracle;
    },
    market: (i) => marketOf(i).spec,
    cumulativeFunding: (i) => marketOf(i).cumulative,
  };
  return computeMargin(inputs);
}

/**
 * Float pre-filter for liquidation (maintenance) and order placement (initial): a conservative estimate of
 * collateral minus requirement (positive pnl ignored, open orders at their worst case). When it is clearly positive the exact check is
 * skipped; float error (~1e-15 relative) is far below the margin left by `slack`.
 */
export function clearlySolvent(
  sub: SimSubaccount,
  marketOf: (marketIndex: number) => SimMarket,
  kind: 'initial' | 'maintenance' = 'maintenance',
): boolean {
  if (sub.shadowDirty) rebuildShadow(sub, marketOf);
  let est = sub.collateralNum;
  let scale = Math.abs(est);
  const shadow = sub.shadow;
  for (let i = 0; i < shadow.length; i++) {
    const s = shadow[i];
    const o = s.market.oracleNum;
    const pnl = s.base * o + s.quote;
    const spec = s.market.spec;
    const plain = kind === 'initial' ? spec.marginRatioInitial : spec.marginRatioMaintenance;
    // Size premium (margin.ts marginRatioFor) in floats, rounded up a little so the filter stays conservative.
    const ratio = spec.imfFactor
      ? Math.max(plain, plain * 0.8 + (Math.sqrt(s.worst * 1e10 + 1) * spec.imfFactor) / 1e7 + 1)
      : plain;
    est += (pnl < 0 ? pnl : 0) - (s.worst * o * ratio) / 1e4 - s.orders * 0.01;
    scale += Math.abs(s.base * o) + Math.abs(pnl) + s.worst * o;
  }
  return est > scale * 1e-9 + 0.01;
}
