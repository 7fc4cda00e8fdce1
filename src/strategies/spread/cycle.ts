/**
 * One pure decision cycle of the DRIFT/KMNO spread bot: order results → health, prices → signal → lag
 * confirmation, naked-leg check, then exactly one course of action:
 *
 *   shutting down         → close everything when closeOnShutdown, else leave positions — whatever the verdict
 *   EMERGENCY             → close everything (closes stand alone), never open — whatever the verdict
 *   risk PAUSE            → no orders at all (shutdown and EMERGENCY closes above are reduce-only takers:
 *                           a close only reduces risk, so a PAUSE does not hold it)
 *   a hard cap's band     → close the pair (fixed-size legs cannot shrink to a leverage or notional clamp)
 *   excludes a held leg
 *   reconcile due / naked → bring the venue back to the intent (every reconcileEveryCycles, every cycle when
 *                           DEGRADED, at once on a naked leg)
 *   otherwise             → act on a confirmed direction change (both legs or neither)
 *
 * Stale prices (either leg's oracleStale): the signal is not updated, no direction change is acted upon and no
 * opening order goes out. Safety closes (emergency, shutdown, unwinding a naked leg, cutting size drift,
 * closing unexpected positions) still may. The risk verdict only narrows: REDUCE_ONLY blocks openings, PAUSE
 * blocks everything but shutdown and EMERGENCY closes, a CLAMP band that excludes a leg's target blocks that
 * opening.
 */
import type { Verdict } from '../../domain/intent.ts';
import { getMarket, type MarketSpec } from '../../domain/markets.ts';
import { baseToNumber, priceToNumber } from '../../domain/precision.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import type { LogEvent } from '../../log/types.ts';
import type { SpreadBotState } from './bot-state.ts';
import { takeCourseOfAction } from './course-of-action.ts';
import { applyHealth, type CycleWork, emit, round } from './cycle-work.ts';
import type { LegBatch, LegRejection } from './legs.ts';
import type { SpreadParams } from './params.ts';
import { reconcile } from './reconcile.ts';
import { confirmSignal, rawSignal, updateSignal } from './signal.ts';
import {
  DRIFT_MARKET_INDEX,
  KMNO_MARKET_INDEX,
  type LegOrderResult,
  type LegPosition,
  type SpreadSnapshot,
} from './types.ts';
import { unrepairableBreach } from './verdict-gates.ts';

export interface SpreadCycleInputs {
  ts: number;
  drift: SpreadSnapshot;
  kmno: SpreadSnapshot;
  /** The venue's positions (the truth), any markets. */
  positions: readonly LegPosition[];
  /** How the orders emitted by the previous cycle ended. */
  lastOrderResults: readonly LegOrderResult[];
  verdict?: Verdict;
  /** Snapshots of other markets the venue shows positions on, so their closes can be priced. */
  otherSnapshots?: readonly SpreadSnapshot[];
  /** Specs beyond the domain table (or overriding it), e.g. on-chain values in live mode. */
  markets?: readonly MarketSpec[];
}

export interface SpreadCycleResult {
  state: SpreadBotState;
  orders: DesiredOrder[];
  /** The orders grouped into transactions (legs.ts): each batch is one placeAndTake command. */
  batches: LegBatch[];
  rejected: LegRejection[];
  log: LogEvent[];
  /** Shutting down and nothing left to close (or closeOnShutdown is off): the runner may exit. */
  shutdownComplete: boolean;
}

function specsFor(inputs: SpreadCycleInputs): MarketSpec[] {
  const out = new Map<number, MarketSpec>();
  const add = (index: number) => {
    try {
      out.set(index, getMarket(index));
    } catch {
      // unknown to the table: the planner reports it as a rejection
    }
  };
  add(DRIFT_MARKET_INDEX);
  add(KMNO_MARKET_INDEX);
  for (const p of inputs.positions) add(p.marketIndex);
  for (const m of inputs.markets ?? []) out.set(m.marketIndex, m);
  return [...out.values()];
}

