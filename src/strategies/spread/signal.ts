/**
 * The pair signal: a rolling OLS hedge ratio of log DRIFT on log KMNO and the z-score of the residual spread,
 * then lag confirmation. Pure and amortised O(1) per observation.
 *
 * spread_t = ln DRIFT_t − β·ln KMNO_t − α, with β, α the OLS fit over the last `window` observations
 * (the current one included) and z_t = spread_t / σ, σ the residual standard deviation over the window.
 * z low means DRIFT is cheap against KMNO: LONG (buy DRIFT, sell KMNO); z high is the mirror.
 */
import type { SpreadDirection } from './types.ts';

/**
 * Observations live in append-only arrays shared between successive states: a state only reads its own
 * [start, end) slice, so appending past the end never changes what an older state sees. When an older state
 * is updated again (a branch) or the arrays grow past a bound, the live window is copied first. This keeps
 * updates pure without copying the window every time.
 */
interface Observations {
  xs: number[];
  ys: number[];
}

export interface RollingFit {
  readonly window: number;
  readonly obs: Observations;
  readonly start: number;
  readonly end: number;
  readonly sx: number;
  readonly sy: number;
  readonly sxx: number;
  readonly sxy: number;
  readonly syy: number;
  /** Updates since the sums were last rebuilt from the window: rebuilding every `window` updates bounds
   *  floating-point drift from adding and removing at O(window / window) = O(1) amortised cost. */
  readonly sinceRebuild: number;
}

export interface SpreadStats {
  /** Observations in the window. */
  n: number;
  beta: number;
  alpha: number;
  /** Current residual spread (log units). */
  spread: number;
  /** Residual standard deviation over the window (log units). */
  sigma: number;
  z: number;
}

export function createRollingFit(window: number): RollingFit {
  if (!Number.isInteger(window) || window < 2)
    throw new RangeError(`window must be an integer ≥ 2, got ${window}`);
  return {
    window,
    obs: { xs: [], ys: [] },
    start: 0,
    end: 0,
    sx: 0,
    sy: 0,
    sxx: 0,
    sxy: 0,
    syy: 0,
    sinceRebuild: 0,
  };
}

function sumsOf(xs: number[], ys: number[], start: number, end: number) {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = start; i < end; i++) {
    const x = xs[i];
    const y = ys[i];
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  return { sx, sy, sxx, sxy, syy };
}

/** Adds one observation (x = ln KMNO, y = ln DRIFT) and drops the oldest beyond the window. */
export function pushObservation(fit: RollingFit, x: number, y: number): RollingFit {
  let { obs, start, end } = fit;
  const shared = obs.xs.length === end;
  if (!shared || obs.xs.length >= 4 * fit.window + 16) {
    obs = { xs: obs.xs.slice(start, end), ys: obs.ys.slice(start, end) };
    end -= start;
    start = 0;
  }
  obs.xs.push(x);
  obs.ys.push(y);
  end += 1;
  let { sx, sy, sxx, sxy, syy } = fit;
  sx += x;
  sy += y;
  sxx += x * x;
  sxy += x * y;
  syy += y * y;
  if (end - start > fit.window) {
    const ox = obs.xs[start];
    const oy = obs.ys[start];
    sx -= ox;
    sy -= oy;
    sxx -= ox * ox;
    sxy -= ox * oy;
    syy -= oy * oy;
    start += 1;
  }
  let sinceRebuild = fit.sinceRebuild + 1;
  if (sinceRebuild >= fit.window) {
    ({ sx, sy, sxx, sxy, syy } = sumsOf(obs.xs, obs.ys, start, end));
    sinceRebuild = 0;
  }
  return { window: fit.window, obs, start, end, sx, sy, sxx, sxy, syy, sinceRebuild };
}

/** The fit and z-score of the newest observation; undefined while warming up or when the window is flat. */
export function spreadStats(fit: RollingFit): SpreadStats | undefined {
  const n = fit.end - fit.start;
  if (n < fit.window) return undefined;
  const mx = fit.sx / n;
  const my = fit.sy / n;
  const vxx = fit.sxx / n - mx * mx;
  const vxy = fit.sxy / n - mx * my;
  const vyy = fit.syy / n - my * my;
  // A KMNO series that did not move in the window has no hedge ratio.
  if (!(vxx > 1e-14)) return undefined;
  const beta = vxy / vxx;
  const alpha = my - beta * mx;
  const residualVar = vyy - beta * vxy;
  // Sums of squares carry ~1e-16 relative error of the raw second moments; a residual variance within a
  // thousand times that is noise (a perfect fit), not a spread to trade.
  const noiseFloor = 1e-13 * (fit.syy / n + fit.sxx / n) + 1e-18;
  if (!(residualVar > noiseFloor)) return undefined;
  const sigma = Math.sqrt(residualVar);
  const x = fit.obs.xs[fit.end - 1];
  const y = fit.obs.ys[fit.end - 1];
  const spread = y - alpha - beta * x;
  return { n, beta, alpha, spread, sigma, z: spread / sigma };
}

export type PriceUpdate =
  | { ok: true; fit: RollingFit; stats: SpreadStats | undefined }
  | { ok: false; fit: RollingFit; reason: string };

/** Feeds one pair of fresh prices (quote units) into the fit. Non-positive or non-finite prices are refused. */
export function updateSignal(fit: RollingFit, driftPrice: number, kmnoPrice: number): PriceUpdate {
  if (!(driftPrice > 0 && Number.isFinite(driftPrice) && kmnoPrice > 0 && Number.isFinite(kmnoPrice))) {
    return { ok: false, fit, reason: `unusable prices DRIFT=${driftPrice} KMNO=${kmnoPrice}` };
  }
  const next = pushObservation(fit, Math.log(kmnoPrice), Math.log(driftPrice));
  return { ok: true, fit: next, stats: spreadStats(next) };
}

/** HOLD: between the exit and entry bands, or no z-score yet; keep whatever is confirmed. */
export type RawSignal = SpreadDirection | 'HOLD';

export function rawSignal(z: number | undefined, entryZ: number, exitZ: number): RawSignal {
  if (z === undefined || !Number.isFinite(z)) return 'HOLD';
  if (z <= -entryZ) return 'LONG';
  if (z >= entryZ) return 'SHORT';
  if (Math.abs(z) < exitZ) return 'FLAT';
  return 'HOLD';
}

export interface ConfirmState {
  /** The direction the bot acts upon. */
  confirmed: SpreadDirection;
  /** A different direction seen on the latest consecutive observations, and how many times in a row. */
  candidate: SpreadDirection | null;
  streak: number;
}

export const initialConfirmState = (): ConfirmState => ({ confirmed: 'FLAT', candidate: null, streak: 0 });

/**
 * A change of direction is acted upon only after `lag` consecutive raw signals ask for the same new
 * direction. A HOLD, or a signal equal to the confirmed direction, breaks the streak. The caller does not
 * call this on stale cycles, so stale cycles neither count toward nor break a streak.
 */
export function confirmSignal(
  state: ConfirmState,
  raw: RawSignal,
  lag: number,
): { state: ConfirmState; changed: boolean } {
  if (raw === 'HOLD' || raw === state.confirmed) {
    return { state: { confirmed: state.confirmed, candidate: null, streak: 0 }, changed: false };
  }
  const streak = raw === state.candidate ? state.streak + 1 : 1;
  if (streak >= lag) return { state: { confirmed: raw, candidate: null, streak: 0 }, changed: true };
  return { state: { confirmed: state.confirmed, candidate: raw, streak }, changed: false };
}
