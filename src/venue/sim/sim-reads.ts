/**
 * The simulator's read side: account, margin, positions, open orders, prices, funding and drained events,
 * computed from the engine's state. The order commands (SimOrderCommands, order-commands.ts) and the market input
 * (SimExchange, exchange.ts) are layered on top, each file one concern.
 */
import { quoteToNumber } from '../../domain/precision.ts';
import type { AccountNumbers, AccountState, Order, Position, VenueEvent } from '../../domain/types.ts';
import type { L2Book } from '../port.ts';
import { accountStateOf, toAccountState, toPosition } from './account-state.ts';
import { modelBook } from './depth.ts';
import { FiguresInDoubles } from './figures-in-doubles.ts';
import type { PerpPositionState } from './ledger.ts';
import type { MarginFigures } from './margin.ts';
import { type FigureBounds, figureBoundsOver } from './margin-bounds.ts';
import { priceInteger } from './margin-doubles.ts';
import { type MarginMemo, planOf } from './margin-memo.ts';
import { SimEngine } from './sim-engine.ts';
import type { SimSubaccount } from './state.ts';

export class SimReads extends SimEngine {
  account(subaccountId: number): AccountState {
    const sub = this.sub(subaccountId);
    return toAccountState({
      subaccountId,
      collateral: sub.collateral,
      positions: [...sub.positions.values()],
      openOrders: sub.orders.map((o) => ({ ...o.order })),
      figures: this.figures(sub),
    });
  }

  /**
   * `account()` without the per-order copies: openOrders are the venue's own Order objects, which are values
   * (a fill, cancel or reprice makes a new one), in lists that are never changed once handed out. The backtest
   * calls this on every decision, the paper runner on every bar of every bot. Do not mutate them.
   */
  accountView(subaccountId: number): AccountState {
    const sub = this.sub(subaccountId);
    return accountStateOf(
      subaccountId,
      sub.collateral,
      this.#viewPositions(sub),
      this.#viewOrders(sub),
      this.figures(sub, this.#readMemo(sub)),
    );
  }

  /**
   * accountView's positions and open orders alone (the same lists), without its figures: what a decision reads
   * of the account when its risk check needs no figures (the grid's certificate, engine/risk-certificate.ts).
   */
  holdings(subaccountId: number): { positions: Position[]; openOrders: Order[] } {
    const sub = this.sub(subaccountId);
    return { positions: this.#viewPositions(sub), openOrders: this.#viewOrders(sub) };
  }

  /**
   * A number that changes whenever anything in the subaccount's figures changed but the prices
   * (account-stamp.ts): what the grid's risk certificate and the backtest's extremes certificate are held
   * against on a quiet bar.
   */
  accountStamp(subaccountId: number): number {
    return this.sub(subaccountId).changes;
  }

  /**
   * accountView's lists and the figures a risk check reads, in USD (AccountNumbers), with `marketIndex`'s
   * liquidation price: the same numbers quoteToNumber and priceToNumber make of accountView and
   * liquidationPrice, without building the account or its BigInts (the figures' integers are exact doubles,
   * and x / 1e6 of one is Number(BigInt(x)) / 1e6). The backtest's grid reads this on every bar.
   */
  accountNumbers(subaccountId: number, marketIndex: number): AccountNumbers {
    const sub = this.sub(subaccountId);
    const memo = this.#readMemo(sub);
    const f = this.figures(sub, memo);
    const inDoubles = f instanceof FiguresInDoubles;
    const liquidation = this.liquidationIntegerOf(sub, marketIndex, memo);
    return {
      positions: this.#viewPositions(sub),
      openOrders: this.#viewOrders(sub),
      collateral: quoteToNumber(sub.collateral),
      totalCollateral: inDoubles ? f.totalCollateralUsd : quoteToNumber(f.totalCollateral),
      maintenanceMarginRequirement: inDoubles
        ? f.maintenanceUsd
        : quoteToNumber(f.maintenanceMarginRequirement),
      leverage: f.leverage,
      health: f.health,
      liquidationPrice: liquidation < 0 ? null : liquidation / 1e6,
    };
  }

  /**
   * The open orders of a view: the last view's list when it holds the same order objects (orders are values: a
   * change is a new object), else a new list. A fleet of paper bots reads its account on every bar, and a new
   * list each time (with its growth) was a good part of a quiet bar's garbage. Lists handed out are never
   * changed.
   */
  #viewOrders(sub: SimSubaccount): Order[] {
    const kept = sub.view?.orders;
    if (kept !== undefined) {
      let i = 0;
      let same = true;
      for (const o of sub.orders) {
        if (o.order.status !== 'open') continue;
        if (kept[i] !== o.order) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === kept.length) return kept;
    }
    const openOrders: Order[] = [];
    for (const o of sub.orders) if (o.order.status === 'open') openOrders.push(o.order);
    this.#view(sub).orders = openOrders;
    return openOrders;
  }

  /**
   * The positions of a view, kept as #viewOrders keeps its list, checked against the ledger states they were
   * copied from. A position's domain copy is made once per ledger state (the ledger replaces a position on every
   * change and never mutates one; readers never change an account): a state still in the last view keeps its
   * copy. The last view's states are searched by identity (an account holds a few positions) rather than kept in
   * a WeakMap: its lookups and the collector's work on its entries were a visible share of a paper fleet's fill bar.
   */
  #viewPositions(sub: SimSubaccount): Position[] {
    const view = sub.view;
    if (view !== undefined) {
      const from = view.positionStates;
      let i = 0;
      let same = true;
      for (const p of sub.positions.values()) {
        if (p.base === 0n && p.quoteAsset === 0n) continue;
        if (from[i] !== p) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === from.length) return view.positions;
    }
    const positions: Position[] = [];
    const states: PerpPositionState[] = [];
    for (const p of sub.positions.values()) {
      if (p.base === 0n && p.quoteAsset === 0n) continue;
      positions.push(copyOf(p, view));
      states.push(p);
    }
    const v = this.#view(sub);
    v.positions = positions;
    v.positionStates = states;
    return positions;
  }

