/**
 * The working record of one spread cycle: what the cycle reads (inputs, params, the specs and snapshots its
 * orders are priced with) and what it builds up step by step (log, health, signal, holding, plan), with the
 * small steps every part of the cycle takes on it. One record per cycle, passed to module-level functions.
 */
import type { TargetPosition } from '../../domain/intent.ts';
import type { MarketSpec } from '../../domain/markets.ts';
import type { LogCategory, LogEvent, LogLevel } from '../../log/types.ts';
import type { SpreadCycleInputs } from './cycle.ts';
import { type HealthEvent, type HealthState, nextHealth } from './health.ts';
import { legsFor } from './intents.ts';
import { type LegPlan, type LegPlanOptions, planLegOrders } from './legs.ts';
import type { SpreadParams } from './params.ts';
import type { ConfirmState, RollingFit, SpreadStats } from './signal.ts';
import {
  DRIFT_MARKET_INDEX,
  type IntendedLegs,
  KMNO_MARKET_INDEX,
  type LegPosition,
  type SpreadDirection,
  type SpreadSnapshot,
} from './types.ts';

export interface CycleWork {
  readonly inputs: SpreadCycleInputs;
  readonly params: SpreadParams;
  readonly log: LogEvent[];
  /** Both legs' snapshots, then the other markets' (their closes are priced with them). */
  readonly snapshots: readonly SpreadSnapshot[];
  readonly markets: readonly MarketSpec[];
  health: HealthState;
  fit: RollingFit;
  confirm: ConfirmState;
  lastStats: SpreadStats | undefined;
  /** This cycle's prices moved the signal. */
  fresh: boolean;
  holding: SpreadDirection;
  intended: IntendedLegs;
  plan: LegPlan;
}

export const round = (v: number, digits = 4): number => Number(v.toFixed(digits));

export function emit(
  work: CycleWork,
  level: LogLevel,
  category: LogCategory,
  msg: string,
  fields?: Record<string, unknown>,
): void {
  work.log.push(fields ? { level, category, msg, fields } : { level, category, msg });
}

/** Moves the health by one event and logs a change of status. */
export function applyHealth(work: CycleWork, event: HealthEvent): void {
  const before = work.health.status;
  work.health = nextHealth(work.health, event, work.params);
  if (work.health.status !== before) {
    const level =
      work.health.status === 'EMERGENCY' ? 'error' : work.health.status === 'DEGRADED' ? 'warn' : 'info';
    emit(work, level, 'HEALTH', `${before} → ${work.health.status}`, {
      event: event.type,
      reason: work.health.reason,
    });
  }
}

export function setHolding(work: CycleWork, d: SpreadDirection): void {
  work.holding = d;
  work.intended = legsFor(d, work.params);
}

export function planFor(work: CycleWork, targets: TargetPosition[], options: LegPlanOptions): LegPlan {
  return planLegOrders(targets, work.inputs.positions, work.snapshots, work.params, work.markets, options);
}

/** Zero on both legs and on every other market the venue shows a position on. */
export function closeAllTargets(positions: readonly LegPosition[]): TargetPosition[] {
  const indexes = new Set([DRIFT_MARKET_INDEX, KMNO_MARKET_INDEX]);
  for (const p of positions) if (p.base !== 0n) indexes.add(p.marketIndex);
  return [...indexes].map((marketIndex) => ({ kind: 'target', marketIndex, base: 0 }));
}