export function spreadCycle(
  state: SpreadBotState,
  inputs: SpreadCycleInputs,
  params: SpreadParams,
): SpreadCycleResult {
  const work: CycleWork = {
    inputs,
    params,
    log: [],
    snapshots: [inputs.drift, inputs.kmno, ...(inputs.otherSnapshots ?? [])],
    markets: specsFor(inputs),
    health: state.health,
    fit: state.fit,
    confirm: state.confirm,
    lastStats: state.lastStats,
    fresh: false,
    holding: state.holding,
    intended: state.intended,
    plan: { orders: [], batches: [], rejected: [] },
  };
  const cycle = state.cycle + 1;

  // 1. Health from what happened to last cycle's orders and from the risk verdict.
  const failures = recordOrderResults(work);
  const breach = unrepairableBreach(inputs.verdict);
  if (breach) applyHealth(work, { type: 'RISK_BREACH', detail: breach });

  // 2. Signal: only fresh prices move the fit and the confirmation.
  const stale = inputs.drift.oracleStale || inputs.kmno.oracleStale;
  updateCycleSignal(work, stale);

  // 3. Naked-leg check every cycle: it is the one fault that must be fixed by the next cycle.
  const check = reconcile(state.intended, { positions: inputs.positions }, params);
  if (check.naked) applyHealth(work, { type: 'NAKED_LEG', detail: check.actions[0]?.reason ?? 'naked leg' });
  else applyHealth(work, { type: 'CYCLE_END', clean: failures === 0 && check.actions.length === 0 });

  const hasPositions = inputs.positions.some((p) => p.base !== 0n);
  takeCourseOfAction(work, state, cycle, check, stale, hasPositions);
  logPlan(work);

  const { fit, confirm, holding, intended, health, lastStats, plan } = work;
  const shutdownComplete =
    state.shuttingDown && (!params.closeOnShutdown || (!hasPositions && plan.orders.length === 0));
  return {
    state: { cycle, fit, confirm, holding, intended, health, shuttingDown: state.shuttingDown, lastStats },
    orders: plan.orders,
    batches: plan.batches,
    rejected: plan.rejected,
    log: work.log,
    shutdownComplete,
  };
}

/** Logs how last cycle's orders ended and moves the health with each; returns the number that failed. */
function recordOrderResults(work: CycleWork): number {
  let failures = 0;
  for (const r of work.inputs.lastOrderResults) {
    const fields = { marketIndex: r.marketIndex, side: r.side, reason: r.reason };
    if (r.ok) {
      emit(work, 'info', 'ORDER', 'order ok', fields);
      applyHealth(work, { type: 'ORDER_OK' });
    } else {
      failures += 1;
      emit(work, 'warn', 'ORDER', 'order failed', fields);
      applyHealth(work, { type: 'ORDER_FAILED', reason: r.reason ?? 'unknown' });
    }
  }
  return failures;
}

/** Fresh prices move the rolling fit and the lag confirmation; stale or unusable ones leave both as they were. */
function updateCycleSignal(work: CycleWork, stale: boolean): void {
  const { inputs, params } = work;
  if (stale) {
    emit(work, 'debug', 'SIGNAL', 'stale prices: signal not updated, no entries', {
      driftStale: inputs.drift.oracleStale,
      kmnoStale: inputs.kmno.oracleStale,
    });
  } else {
    const px = (s: SpreadSnapshot) => (params.signalPrice === 'mark' ? s.mark : s.oracle);
    const update = updateSignal(work.fit, px(inputs.drift), px(inputs.kmno));
    if (!update.ok) {
      emit(work, 'warn', 'SIGNAL', `signal not updated: ${update.reason}`);
    } else {
      work.fresh = true;
      work.fit = update.fit;
      work.lastStats = update.stats;
      const raw = rawSignal(update.stats?.z, params.entryZ, params.exitZ);
      const confirmed = confirmSignal(work.confirm, raw, params.signalLagPeriods);
      work.confirm = confirmed.state;
      emit(
        work,
        confirmed.changed ? 'info' : 'debug',
        'SIGNAL',
        confirmed.changed ? 'direction confirmed' : 'signal',
        {
          z: update.stats ? round(update.stats.z) : null,
          beta: update.stats ? round(update.stats.beta) : null,
          raw,
          confirmed: work.confirm.confirmed,
          candidate: work.confirm.candidate,
          streak: work.confirm.streak,
        },
      );
    }
  }
}

/** One line per order the plan sends and per leg it refused. */
function logPlan(work: CycleWork): void {
  for (const o of work.plan.orders) {
    emit(
      work,
      'info',
      'ORDER',
      `${o.reduceOnly ? 'close' : 'open'} ${o.side} ${baseToNumber(o.base)} on ${o.marketIndex}`,
      {
        marketIndex: o.marketIndex,
        side: o.side,
        base: baseToNumber(o.base),
        limit: priceToNumber(o.price),
        reduceOnly: o.reduceOnly,
      },
    );
  }
  for (const r of work.plan.rejected) {
    emit(work, 'warn', 'ORDER', `not sent: ${r.reason}`, {
      market: r.market,
      side: r.side,
      base: baseToNumber(r.base),
    });
  }
}
