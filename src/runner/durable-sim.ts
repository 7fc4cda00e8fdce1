/**
 * A SimExchange whose whole state can be written down and read back, so a paper runner survives SIGKILL: the
 * simulated venue lives in the runner's memory, and without this a restart would lose its positions and
 * orders. Also keeps the venue's own fill ledger totals (count, base, cash flow, fees, funding), which the
 * restart test compares with the fills table.
 *
 * It subclasses SimExchange to reach the engine's protected state; nothing in src/venue changes.
 */
import type { Order, VenueEvent } from '../domain/types.ts';
import { noteChange } from '../venue/sim/account-stamp.ts';
import { SimExchange } from '../venue/sim/exchange.ts';
import type { PerpPositionState } from '../venue/sim/ledger.ts';
import { refreshResting, type SimOrder, syncHolder } from '../venue/sim/state.ts';

/** The venue's own books of what it filled and paid, per subaccount (exact). */
export interface VenueLedger {
  fills: number;
  /** Σ filled base (BASE). */
  base: bigint;
  /** Σ cash flow of fills (QUOTE): + for sells, − for buys. */
  cash: bigint;
  /** Σ fees (QUOTE), positive paid. */
  fees: bigint;
  /** Σ funding (QUOTE), trader's side. */
  funding: bigint;
  /** Σ liquidation fees (QUOTE) and liquidation cash flow. */
  liquidationCash: bigint;
}

const emptyLedger = (): VenueLedger => ({
  fills: 0,
  base: 0n,
  cash: 0n,
  fees: 0n,
  funding: 0n,
  liquidationCash: 0n,
});

interface MarketState {
  marketIndex: number;
  markNum: number | null;
  oracleNum: number | null;
  freshOracleNum: number | null;
  /** Absent in states saved before the depth model. */
  volumePerHour?: number | null;
  funding: { nextTs: number | null; markSum: number; oracleSum: number; seconds: number };
  cumulative: { long: bigint; short: bigint };
  lastFundingRate: bigint;
}

interface SubState {
  id: number;
  name: string;
  collateral: bigint;
  positions: PerpPositionState[];
  orders: { order: Order; seq: number }[];
  nextOrderId: number;
  ledger: VenueLedger;
  beingLiquidated?: boolean;
}

/** JSON-able (with bigints; the store's codec encodes them exactly). NaN is written as null. */
export interface DurableSimState {
  version: 1;
  now: number;
  seq: number;
  markets: MarketState[];
  subs: SubState[];
}

const nanToNull = (v: number): number | null => (Number.isNaN(v) ? null : v);
const nullToNan = (v: number | null): number => (v === null ? Number.NaN : v);

export class DurableSimExchange extends SimExchange {
  readonly ledgers: VenueLedger[] = [];

  override createSubaccount(name: string): number {
    const id = super.createSubaccount(name);
    this.ledgers[id] = emptyLedger();
    return id;
  }

  protected override emit(e: VenueEvent): void {
    super.emit(e);
    const l = this.ledgers[e.subaccountId];
    if (!l) return;
    if (e.type === 'filled') {
      l.fills++;
      l.base += e.fill.base;
      l.cash += e.fill.side === 'sell' ? e.fill.quote : -e.fill.quote;
      l.fees += e.fill.fee;
    } else if (e.type === 'funding') l.funding += e.payment.amount;
    else if (e.type === 'liquidated') l.liquidationCash -= e.fee;
  }

  ledger(subaccountId: number): VenueLedger {
    const l = this.ledgers[subaccountId];
    if (!l) throw new Error(`unknown subaccount ${subaccountId}`);
    return { ...l };
  }

  exportState(): DurableSimState {
    if (this.events.length > 0) throw new Error('export the venue state after its events were drained');
    const markets: MarketState[] = [];
    for (const m of this.byIndex) {
      if (!m) continue;
      markets.push({
        marketIndex: m.spec.marketIndex,
        markNum: nanToNull(m.markNum),
        oracleNum: nanToNull(m.oracleNum),
        freshOracleNum: nanToNull(m.freshOracleNum),
        volumePerHour: nanToNull(m.volumePerHour),
        funding: {
          nextTs: nanToNull(m.funding.nextTs),
          markSum: m.funding.markSum,
          oracleSum: m.funding.oracleSum,
          seconds: m.funding.seconds,
        },
        cumulative: { ...m.cumulative },
        lastFundingRate: m.lastFundingRate,
      });
    }
    return {
      version: 1,
      now: this.now,
      seq: this.seq,
      markets,
      subs: this.subs.map((s) => ({
        id: s.id,
        name: s.name,
        collateral: s.collateral,
        positions: [...s.positions.values()].map((p) => ({ ...p })),
        orders: s.orders.map((o) => ({ order: { ...o.order }, seq: o.seq })),
        nextOrderId: s.nextOrderId,
        ledger: { ...(this.ledgers[s.id] ?? emptyLedger()) },
        beingLiquidated: s.beingLiquidated ?? false,
      })),
    };
  }

  /** Replaces everything with `state` (a freshly constructed exchange with the same markets). */
  importState(state: DurableSimState): void {
    if (state.version !== 1) throw new Error(`unknown paper venue state version ${state.version}`);
    if (this.subs.length > 0) throw new Error('import the venue state into a fresh exchange');
    this.now = state.now;
    this.seq = state.seq;
    for (const ms of state.markets) {
      const m = this.byIndex[ms.marketIndex];
      if (!m) throw new Error(`the saved paper venue has market ${ms.marketIndex}, the config does not`);
      m.markNum = nullToNan(ms.markNum);
      m.oracleNum = nullToNan(ms.oracleNum);
      m.freshOracleNum = nullToNan(ms.freshOracleNum);
      // Saved before the depth model existed: no volume seen yet (the next bars rebuild it).
      m.volumePerHour = nullToNan(ms.volumePerHour ?? null);
      m.bookCache = undefined;
      m.pricesDirty = true;
      m.funding.nextTs = nullToNan(ms.funding.nextTs);
      m.funding.markSum = ms.funding.markSum;
      m.funding.oracleSum = ms.funding.oracleSum;
      m.funding.seconds = ms.funding.seconds;
      m.cumulative = { ...ms.cumulative };
      m.lastFundingRate = ms.lastFundingRate;
      m.resting = [];
      m.holders = [];
    }
    for (const ss of state.subs) {
      const id = this.createSubaccount(ss.name);
      if (id !== ss.id) throw new Error('paper venue subaccounts must be restored in id order');
      const sub = this.sub(id);
      sub.collateral = ss.collateral;
      sub.nextOrderId = ss.nextOrderId;
      sub.beingLiquidated = ss.beingLiquidated ?? false;
      sub.positions = new Map(ss.positions.map((p) => [p.marketIndex, { ...p }]));
      sub.shadowDirty = true;
      noteChange(sub);
      this.ledgers[id] = { ...ss.ledger };
      for (const { order, seq } of ss.orders) {
        const market = this.marketOf(order.marketIndex);
        const so: SimOrder = { order: { ...order }, sub, market, priceNum: Number(order.price) / 1e6, seq };
        sub.orders.push(so);
        if (order.orderType === 'limit' && !order.ioc) market.resting.push(so);
      }
      for (const i of sub.positions.keys()) syncHolder(this.marketOf(i), sub);
    }
    for (const m of this.byIndex) {
      if (!m) continue;
      m.resting.sort((a, b) => a.seq - b.seq);
      refreshResting(m);
    }
    this.moved();
  }
}
