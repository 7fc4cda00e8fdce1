/**
 * Mild volatility response (DESIGN.md §6): above a reference volatility the grid spaces its levels wider and
 * decides less often, in proportion to vol / referenceVol and within configured bounds. Never narrower or faster
 * than configured. Hard responses (clamp, pause) belong to the risk governor.
 */

export interface VolatilitySettings {
  /** Annualised volatility (0.8 = 80%/yr) at and below which nothing changes. */
  referenceVol: number;
  /** Upper bound of the widened step, percent. */
  maxStepPct: number;
  /** Upper bound of the cadence multiplier (decision interval × factor). */
  maxCadenceFactor: number;
}

/**
 * The widened step, percent (≥ the configured one). Step and cadence are two functions, not one response object:
 * the every-bar check of the lattice (GridBot.latticeStale) needs only the step, and makes no object per bar.
 */
export function volatilityStepPct(vol: number, baseStepPct: number, settings: VolatilitySettings): number {
  const ratio = vol / settings.referenceVol;
  if (!(ratio > 1)) return baseStepPct;
  return Math.max(baseStepPct, Math.min(baseStepPct * ratio, settings.maxStepPct));
}

/** The decision cadence's multiplier (≥ 1). */
export function volatilityCadenceFactor(vol: number, settings: VolatilitySettings): number {
  const ratio = vol / settings.referenceVol;
  if (!(ratio > 1)) return 1;
  return Math.max(1, Math.min(ratio, settings.maxCadenceFactor));
}
