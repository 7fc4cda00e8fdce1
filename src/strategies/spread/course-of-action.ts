/**
 * The one course of action a spread cycle takes once health and signal are known (the list in cycle.ts):
 * shutdown closes, EMERGENCY closes, nothing under PAUSE, closing a pair a hard cap excludes, bringing the venue
 * back to the intent, or acting on a confirmed direction change. Each writes its plan and holding into the work.
 */
import type { TargetPosition } from '../../domain/intent.ts';
import type { SpreadBotState } from './bot-state.ts';
import { type CycleWork, closeAllTargets, emit, planFor, round, setHolding } from './cycle-work.ts';
import { HEALTH_POLICY, type HealthPolicy } from './health.ts';
import { legsFor, targetsForLegs } from './intents.ts';
import { type ReconcileResult, reconcile } from './reconcile.ts';
import { clampBlocks, heldOutsideBand } from './verdict-gates.ts';

/** Takes the first course whose condition holds, in the order of cycle.ts's list; the others do nothing. */
export function takeCourseOfAction(
  work: CycleWork,
  state: SpreadBotState,
  cycle: number,
  check: ReconcileResult,
  stale: boolean,
  hasPositions: boolean,
): void {
  const { inputs, params, health } = work;
  const policy = HEALTH_POLICY[health.status];
  const verdictKind = inputs.verdict?.kind ?? 'APPROVE';
  const baseBlock = stale
    ? 'stale prices'
    : !work.fresh
      ? 'no usable prices'
      : verdictKind === 'REDUCE_ONLY'
        ? 'risk verdict REDUCE_ONLY'
        : state.shuttingDown
          ? 'shutting down'
          : undefined;
  const outside = heldOutsideBand(inputs.verdict, inputs.positions, params.sizeTolerance);

  const pausedNote = verdictKind === 'PAUSE' ? ' (under a PAUSE verdict: a close only reduces risk)' : '';
  if (state.shuttingDown) {
    if (params.closeOnShutdown) {
      work.plan = planFor(work, closeAllTargets(inputs.positions), {
        openingBlocked: 'shutting down',
        closes: 'independent',
      });
      setHolding(work, 'FLAT');
      if (hasPositions) emit(work, 'info', 'POSITION', `shutdown: closing all positions${pausedNote}`);
    } else {
      emit(work, 'info', 'POSITION', 'shutdown: closeOnShutdown is off, positions left open');
    }
  } else if (policy.closeAll) {
    work.plan = planFor(work, closeAllTargets(inputs.positions), {
      openingBlocked: 'EMERGENCY',
      closes: 'independent',
    });
    setHolding(work, 'FLAT');
    if (hasPositions)
      emit(work, 'error', 'POSITION', `EMERGENCY: closing all positions${pausedNote}`, {
        reason: health.reason,
      });
  } else if (verdictKind === 'PAUSE') {
    emit(work, 'warn', 'RISK', 'risk verdict PAUSE: no orders this cycle', {
      reasons: inputs.verdict?.reasons.map((r) => r.message),
    });
  } else if (outside) {
    work.plan = planFor(work, closeAllTargets(inputs.positions), {
      openingBlocked: outside,
      closes: 'paired',
    });
    setHolding(work, 'FLAT');
    emit(work, 'warn', 'RISK', `closing the pair: ${outside}`, {
      reasons: inputs.verdict?.reasons.map((r) => r.message),
    });
  } else {
    const due = check.naked || policy.reconcileEveryCycle || cycle % params.reconcileEveryCycles === 0;
    let acted = false;
    if (due) acted = repairToIntent(work, policy, baseBlock);
    if (!acted && work.confirm.confirmed !== work.holding)
      actOnDirectionChange(work, state, policy, baseBlock);
  }
}

/** Reconciliation: orders that bring the venue back to the intent. True when there was anything to do. */
function repairToIntent(work: CycleWork, policy: HealthPolicy, baseBlock: string | undefined): boolean {
  const { inputs, params } = work;
  let acted = false;
  const repairBlock = baseBlock ?? (policy.repairs ? undefined : `health ${work.health.status}`);
  const rr = reconcile(work.intended, { positions: inputs.positions }, params, {
    naked: repairBlock ? 'unwind' : 'repair',
  });
  if (rr.actions.length === 0) emit(work, 'debug', 'RECONCILE', 'positions match the intent');
  for (const a of rr.actions) {
    emit(work, 'warn', 'RECONCILE', a.reason, {
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
    work.plan = planFor(work, targets, {
      openingBlocked: repairBlock ?? clampBlocks(inputs.verdict, targets),
      closes: 'independent',
    });
    if (rr.actions.some((a) => a.kind === 'unwindNakedLeg') && work.plan.orders.length > 0) {
      setHolding(work, 'FLAT');
      emit(work, 'warn', 'POSITION', 'naked leg unwound: holding FLAT');
    }
  }
  return acted;
}

/** The confirmed direction differs from the one held: both legs to the new direction, or neither. */
function actOnDirectionChange(
  work: CycleWork,
  state: SpreadBotState,
  policy: HealthPolicy,
  baseBlock: string | undefined,
): void {
  const { inputs, params } = work;
  let target = work.confirm.confirmed;
  const entryBlock = baseBlock ?? (policy.newEntries ? undefined : `health ${work.health.status}`);
  if (!work.fresh) {
    // No direction change on stale prices, not even an exit: the next fresh cycle acts.
    emit(work, 'info', 'POSITION', `${work.holding} → ${target} deferred: ${baseBlock}`);
    target = work.holding;
  } else if (target !== 'FLAT' && entryBlock) {
    emit(work, 'info', 'POSITION', `entry ${target} not taken: ${entryBlock}`);
    target = 'FLAT';
  }
  if (target !== work.holding) {
    const targets = targetsForLegs(legsFor(target, params));
    work.plan = planFor(work, targets, {
      openingBlocked: entryBlock ?? clampBlocks(inputs.verdict, targets),
      closes: 'paired',
    });
    const opened = work.plan.orders.some((o) => !o.reduceOnly);
    if (work.plan.rejected.length === 0) setHolding(work, target);
    else if (work.plan.orders.length > 0 && !opened) setHolding(work, 'FLAT');
    if (work.holding !== state.holding) {
      emit(work, 'info', 'POSITION', `${state.holding} → ${work.holding}`, {
        driftBase: work.intended.driftBase,
        kmnoBase: work.intended.kmnoBase,
        z: work.lastStats ? round(work.lastStats.z) : null,
      });
    } else {
      emit(work, 'warn', 'POSITION', `${work.holding} → ${target} not done: orders failed validation`);
    }
  }
}