  /**
   * The margin memo for a public read. The reads between two mutators all see one state (no mutator calls a
   * public read, and nothing changes the state outside the mutators), so the memo checked by the first read of a
   * generation serves the rest (the backtest reads an account four times a bar). Mutators read through
   * `figures` without a memo, which checks every time: #checkLiquidations moves the oracle along the bar inside
   * one generation.
   */
  #readMemo(sub: SimSubaccount): MarginMemo {
    const memo = sub.marginMemo;
    if (memo !== undefined && sub.memoReadAt === this.generationCounter) return memo;
    const fresh = this.memoOf(sub);
    sub.memoReadAt = this.generationCounter;
    return fresh;
  }

  #view(sub: SimSubaccount): NonNullable<SimSubaccount['view']> {
    sub.view ??= { orders: undefined, positions: [], positionStates: [] };
    return sub.view;
  }

  margin(subaccountId: number): MarginFigures {
    const sub = this.sub(subaccountId);
    return this.figures(sub, this.#readMemo(sub));
  }

  /** Drift's liquidation price for one market (PRICE), undefined when there is none. */
  liquidationPrice(subaccountId: number, marketIndex: number): bigint | undefined {
    const sub = this.sub(subaccountId);
    return this.liquidationPriceOf(sub, marketIndex, this.#readMemo(sub));
  }

  /**
   * priceToNumber(liquidationPrice(…)), null where that is undefined: the same number without the BigInt (the
   * backtest's report row reads it on every bar).
   */
  liquidationPriceUsd(subaccountId: number, marketIndex: number): number | null {
    const sub = this.sub(subaccountId);
    const v = this.liquidationIntegerOf(sub, marketIndex, this.#readMemo(sub));
    return v < 0 ? null : v / 1e6;
  }

  /**
   * The worst the margin figures and `marketIndex`'s liquidation price can be while the account stays as it is
   * and that market's oracle PRICE integer stays in [lo, hi] (margin-bounds.ts); undefined where that cannot be
   * said cheaply (positions on other markets, numbers beyond the doubles' exact range).
   */
  figureBounds(subaccountId: number, marketIndex: number, lo: number, hi: number): FigureBounds | undefined {
    const sub = this.sub(subaccountId);
    const plan = planOf(this.#readMemo(sub), sub.collateral, sub.positions, this.marketOf);
    return plan === undefined ? undefined : figureBoundsOver(plan, marketIndex, lo, hi);
  }

  positions(subaccountId: number): Position[] {
    return [...this.sub(subaccountId).positions.values()].filter((p) => p.base !== 0n).map(toPosition);
  }

  /** The ledger's positions, open-order bookkeeping included (for reconciliation and tests). */
  ledgerPositions(subaccountId: number): PerpPositionState[] {
    return [...this.sub(subaccountId).positions.values()];
  }

  openOrders(subaccountId: number): Order[] {
    return this.sub(subaccountId).orders.map((o) => ({ ...o.order }));
  }

  /** Current prices of a market (PRICE precision), undefined before its first bar. */
  quote(market: string | number): { mark: bigint; oracle: bigint; bid: bigint; ask: bigint } | undefined {
    const m = typeof market === 'number' ? this.byIndex[market] : this.bySymbol.get(market);
    if (!m || Number.isNaN(m.markNum)) return undefined;
    this.ensurePrices(m);
    return { mark: m.mark, oracle: m.oracle, bid: m.bid, ask: m.ask };
  }

  /**
   * A market's mark and oracle as their PRICE integers in doubles: Number(quote(market).mark) and
   * Number(quote(market).oracle), exactly, without making the BigInts (the backtest reads them on every bar).
   * NaN before the market's first bar (where quote() is undefined).
   */
  markInteger(marketIndex: number): number {
    const m = this.marketOf(marketIndex);
    return Number.isNaN(m.markNum) ? Number.NaN : priceInteger(m.markNum);
  }

  oracleInteger(marketIndex: number): number {
    const m = this.marketOf(marketIndex);
    return Number.isNaN(m.markNum) ? Number.NaN : priceInteger(m.oracleNum);
  }

  /**
   * The modelled visible book of a market (depth.ts, docs/sim-venue.md): undefined before its first bar or
   * while no traded volume was ever seen (then nothing is known about its depth). Built once per bar and
   * shared: read it, do not change it.
   */
  orderBook(market: string | number): L2Book | undefined {
    const m = typeof market === 'number' ? this.byIndex[market] : this.bySymbol.get(market);
    if (!m || Number.isNaN(m.markNum)) return undefined;
    if (m.bookCache) return m.bookCache;
    this.ensurePrices(m);
    m.bookCache = modelBook(m.spec, this.now, m.markNum, m.bid, m.ask, m.volumePerHour, this.depth);
    return m.bookCache;
  }

  /** Cumulative funding rates and the last applied rate of a market (FUNDING_RATE precision). */
  funding(market: string | number): { long: bigint; short: bigint; lastRate: bigint } {
    const m = typeof market === 'number' ? this.byIndex[market] : this.bySymbol.get(market);
    if (!m) throw new Error(`SimExchange: unknown market ${JSON.stringify(market)}`);
    return { ...m.cumulative, lastRate: m.lastFundingRate };
  }

  /** Events since the last drain, oldest first. Returns a shared empty array when there were none. */
  drainEvents(): readonly VenueEvent[] {
    if (this.events.length === 0) return EMPTY;
    const out = this.events;
    this.events = [];
    return out;
  }
}

const EMPTY: readonly VenueEvent[] = Object.freeze([]);

/** The domain copy of ledger state `p`: the last view's, when it was made from this very state. */
function copyOf(p: PerpPositionState, view: SimSubaccount['view']): Position {
  if (view !== undefined) {
    const from = view.positionStates;
    for (let k = 0; k < from.length; k++) if (from[k] === p) return view.positions[k] as Position;
  }
  return toPosition(p);
}
