/**
 * The spread bot's health: HEALTHY / DEGRADED / EMERGENCY, as one transition table.
 *
 * | from      | event                          | to                                                     |
 * |-----------|--------------------------------|--------------------------------------------------------|
 * | HEALTHY   | ORDER_OK                       | HEALTHY (failure streak reset)                         |
 * | HEALTHY   | ORDER_FAILED                   | HEALTHY; DEGRADED once maxConsecutiveFailures in a row |
 * | HEALTHY   | CYCLE_END                      | HEALTHY                                                |
 * | HEALTHY   | NAKED_LEG (first cycle)        | DEGRADED (the cycle repairs or unwinds it)             |
 * | DEGRADED  | ORDER_OK                       | DEGRADED (failure streak reset)                        |
 * | DEGRADED  | ORDER_FAILED                   | DEGRADED (clean streak reset)                          |
 * | DEGRADED  | CYCLE_END clean                | DEGRADED; HEALTHY after recoveryCycles clean in a row  |
 * | DEGRADED  | CYCLE_END not clean            | DEGRADED (clean streak reset)                          |
 * | any but E | NAKED_LEG again the next cycle | EMERGENCY (not repaired within one cycle)              |
 * | any but E | RISK_BREACH                    | EMERGENCY (a breach narrowing cannot repair)           |
 * | EMERGENCY | anything but MANUAL_RESET      | EMERGENCY (closes everything, opens nothing)           |
 * | any       | MANUAL_RESET                   | HEALTHY (all counters cleared)                         |
 *
 * CYCLE_END ends every cycle without a naked leg; it clears the naked-leg count. "Clean" means no order
 * failed this cycle and the legs matched the intent.
 */
import type { SpreadParams } from './params.ts';

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'EMERGENCY';

export type HealthEvent =
  | { type: 'ORDER_OK' }
  | { type: 'ORDER_FAILED'; reason: string }
  | { type: 'CYCLE_END'; clean: boolean }
  | { type: 'NAKED_LEG'; detail: string }
  | { type: 'RISK_BREACH'; detail: string }
  | { type: 'MANUAL_RESET' };

export interface HealthState {
  status: HealthStatus;
  consecutiveFailures: number;
  cleanCycles: number;
  /** Consecutive cycles that ended with a naked leg. */
  nakedCycles: number;
  /** Why the status is what it is (empty when HEALTHY from the start). */
  reason: string;
}

export type HealthLimits = Pick<SpreadParams, 'maxConsecutiveFailures' | 'recoveryCycles'>;

export const initialHealth = (): HealthState => ({
  status: 'HEALTHY',
  consecutiveFailures: 0,
  cleanCycles: 0,
  nakedCycles: 0,
  reason: '',
});

type Transition<E extends HealthEvent> = (s: HealthState, e: E, limits: HealthLimits) => HealthState;
type Row = { [K in HealthEvent['type']]: Transition<Extract<HealthEvent, { type: K }>> };

const stay = (s: HealthState): HealthState => s;
const reset: Transition<{ type: 'MANUAL_RESET' }> = () => ({ ...initialHealth(), reason: 'manual reset' });
const emergency = (s: HealthState, reason: string): HealthState => ({ ...s, status: 'EMERGENCY', reason });

const onNaked: Transition<{ type: 'NAKED_LEG'; detail: string }> = (s, e) => {
  const nakedCycles = s.nakedCycles + 1;
  if (nakedCycles >= 2) {
    return emergency({ ...s, nakedCycles }, `naked leg not repaired within one cycle: ${e.detail}`);
  }
  return { ...s, status: 'DEGRADED', nakedCycles, cleanCycles: 0, reason: `naked leg: ${e.detail}` };
};

const onBreach: Transition<{ type: 'RISK_BREACH'; detail: string }> = (s, e) =>
  emergency(s, `risk breach that cannot be repaired: ${e.detail}`);

export const HEALTH_TRANSITIONS: Readonly<Record<HealthStatus, Row>> = {
  HEALTHY: {
    ORDER_OK: (s) => ({ ...s, consecutiveFailures: 0 }),
    ORDER_FAILED: (s, e, limits) => {
      const consecutiveFailures = s.consecutiveFailures + 1;
      if (consecutiveFailures < limits.maxConsecutiveFailures) return { ...s, consecutiveFailures };
      return {
        ...s,
        status: 'DEGRADED',
        consecutiveFailures,
        cleanCycles: 0,
        reason: `${consecutiveFailures} consecutive order failures (last: ${e.reason})`,
      };
    },
    CYCLE_END: (s) => ({ ...s, nakedCycles: 0 }),
    NAKED_LEG: onNaked,
    RISK_BREACH: onBreach,
    MANUAL_RESET: reset,
  },
  DEGRADED: {
    ORDER_OK: (s) => ({ ...s, consecutiveFailures: 0 }),
    ORDER_FAILED: (s) => ({ ...s, consecutiveFailures: s.consecutiveFailures + 1, cleanCycles: 0 }),
    CYCLE_END: (s, e, limits) => {
      if (!e.clean) return { ...s, nakedCycles: 0, cleanCycles: 0 };
      const cleanCycles = s.cleanCycles + 1;
      if (cleanCycles < limits.recoveryCycles) return { ...s, nakedCycles: 0, cleanCycles };
      return { ...initialHealth(), reason: `recovered after ${cleanCycles} clean cycles` };
    },
    NAKED_LEG: onNaked,
    RISK_BREACH: onBreach,
    MANUAL_RESET: reset,
  },
  EMERGENCY: {
    ORDER_OK: stay,
    ORDER_FAILED: stay,
    CYCLE_END: stay,
    NAKED_LEG: stay,
    RISK_BREACH: stay,
    MANUAL_RESET: reset,
  },
};

export function nextHealth(state: HealthState, event: HealthEvent, limits: HealthLimits): HealthState {
  const transition = HEALTH_TRANSITIONS[state.status][event.type] as Transition<HealthEvent>;
  return transition(state, event, limits);
}

/** What each status lets the cycle do. */
export interface HealthPolicy {
  /** Enter a new spread position on a signal. */
  newEntries: boolean;
  /** Recreate missing legs / repair a naked leg (these open, but restore the hedge). */
  repairs: boolean;
  /** Close every position and stop. */
  closeAll: boolean;
  /** Reconcile every cycle instead of every reconcileEveryCycles. */
  reconcileEveryCycle: boolean;
}

export const HEALTH_POLICY: Readonly<Record<HealthStatus, HealthPolicy>> = {
  HEALTHY: { newEntries: true, repairs: true, closeAll: false, reconcileEveryCycle: false },
  // DEGRADED: minor issues, trading continues (the seed's promise); reconciliation runs every cycle meanwhile.
  DEGRADED: { newEntries: true, repairs: true, closeAll: false, reconcileEveryCycle: true },
  EMERGENCY: { newEntries: false, repairs: false, closeAll: true, reconcileEveryCycle: false },
};
