/**
 * The SimExchange's internals: order bookkeeping (cancels, expiries), fills, the bar's maker matching, funding
 * settlement and liquidation, on the state and bookkeeping of SimCore (sim-core.ts). SimExchange (exchange.ts)
 * adds the public API on top. Every change of a position goes through `storePosition` (sim-core.ts), which
 * settles a flat position's pnl into collateral and keeps holder lists and float shadows in step.
 */

import type { Candle } from '../../data/types.ts';
import { feeFor } from '../../domain/fees.ts';
import type { Order, Side } from '../../domain/types.ts';
import { noteChange, noteFundingChange } from './account-stamp.ts';
import { applyFill, type PerpPositionState, settleFunding, trackOrderReduced } from './ledger.ts';
import { liquidationCloseBase, liquidationDeficit, pickLiquidationTarget } from './liquidation.ts';
import { isLiquidatable, meetsMaintenanceWithBuffer } from './margin.ts';
import { barPath, encounterDistance, participationCap, quoteOf } from './matching.ts';
import { SimCore } from './sim-core.ts';
import { refreshResting, type SimMarket, type SimOrder, type SimSubaccount } from './state.ts';

export class SimEngine extends SimCore {
  readonly #path: number[] = [0, 0, 0, 0];

  protected cancelOrder(so: SimOrder, ts: number, status: 'cancelled' | 'expired', reason: string): void {
    const { sub, market: m, order } = so;
    this.#removeOrder(so);
    so.order = { ...order, status };
    noteChange(sub);
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
    noteChange(so.sub);
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
    noteChange(sub);
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
    noteFundingChange(m);
    for (const sub of m.holders.slice()) {
      const pos = sub.positions.get(m.spec.marketIndex);
      if (!pos || pos.base === 0n) continue;
      const r = settleFunding(pos, m.cumulative.long, m.cumulative.short);
      this.#emitFunding(sub, m, pos.base, r.payment, ts);
      this.storePosition(sub, m, r.pos);
    }
  }

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

  /**
   * Cancels all the subaccount's orders, then closes positions at the oracle (largest notional first), each
   * just enough to clear maintenance + buffer, with the liquidation fee. Emits one `liquidated` per close.
   */
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
