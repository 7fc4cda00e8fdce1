/**
 * Ramp-in: after a start or restart the exposure opens in `steps` equal openings, one per `intervalSec`, instead
 * of the full ladder at once (a restart in a bad market should not immediately re-place everything).
 * It scales what may be ADDED (ladder levels, band room), never forces an existing position down.
 */
import type { ExposureBand } from '../domain/intent.ts';
import type { DesiredOrder } from '../domain/snapshot.ts';
import type { RampInConfig } from './policy.ts';

/** Fraction of the exposure open at `ts`: 1/steps at start, +1/steps per interval, 1 after steps−1 intervals. */
export function rampFactor(startTs: number, ts: number, cfg: RampInConfig): number {
  if (cfg.steps <= 1) return 1;
  const elapsed = Math.max(0, ts - startTs);
  const opened = cfg.intervalSec > 0 ? Math.floor(elapsed / (cfg.intervalSec * 1000)) + 1 : cfg.steps;
  return Math.min(1, opened / cfg.steps);
}

/** The band scaled toward 0 by the factor (each bound, and the preferred point inside them). */
export function scaleBand(band: ExposureBand, factor: number): ExposureBand {
  const f = Math.min(1, Math.max(0, factor));
  return {
    ...band,
    minBase: band.minBase * f,
    maxBase: band.maxBase * f,
    preferredBase: band.preferredBase * f,
  };
}

/**
 * Keeps the nearest ceil(levels × factor) ladder levels of each side (level 1 = nearest the anchor). Non-ladder
 * orders (level 0: defense, reduction) always pass.
 */
export function scaleLadder(ladder: readonly DesiredOrder[], factor: number): DesiredOrder[] {
  const f = Math.min(1, Math.max(0, factor));
  if (f >= 1) return [...ladder];
  const keepUpTo = (side: 'buy' | 'sell'): number => {
    const levels = ladder.filter((o) => o.side === side && o.level > 0).map((o) => o.level);
    const sorted = [...new Set(levels)].sort((a, b) => a - b);
    const keep = Math.ceil(sorted.length * f);
    return keep === 0 ? 0 : sorted[keep - 1];
  };
  const maxLevel = { buy: keepUpTo('buy'), sell: keepUpTo('sell') };
  return ladder.filter((o) => o.level === 0 || o.level <= maxLevel[o.side]);
}
