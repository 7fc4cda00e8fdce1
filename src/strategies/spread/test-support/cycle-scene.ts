/**
 * The spread cycle tests' shared scene: their params, a price path, inputs at a price, a run over a path with a
 * perfect venue, a state holding a direction.
 */
import { initialSpreadState, type SpreadBotState } from '../bot-state.ts';
import { type SpreadCycleInputs, spreadCycle } from '../cycle.ts';
import { legsFor } from '../intents.ts';
import { spreadParams } from '../params.ts';
import {
  DRIFT_MARKET_INDEX as D,
  KMNO_MARKET_INDEX as K,
  type LegPosition,
  type SpreadDirection,
} from '../types.ts';
import { applyFills, pos, snap } from './fixtures.ts';

export const params = spreadParams({
  driftQuantity: 100,
  kmnoQuantity: 1500,
  window: 20,
  signalLagPeriods: 3,
  reconcileEveryCycles: 10,
  recoveryCycles: 2,
});

/** KMNO wanders; DRIFT tracks it with ±0.2% alternating noise; `shock[i]` moves DRIFT by that fraction. */
export function prices(n: number, shock: (i: number) => number = () => 0): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const kmno = 0.1 * (1 + 0.05 * Math.sin(i / 4));
    const drift = 0.5 * (kmno / 0.1) ** 1.2 * (1 + (i % 2 ? 0.002 : -0.002)) * (1 + shock(i));
    return [drift, kmno];
  });
}

export const inputsAt = (
  drift: number,
  kmno: number,
  over: Partial<SpreadCycleInputs> = {},
): SpreadCycleInputs => ({
  ts: 0,
  drift: snap(D, drift),
  kmno: snap(K, kmno),
  positions: [],
  lastOrderResults: [],
  ...over,
});

/** Runs the bot over a price path with a perfect venue; returns per-cycle order counts and the final state. */
export function drive(
  path: [number, number][],
  stale: (i: number) => boolean = () => false,
  state = initialSpreadState(params),
) {
  let positions: LegPosition[] = [];
  const orders: number[] = [];
  const opens: number[] = [];
  for (const [i, [d, k]] of path.entries()) {
    const r = spreadCycle(
      state,
      inputsAt(d, k, { positions, drift: snap(D, d, { oracleStale: stale(i) }) }),
      params,
    );
    state = r.state;
    positions = applyFills(positions, r.orders);
    orders.push(r.orders.length);
    opens.push(r.orders.filter((o) => !o.reduceOnly).length);
  }
  return { state, positions, orders, opens };
}

export const holding = (dir: SpreadDirection, over: Partial<SpreadBotState> = {}): SpreadBotState => ({
  ...initialSpreadState(params),
  holding: dir,
  intended: legsFor(dir, params),
  confirm: { confirmed: dir, candidate: null, streak: 0 },
  ...over,
});
export const heldLong = [pos(D, 100), pos(K, -1500)];
