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
import type { RiskRuleId, TargetPosition, Verdict } from '../../domain/intent.ts';
import { getMarket, type MarketSpec } from '../../domain/markets.ts';
import { baseToNumber, priceToNumber } from '../../domain/precision.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import type { LogCategory, LogEvent, LogLevel } from '../../log/types.ts';
import { HEALTH_POLICY, type HealthEvent, type HealthState, initialHealth, nextHealth } from './health.ts';
import { legsFor, targetsForLegs } from './intents.ts';
import {
  type LegBatch,
  type LegPlan,
  type LegPlanOptions,
  type LegRejection,
  planLegOrders,
} from './legs.ts';
import type { SpreadParams } from './params.ts';
import { reconcile } from './reconcile.ts';
import {
  type ConfirmState,
  confirmSignal,
  createRollingFit,
  initialConfirmState,
  type RollingFit,
  rawSignal,
  type SpreadStats,
  updateSignal,
} from './signal.ts';
import {
  DRIFT_MARKET_INDEX,
  type IntendedLegs,
  KMNO_MARKET_INDEX,
  type LegOrderResult,
  type LegPosition,
  type SpreadDirection,
  type SpreadSnapshot,
} from './types.ts';

export interface SpreadBotState {
  /** Cycles run so far. */
  cycle: number;
  fit: RollingFit;
  confirm: ConfirmState;
  /** The direction whose legs the bot last sent orders for. */
  holding: SpreadDirection;
  /** Signed base per leg the bot means to hold (legsFor(holding)). */
  intended: IntendedLegs;
  health: HealthState;
  shuttingDown: boolean;
  lastStats?: SpreadStats;
}

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

export function initialSpreadState(params: Pick<SpreadParams, 'window'>): SpreadBotState {
  return {
    cycle: 0,
    fit: createRollingFit(params.window),
    confirm: initialConfirmState(),
    holding: 'FLAT',
    intended: { driftBase: 0, kmnoBase: 0 },
    health: initialHealth(),
    shuttingDown: false,
  };
}

/** SIGTERM/SIGINT: the next cycles close positions (when closeOnShutdown) and open nothing. */
export const requestShutdown = (state: SpreadBotState): SpreadBotState => ({ ...state, shuttingDown: true });

/** The only way out of EMERGENCY: an operator's reset. */
export const resetHealth = (state: SpreadBotState, params: SpreadParams): SpreadBotState => ({
  ...state,
  health: nextHealth(state.health, { type: 'MANUAL_RESET' }, params),
});

const round = (v: number, digits = 4): number => Number(v.toFixed(digits));

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

/** A CLAMP band that does not contain a leg's target blocks the opening (fixed-size legs cannot shrink). */
function clampBlocks(verdict: Verdict | undefined, targets: readonly TargetPosition[]): string | undefined {
  if (verdict?.kind !== 'CLAMP') return undefined;
  const { band } = verdict;
  const t = targets.find((x) => x.marketIndex === band.marketIndex);
  if (!t || (t.base >= band.minBase && t.base <= band.maxBase)) return undefined;
  return `risk CLAMP band [${band.minBase}, ${band.maxBase}] on market ${band.marketIndex} excludes target ${t.base}`;
}

/** The risk rules whose clamp is a hard cap on exposure (the others shape or slow it). */
const HARD_CAPS: ReadonlySet<RiskRuleId> = new Set(['B_leverage', 'D_notional']);

/**
 * A hard cap (leverage B, notional D, a daily-loss flatten) has tripped and the verdict's band no longer admits a
 * held leg by more than
 * the size tolerance. Fixed-size legs cannot shrink, so the answer is to close the pair: the spread bot's
 * reduction, as the grid's is to trade down into the band. Soft clamps (volatility V, funding E) only block
 * openings: the pair is hedged, and closing it on every volatility spike would churn it for fees.
 */
function heldOutsideBand(
  verdict: Verdict | undefined,
  positions: SpreadCycleInputs['positions'],
  tolerance: number,
): string | undefined {
  if (verdict?.kind !== 'CLAMP' && verdict?.kind !== 'REDUCE_ONLY') return undefined;
  // a daily-loss flatten (band [0, 0]) is a hard cap too: the pair is closed
  const hard =
    verdict.flatten !== undefined ||
    verdict.reasons.some((r) => HARD_CAPS.has(r.rule) && r.action !== 'APPROVE');
  if (!hard) return undefined;
  const { band } = verdict;
  const p = positions.find((x) => x.marketIndex === band.marketIndex);
  if (!p || p.base === 0n) return undefined;
  const base = baseToNumber(p.base);
  const slack = Math.abs(base) * tolerance;
  if (base >= band.minBase - slack && base <= band.maxBase + slack) return undefined;
  return `risk band [${band.minBase}, ${band.maxBase}] on market ${band.marketIndex} excludes the held ${base}`;
}

