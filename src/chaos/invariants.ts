/**
 * The invariants every chaos run must keep, checked from what the run observed. Definitions (docs/reliability.md):
 *   liquidation   — no liquidation unless the governor had no room to act: an oracle move larger than the
 *                   liquidation buffer (risk.minLiqDistancePct) within one bar (this bar or the one before), or
 *                   the bot could not act in the two bars before (disconnected, crashed, or its last commands
 *                   were hit by an injected fault);
 *   leverageCap / notionalCap — the position's own leverage (Drift's: notional / total collateral) and
 *                   notional stay above risk.maxLeverage / maxNotional (+ the hysteresis margin) for at most
 *                   MAX_BARS_OVER_CAP consecutive connected bars;
 *   exposureUnderRestriction — under REDUCE_ONLY or PAUSE no order is placed that could grow |position|;
 *   openOrders    — never more than 32 live orders, and the venue never refuses one for MaxNumberOfOrders;
 *   ledger        — PnlBook (events only) equals the venue's books to the micro-USDC, base for base;
 *   orphans       — after a reconnect or restart, once the recovery plan has applied, every live order is one
 *                   the plan kept or placed.
 */
import type { PnlBook } from '../backtest/pnl-book.ts';
import type { Verdict } from '../domain/intent.ts';
import type { Order, OrderCommand, OrderParams } from '../domain/types.ts';
import { applyPlanToLiveOrders } from '../execution/planner.ts';
import type { RiskLimits } from '../risk/limits.ts';
import type { CommandResult } from '../venue/port.ts';
import type { SimExchange } from '../venue/sim/exchange.ts';

export type InvariantId =
  | 'liquidation'
  | 'leverageCap'
  | 'notionalCap'
  | 'exposureUnderRestriction'
  | 'openOrders'
  | 'ledger'
  | 'orphans';

export interface Violation {
  invariant: InvariantId;
  ts: number;
  detail: string;
}

/** Consecutive connected bars a position may stay above a cap while the governor works it down. */
export const MAX_BARS_OVER_CAP = 30;
const MAX_LIVE_ORDERS = 32;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** Whether placing `o` could make |position| larger, given the signed position `q` (BASE). */
export function couldIncreaseExposure(o: OrderParams, q: bigint): boolean {
  // A reduce-only order can never grow a position (the venue caps or cancels it).
  if (o.reduceOnly) return false;
  const closing = (q > 0n && o.side === 'sell') || (q < 0n && o.side === 'buy');
  return !closing || o.base > abs(q);
}

function placements(c: OrderCommand, live: readonly Order[]): OrderParams[] {
  if (c.kind === 'place') return [c.order];
  if (c.kind === 'cancelAndPlace') return c.place;
  if (c.kind === 'placeAndTake') return c.orders;
  if (c.kind === 'modify') {
    const o = live.find((x) => x.orderId === c.orderId);
    return o ? [{ ...o, price: c.price ?? o.price, base: c.base ?? o.base - o.filledBase }] : [];
  }
  return [];
}

export class InvariantMonitor {
  readonly violations: Violation[] = [];
  /** Bars spent above a cap while the verdict was PAUSE (the defense cannot run): a finding, not a violation. */
  pausedOverCapBars = 0;
  readonly #risk: RiskLimits;
  readonly #overCap = { leverage: 0, notional: 0 };

  constructor(risk: RiskLimits) {
    this.#risk = risk;
  }

