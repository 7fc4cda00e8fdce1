/**
 * What the spread bot carries from one cycle to the next, its starting value, and the two changes made to it
 * outside a cycle: a shutdown request and the operator's health reset.
 */
import { type HealthState, initialHealth, nextHealth } from './health.ts';
import type { SpreadParams } from './params.ts';
import {
  type ConfirmState,
  createRollingFit,
  initialConfirmState,
  type RollingFit,
  type SpreadStats,
} from './signal.ts';
import type { IntendedLegs, SpreadDirection } from './types.ts';

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