/** Rule A tripping to REDUCE_ONLY/PAUSE means the account is already inside its liquidation buffer. */
function unrepairableBreach(verdict: Verdict | undefined): string | undefined {
  const r = verdict?.reasons.find(
    (x) => x.rule === 'A_liquidation_buffer' && (x.action === 'REDUCE_ONLY' || x.action === 'PAUSE'),
  );
  return r ? `${r.rule}: ${r.message}` : undefined;
}

export function spreadCycle(
  state: SpreadBotState,
  inputs: SpreadCycleInputs,
  params: SpreadParams,
): SpreadCycleResult {
  const log: LogEvent[] = [];
  const emit = (level: LogLevel, category: LogCategory, msg: string, fields?: Record<string, unknown>) =>
    log.push(fields ? { level, category, msg, fields } : { level, category, msg });
  const cycle = state.cycle + 1;

  // 1. Health from what happened to last cycle's orders and from the risk verdict.
  let health = state.health;
  const applyHealth = (event: HealthEvent) => {
    const before = health.status;
    health = nextHealth(health, event, params);
    if (health.status !== before) {
      const level = health.status === 'EMERGENCY' ? 'error' : health.status === 'DEGRADED' ? 'warn' : 'info';
      emit(level, 'HEALTH', `${before} → ${health.status}`, { event: event.type, reason: health.reason });
    }
  };
  let failures = 0;
  for (const r of inputs.lastOrderResults) {
    const fields = { marketIndex: r.marketIndex, side: r.side, reason: r.reason };
    if (r.ok) {
      emit('info', 'ORDER', 'order ok', fields);
      applyHealth({ type: 'ORDER_OK' });
    } else {
      failures += 1;
      emit('warn', 'ORDER', 'order failed', fields);
      applyHealth({ type: 'ORDER_FAILED', reason: r.reason ?? 'unknown' });
    }
  }
  const breach = unrepairableBreach(inputs.verdict);
  if (breach) applyHealth({ type: 'RISK_BREACH', detail: breach });

  // 2. Signal: only fresh prices move the fit and the confirmation.
  let { fit, confirm, lastStats } = state;
  const stale = inputs.drift.oracleStale || inputs.kmno.oracleStale;
  let fresh = false;
  if (stale) {
    emit('debug', 'SIGNAL', 'stale prices: signal not updated, no entries', {
      driftStale: inputs.drift.oracleStale,
      kmnoStale: inputs.kmno.oracleStale,
    });
  } else {
    const px = (s: SpreadSnapshot) => (params.signalPrice === 'mark' ? s.mark : s.oracle);
    const update = updateSignal(fit, px(inputs.drift), px(inputs.kmno));
    if (!update.ok) {
      emit('warn', 'SIGNAL', `signal not updated: ${update.reason}`);
    } else {
      fresh = true;
      fit = update.fit;
      lastStats = update.stats;
      const raw = rawSignal(update.stats?.z, params.entryZ, params.exitZ);
      const confirmed = confirmSignal(confirm, raw, params.signalLagPeriods);
      confirm = confirmed.state;
      emit(
        confirmed.changed ? 'info' : 'debug',
        'SIGNAL',
        confirmed.changed ? 'direction confirmed' : 'signal',
        {
          z: update.stats ? round(update.stats.z) : null,
          beta: update.stats ? round(update.stats.beta) : null,
          raw,
          confirmed: confirm.confirmed,
          candidate: confirm.candidate,
          streak: confirm.streak,
        },
      );
    }
  }

  // 3. Naked-leg check every cycle: it is the one fault that must be fixed by the next cycle.
  const check = reconcile(state.intended, { positions: inputs.positions }, params);
  if (check.naked) applyHealth({ type: 'NAKED_LEG', detail: check.actions[0]?.reason ?? 'naked leg' });
  else applyHealth({ type: 'CYCLE_END', clean: failures === 0 && check.actions.length === 0 });

  const policy = HEALTH_POLICY[health.status];
  const verdictKind = inputs.verdict?.kind ?? 'APPROVE';
  const baseBlock = stale
    ? 'stale prices'
    : !fresh
      ? 'no usable prices'
      : verdictKind === 'REDUCE_ONLY'
        ? 'risk verdict REDUCE_ONLY'
        : state.shuttingDown
          ? 'shutting down'
          : undefined;

  let holding = state.holding;
  let intended = state.intended;
  let plan: LegPlan = { orders: [], batches: [], rejected: [] };
  const snapshots = [inputs.drift, inputs.kmno, ...(inputs.otherSnapshots ?? [])];
  const markets = specsFor(inputs);
  const planFor = (targets: TargetPosition[], options: LegPlanOptions) =>
    planLegOrders(targets, inputs.positions, snapshots, params, markets, options);
  const closeAllTargets = (): TargetPosition[] => {
    const indexes = new Set([DRIFT_MARKET_INDEX, KMNO_MARKET_INDEX]);
    for (const p of inputs.positions) if (p.base !== 0n) indexes.add(p.marketIndex);
    return [...indexes].map((marketIndex) => ({ kind: 'target', marketIndex, base: 0 }));
  };
  const setHolding = (d: SpreadDirection) => {
    holding = d;
    intended = legsFor(d, params);
  };
  const hasPositions = inputs.positions.some((p) => p.base !== 0n);
  const outside = heldOutsideBand(inputs.verdict, inputs.positions, params.sizeTolerance);

  const pausedNote = verdictKind === 'PAUSE' ? ' (under a PAUSE verdict: a close only reduces risk)' : '';
  if (state.shuttingDown) {
    if (params.closeOnShutdown) {
      plan = planFor(closeAllTargets(), { openingBlocked: 'shutting down', closes: 'independent' });
      setHolding('FLAT');
      if (hasPositions) emit('info', 'POSITION', `shutdown: closing all positions${pausedNote}`);
    } else {
      emit('info', 'POSITION', 'shutdown: closeOnShutdown is off, positions left open');
    }
  } else if (policy.closeAll) {
    plan = planFor(closeAllTargets(), { openingBlocked: 'EMERGENCY', closes: 'independent' });
    setHolding('FLAT');
    if (hasPositions)
      emit('error', 'POSITION', `EMERGENCY: closing all positions${pausedNote}`, { reason: health.reason });
  } else if (verdictKind === 'PAUSE') {
    emit('warn', 'RISK', 'risk verdict PAUSE: no orders this cycle', {
      reasons: inputs.verdict?.reasons.map((r) => r.message),
    });
  } else if (outside) {
    plan = planFor(closeAllTargets(), { openingBlocked: outside, closes: 'paired' });
    setHolding('FLAT');
    emit('warn', 'RISK', `closing the pair: ${outside}`, {
      reasons: inputs.verdict?.reasons.map((r) => r.message),
    });
  } else {
    const due = check.naked || policy.reconcileEveryCycle || cycle % params.reconcileEveryCycles === 0;
    let acted = false;
    if (due) {
      const repairBlock = baseBlock ?? (policy.repairs ? undefined : `health ${health.status}`);
      const rr = reconcile(intended, { positions: inputs.positions }, params, {
        naked: repairBlock ? 'unwind' : 'repair',
      });
      if (rr.actions.length === 0) emit('debug', 'RECONCILE', 'positions match the intent');
      for (const a of rr.actions) {
        emit('warn', 'RECONCILE', a.reason, {
          action: a.kind,
          market: a.market,
          from: a.fromBase,
          to: a.toBase,
        });
      }
      if (rr.actions.length > 0) {
        acted = true;
        const targets = rr.actions.map(
          (a): TargetPosition => ({ kind: 'target', marketIndex: a.marketIndex, base: a.toBase }),
        );
        plan = planFor(targets, {
          openingBlocked: repairBlock ?? clampBlocks(inputs.verdict, targets),
          closes: 'independent',
        });
        if (rr.actions.some((a) => a.kind === 'unwindNakedLeg') && plan.orders.length > 0) {
          setHolding('FLAT');
          emit('warn', 'POSITION', 'naked leg unwound: holding FLAT');
        }
      }
    }
    if (!acted && confirm.confirmed !== holding) {
      let target = confirm.confirmed;
      const entryBlock = baseBlock ?? (policy.newEntries ? undefined : `health ${health.status}`);
      if (!fresh) {
        // No direction change on stale prices, not even an exit: the next fresh cycle acts.
        emit('info', 'POSITION', `${holding} → ${target} deferred: ${baseBlock}`);
        target = holding;
      } else if (target !== 'FLAT' && entryBlock) {
        emit('info', 'POSITION', `entry ${target} not taken: ${entryBlock}`);
        target = 'FLAT';
      }
      if (target !== holding) {
        const targets = targetsForLegs(legsFor(target, params));
        plan = planFor(targets, {
          openingBlocked: entryBlock ?? clampBlocks(inputs.verdict, targets),
          closes: 'paired',
        });
        const opened = plan.orders.some((o) => !o.reduceOnly);
        if (plan.rejected.length === 0) setHolding(target);
        else if (plan.orders.length > 0 && !opened) setHolding('FLAT');
        if (holding !== state.holding) {
          emit('info', 'POSITION', `${state.holding} → ${holding}`, {
            driftBase: intended.driftBase,
            kmnoBase: intended.kmnoBase,
            z: lastStats ? round(lastStats.z) : null,
          });
        } else {
          emit('warn', 'POSITION', `${holding} → ${target} not done: orders failed validation`);
        }
      }
    }
  }

  for (const o of plan.orders) {
    emit(
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
  for (const r of plan.rejected) {
    emit('warn', 'ORDER', `not sent: ${r.reason}`, {
      market: r.market,
      side: r.side,
      base: baseToNumber(r.base),
    });
  }

  const shutdownComplete =
    state.shuttingDown && (!params.closeOnShutdown || (!hasPositions && plan.orders.length === 0));
  return {
    state: { cycle, fit, confirm, holding, intended, health, shuttingDown: state.shuttingDown, lastStats },
    orders: plan.orders,
    batches: plan.batches,
    rejected: plan.rejected,
    log,
    shutdownComplete,
  };
}
