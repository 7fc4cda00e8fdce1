/**
 * Intended legs vs the venue's positions (the venue is the truth). Each action says what the position should
 * become and why; the cycle turns actions into absolute targets for the legs planner.
 *
 * Tolerance: a leg whose venue size differs from the intent by at most `sizeTolerance × leg quantity` is left
 * alone (partial fills and step rounding are not worth a trade). Positions on any other market are closed.
 * Naked leg: both legs intended, one held, the other absent. It is repaired (the missing leg is recreated)
 * or unwound (the held leg is closed) depending on `options.naked`; the health machine escalates to
 * EMERGENCY when it is still naked one cycle later.
 */
import { getMarket } from '../../domain/markets.ts';
import { baseToNumber } from '../../domain/precision.ts';
import type { SpreadParams } from './params.ts';
import { DRIFT_MARKET_INDEX, type IntendedLegs, KMNO_MARKET_INDEX, type LegPosition } from './types.ts';

export type ReconcileActionKind = 'resize' | 'close' | 'recreate' | 'repairNakedLeg' | 'unwindNakedLeg';

export interface ReconcileAction {
  kind: ReconcileActionKind;
  marketIndex: number;
  market: string;
  /** Signed base units now on the venue. */
  fromBase: number;
  /** Signed base units the position should become. */
  toBase: number;
  reason: string;
}

export interface ReconcileResult {
  actions: ReconcileAction[];
  /** True when exactly one of two intended legs is held. */
  naked: boolean;
}

export interface ReconcileOptions {
  /** 'repair' (default): recreate the missing leg. 'unwind': close the held leg (when opening is not allowed). */
  naked?: 'repair' | 'unwind';
}

const symbolOf = (index: number): string => {
  try {
    return getMarket(index).symbol;
  } catch {
    return `perp-${index}`;
  }
};

interface Leg {
  index: number;
  market: string;
  intended: number;
  venue: number;
  tol: number;
}

const fmt = (v: number): string => String(Number(v.toFixed(9)));

export function reconcile(
  intended: IntendedLegs,
  venue: { positions: readonly LegPosition[] },
  params: Pick<SpreadParams, 'driftQuantity' | 'kmnoQuantity' | 'sizeTolerance'>,
  options: ReconcileOptions = {},
): ReconcileResult {
  const venueBase = (index: number): number =>
    venue.positions.filter((p) => p.marketIndex === index).reduce((s, p) => s + baseToNumber(p.base), 0);
  // The epsilon keeps a zero tolerance from flagging float noise.
  const legOf = (index: number, intendedBase: number, quantity: number): Leg => ({
    index,
    market: symbolOf(index),
    intended: intendedBase,
    venue: venueBase(index),
    tol: params.sizeTolerance * quantity + 1e-9,
  });
  const legs = [
    legOf(DRIFT_MARKET_INDEX, intended.driftBase, params.driftQuantity),
    legOf(KMNO_MARKET_INDEX, intended.kmnoBase, params.kmnoQuantity),
  ];
  const actions: ReconcileAction[] = [];
  const act = (kind: ReconcileActionKind, leg: Leg, toBase: number, reason: string) =>
    actions.push({ kind, marketIndex: leg.index, market: leg.market, fromBase: leg.venue, toBase, reason });

  const held = (l: Leg) => Math.abs(l.venue) > l.tol;
  const bothIntended = legs.every((l) => l.intended !== 0);
  const naked = bothIntended && held(legs[0]) !== held(legs[1]);

  if (naked) {
    const present = held(legs[0]) ? legs[0] : legs[1];
    const missing = present === legs[0] ? legs[1] : legs[0];
    const what = `naked leg: ${present.market} holds ${fmt(present.venue)}, ${missing.market} holds ${fmt(missing.venue)} (intended ${fmt(missing.intended)})`;
    if ((options.naked ?? 'repair') === 'unwind') {
      act('unwindNakedLeg', present, 0, `${what}; unwinding ${present.market}`);
      if (missing.venue !== 0) act('close', missing, 0, `${what}; closing the dust on ${missing.market}`);
    } else {
      act('repairNakedLeg', missing, missing.intended, `${what}; recreating ${missing.market}`);
      checkSize(present, act);
    }
  } else {
    for (const leg of legs) {
      if (leg.intended === 0) {
        if (held(leg))
          act('close', leg, 0, `unexpected position: ${leg.market} holds ${fmt(leg.venue)}, intended 0`);
      } else if (!held(leg)) {
        act(
          'recreate',
          leg,
          leg.intended,
          `missing leg: ${leg.market} holds ${fmt(leg.venue)}, intended ${fmt(leg.intended)}`,
        );
      } else {
        checkSize(leg, act);
      }
    }
  }

  const legIndexes = new Set(legs.map((l) => l.index));
  const others = new Set(
    venue.positions.filter((p) => !legIndexes.has(p.marketIndex) && p.base !== 0n).map((p) => p.marketIndex),
  );
  for (const index of [...others].sort((a, b) => a - b)) {
    const leg: Leg = { index, market: symbolOf(index), intended: 0, venue: venueBase(index), tol: 0 };
    act(
      'close',
      leg,
      0,
      `unexpected position: ${leg.market} holds ${fmt(leg.venue)} and is not a leg of this bot`,
    );
  }
  return { actions, naked };
}

/** A held leg off its intent by more than the tolerance is resized: cut back when too large, topped up when short. */
function checkSize(
  leg: Leg,
  act: (kind: ReconcileActionKind, leg: Leg, toBase: number, reason: string) => void,
) {
  const diff = leg.venue - leg.intended;
  if (Math.abs(diff) <= leg.tol) return;
  const intendedSize = Math.abs(leg.intended);
  const ratio = leg.venue / leg.intended;
  const detail = `${leg.market} holds ${fmt(leg.venue)}, intended ${fmt(leg.intended)} (tolerance ${fmt(leg.tol)})`;
  let reason: string;
  if (ratio < 0) reason = `wrong side: ${detail}`;
  else if (Math.abs(ratio - 2) * intendedSize <= leg.tol) reason = `doubled leg cut back: ${detail}`;
  else if (ratio > 1) reason = `size drift, cut back: ${detail}`;
  else reason = `size drift, topped up: ${detail}`;
  act('resize', leg, leg.intended, reason);
}
