/**
 * A certificate that the run's extremes (maxLeverage, minHealth, minLiqDistancePct: bar-measures.ts) cannot
 * move while the account stays as it is and the primary market's oracle and mark stay in a box of PRICE
 * integers around those of the bar that issued it. A bar that writes no report row reads the account's margin
 * and liquidation price for nothing but those extremes, so inside the box it skips both reads (issue 17: they
 * were most of the per-bar measures' cost, on bars that mostly write nothing).
 *
 * Why a skipped bar leaves every report byte as it was. On a bar that writes no row, endOfBar uses the figures
 * f and the liquidation price only in `f.leverage > maxLeverage`, `f.health < minHealth` and, when the book
 * holds a position and the price is not null, `d < minLiqDistancePct` (or the distance is the first), with
 * d = (|mark − liq| / mark)·100, mark = M/1e6 and liq = L/1e6 for the PRICE integers M and L; and reading them
 * changes nothing in the venue. So the bar may skip them when none of the three can be true. Let the
 * certificate be issued with the account's stamp s (SimExchange.accountStamp: it changes with anything in the
 * account but the prices), the extremes E₀ then, and a box [oLo, oHi] × [mLo, mHi] over whose oracles the
 * simulator's figures are bounded by b (venue/sim/margin-bounds.ts: exact bounds of the figures it reports,
 * for an account in that state), checked here as
 *  (1) b.leverageHi ≤ E₀.maxLeverage and (2) b.healthLo ≥ E₀.minHealth;
 *  (3) the liquidation price: none anywhere; or below a bound < 0 (then never a price); or, with a distance in
 *      E₀, below a bound 0 ≤ λ ≤ mLo with D_lo = 100·(mLo − λ)/mLo, or above a bound λ ≥ mHi with
 *      D_lo = 100·(λ − mHi)/mHi, and clearlyAtMost(E₀.minLiqDistancePct, fl(D_lo)).
 * On a later bar with stamp s and (oracle, mark) in the box, the account is the one b was made for, so
 * f.leverage ≤ b.leverageHi ≤ E₀.maxLeverage ≤ maxLeverage (the extremes only move outward) and
 * f.health ≥ b.healthLo ≥ E₀.minHealth ≥ minHealth: neither comparison holds. For the distance, with L ≤ λ ≤
 * mLo ≤ M (below) or L ≥ λ ≥ mHi ≥ M (above), the exact D = 100·|M − L|/M is at least D_lo (it grows with M in
 * the first case and with L in the second, falls with L resp. M). The computed d rounds M/1e6, L/1e6, the
 * difference, the quotient and the ·100, each by a relative u = 2^−53 at most (nothing near underflow), so
 * d ≥ (D − 100u·(M + L)/M)(1 − 4u) ≥ D(1 − 5u) − 200u, as (M + L)/M ≤ 2 + D/100. fl(D_lo) is D_lo from an
 * exact integer difference with two roundings, so D_lo ≥ fl(D_lo)(1 − 3u); and clearlyAtMost (risk/quiet-box.ts)
 * gives fl(D_lo) ≥ min + 1e-9·(min + fl(D_lo)) + 1e-12 (its own rounding far below that). Hence d ≥
 * fl(D_lo)(1 − 8u) − 200u ≥ min: 1e-9 covers 8u ≈ 9e-16 of fl(D_lo), and 1e-12 covers 200u ≈ 2.2e-14. So
 * `d < minLiqDistancePct` does not hold either. A bar that writes a row computes everything as before.
 * extremes-certificate.test.ts checks (1)–(3) against the simulator's exact figures and the distance as
 * endOfBar computes it, at random prices in random boxes; bar-measures.test.ts runs whole backtests with the
 * certificate and without it and compares the reports.
 */
import { clearlyAtMost } from '../risk/quiet-box.ts';
import type { FigureBounds } from '../venue/sim/margin-bounds.ts';

/** The run's extremes so far (BarMeasures' fields). */
export interface Extremes {
  readonly maxLeverage: number;
  readonly minHealth: number;
  readonly minLiqDistancePct: number | null;
}

/** The PRICE integers the certificate holds for, inclusive. */
export interface ExtremesBox {
  oracleLo: number;
  oracleHi: number;
  markLo: number;
  markHi: number;
}

/** The figures' bounds over oracle PRICE integers [lo, hi], the account as it is (SimExchange.figureBounds). */
export type BoundsOver = (lo: number, hi: number) => FigureBounds | undefined;

/**
 * Box half-widths tried, widest first (relative to the prices): the account changes every few dozen bars on a
 * grid, so a box much wider than the price moves in that time buys little, and each width tried costs a bound.
 */
const WIDTHS = [0.02, 0.004] as const;

/** The widest box of WIDTHS around (oracle, mark) in which no extreme can move, or undefined. */
export function extremesBox(
  boundsOver: BoundsOver,
  oracle: number,
  mark: number,
  x: Extremes,
): ExtremesBox | undefined {
  if (!(oracle > 0 && mark > 0)) return undefined;
  for (const w of WIDTHS) {
    const box = {
      oracleLo: Math.floor(oracle * (1 - w)),
      oracleHi: Math.ceil(oracle * (1 + w)),
      markLo: Math.floor(mark * (1 - w)),
      markHi: Math.ceil(mark * (1 + w)),
    };
    const b = boundsOver(box.oracleLo, box.oracleHi);
    if (b === undefined) return undefined;
    if (
      b.leverageHi <= x.maxLeverage &&
      b.healthLo >= x.minHealth &&
      distanceHolds(b, box, x.minLiqDistancePct)
    )
      return box;
  }
  return undefined;
}

/** (3) of the module comment: no distance the box allows is below `min`. */
function distanceHolds(b: FigureBounds, box: ExtremesBox, min: number | null): boolean {
  if (b.liquidation === 'none') return true;
  const bound = b.liquidationBound;
  if (b.liquidation === 'below') {
    if (bound < 0) return true;
    if (min === null || !(bound <= box.markLo)) return false;
    return clearlyAtMost(min, ((box.markLo - bound) / box.markLo) * 100);
  }
  if (min === null || !(bound >= box.markHi)) return false;
  return clearlyAtMost(min, ((bound - box.markHi) / box.markHi) * 100);
}

/** Whether (oracle, mark) lies in the box (false for NaN). */
export const inExtremesBox = (box: ExtremesBox, oracle: number, mark: number): boolean =>
  oracle >= box.oracleLo && oracle <= box.oracleHi && mark >= box.markLo && mark <= box.markHi;

/** The last certificate: its box and the stamp it was issued under. */
export class ExtremesCertificate {
  #box: ExtremesBox | undefined;
  #stamp = Number.NaN;

  /** After a bar that computed the figures: the box extremesBox gave (or none) for the account of `stamp`. */
  issue(stamp: number, box: ExtremesBox | undefined): void {
    this.#box = box;
    this.#stamp = stamp;
  }

  /** True when no extreme can move this bar: the same account, the primary's oracle and mark in the box. */
  holds(stamp: number, oracle: number, mark: number): boolean {
    const box = this.#box;
    return box !== undefined && stamp === this.#stamp && inExtremesBox(box, oracle, mark);
  }
}