  #fail(invariant: InvariantId, ts: number, detail: string): void {
    this.violations.push({ invariant, ts, detail });
  }

  /** Each decision: under REDUCE_ONLY or PAUSE nothing that could grow the position may be placed. */
  onDecision(
    ts: number,
    verdict: Verdict,
    commands: readonly OrderCommand[],
    live: readonly Order[],
    positionOf: (marketIndex: number) => bigint,
  ): void {
    if (verdict.kind !== 'REDUCE_ONLY' && verdict.kind !== 'PAUSE') return;
    for (const c of commands) {
      for (const o of placements(c, live)) {
        const q = positionOf(o.marketIndex);
        if (couldIncreaseExposure(o, q)) {
          this.#fail(
            'exposureUnderRestriction',
            ts,
            `${verdict.kind}: ${c.kind} ${o.side} ${o.base} @ ${o.price} (reduceOnly ${o.reduceOnly}) with position ${q} in market ${o.marketIndex}`,
          );
        }
      }
    }
  }

  /** After each execution: the live order count, and no venue refusal for too many orders. */
  onExecuted(ts: number, results: readonly CommandResult[] | undefined, liveCount: number): void {
    if (liveCount > MAX_LIVE_ORDERS) this.#fail('openOrders', ts, `${liveCount} live orders`);
    for (const r of results ?? []) {
      if (!r.ok && r.reason === 'MaxNumberOfOrders')
        this.#fail('openOrders', ts, `venue refused: ${r.detail}`);
    }
  }

  /**
   * Once per connected primary bar. A PAUSE now only stands when the prices cannot be trusted (oracle/mark
   * divergence or a stale oracle: the governor turns a volatility or daily-loss PAUSE into REDUCE_ONLY when a
   * defense is needed), and then nothing may trade by design (DESIGN.md §5), so paused bars neither count
   * towards nor reset a streak; they are tallied in `pausedOverCapBars`.
   */
  onBar(ts: number, leverage: number, notional: number, paused: boolean): void {
    const margin = 1 + this.#risk.hysteresisPct / 100;
    const overLev = leverage > this.#risk.maxLeverage * margin;
    const overNotional = notional > this.#risk.maxNotional * margin;
    if (paused) {
      if (overLev || overNotional) this.pausedOverCapBars++;
      return;
    }
    this.#streak(
      'leverage',
      'leverageCap',
      ts,
      overLev,
      `leverage ${leverage.toFixed(3)} > ${this.#risk.maxLeverage}`,
    );
    this.#streak(
      'notional',
      'notionalCap',
      ts,
      overNotional,
      `notional ${notional.toFixed(2)} > ${this.#risk.maxNotional}`,
    );
  }

  #streak(key: 'leverage' | 'notional', id: InvariantId, ts: number, over: boolean, detail: string): void {
    this.#overCap[key] = over ? this.#overCap[key] + 1 : 0;
    if (this.#overCap[key] === MAX_BARS_OVER_CAP + 1) {
      this.#fail(id, ts, `${detail} for more than ${MAX_BARS_OVER_CAP} bars`);
    }
  }

  /** A liquidation happened; `gapPct` is the largest oracle move of this or the previous bar. */
  onLiquidation(ts: number, marketIndex: number, gapPct: number, couldAct: boolean): void {
    if (!couldAct || gapPct > this.#risk.minLiqDistancePct) return;
    this.#fail(
      'liquidation',
      ts,
      `market ${marketIndex} liquidated with the governor able to act (largest one-bar move ${gapPct.toFixed(2)} % ≤ buffer ${this.#risk.minLiqDistancePct} %)`,
    );
  }

  /**
   * After a recovery decision applied without faults: every live order is one the plan kept (from `before`)
   * or one this execution placed.
   */
  onRecovered(
    ts: number,
    before: readonly Order[],
    commands: readonly OrderCommand[],
    results: readonly CommandResult[],
    after: readonly Order[],
  ): void {
    const kept = new Set(
      applyPlanToLiveOrders(before, commands, Number.MAX_SAFE_INTEGER - 1e6).live.map((o) => o.orderId),
    );
    const placed = new Set(results.flatMap((r) => (r.ok ? r.orderIds : [])));
    for (const o of after) {
      if (!kept.has(o.orderId) && !placed.has(o.orderId)) {
        this.#fail(
          'orphans',
          ts,
          `order ${o.orderId} (${o.side} ${o.base} @ ${o.price}) is live but the recovery plan neither kept nor placed it`,
        );
      }
    }
  }

  /** The event-only books against the venue's: base per market and cash to the micro-USDC. */
  checkLedger(ts: number, book: PnlBook, sim: SimExchange, sub: number, deposit: bigint): void {
    const positions = sim.ledgerPositions(sub);
    let venueCash = sim.account(sub).collateral;
    for (const p of positions) {
      venueCash += p.quoteAsset;
      if (book.base(p.marketIndex) !== p.base) {
        this.#fail(
          'ledger',
          ts,
          `market ${p.marketIndex}: book base ${book.base(p.marketIndex)} ≠ venue ${p.base}`,
        );
      }
    }
    const bookCash = deposit + book.cash - book.fees + book.funding;
    if (bookCash !== venueCash) {
      this.#fail(
        'ledger',
        ts,
        `book cash ${bookCash} ≠ venue collateral + quote ${venueCash} (diff ${bookCash - venueCash})`,
      );
    }
  }
}
