/**
 * A certificate that the price rules (A liquidation buffer, B leverage, C daily loss, D notional) cannot trip while
 * the mark and the oracle stay inside a box around the prices of a check that tripped none of them, with
 * nothing in the account but the prices changed (issue 17: the every-bar risk pre-check read the whole account
 * on every bar, most of them quiet). Inside the box a check need only run the snapshot rules (E, F, V, G) to
 * know whether any rule trips; outside it, or once the account changed, it reads the account again.
 *
 * What it assumes of the account (the simulator's Drift margin, venue/sim/margin.ts, with a position on one
 * market only and its maintenance pnl weight 100%, Drift's default), with the position, orders, collateral and
 * funding fixed and the oracle `o` moving:
 *  - total collateral TC(o) = const + base·o, up to one truncation: its slope is the position's base;
 *  - the maintenance requirement MR(o) = c + a·o with a, c ≥ 0 (worst-case liability × ratio, open-order margin,
 *    a borrow), up to two truncations: so MR(o) ≤ MR(o₀)·o/o₀ above o₀ and MR(o) ≥ MR(o₀)·o/o₀ below it;
 *  - health = round(clamp((1 − MR/TC)·100)), rising in TC and falling in MR;
 *  - the liquidation price of a long is o − free/δ with free ≥ TC − MR and 0 < δ ≤ base, so it is at most
 *    o − (TC − MR)/base; a short's is o + free/|δ| with |δ| ≤ |base|·(1 + r), r its maintenance ratio (at most
 *    MR/(|base|·o)), so at least o + (TC − MR)/(|base|·(1 + r)).
 * Each rule's measure is then bounded over the box by its worst corner, each appearance of a price taken at its
 * own worst end (interval arithmetic: sound, a little cautious), and must clear its limit with room for the
 * floats' rounding. quiet-box.test.ts checks the certificate against the simulator's own figures and the
 * governor at random prices inside random boxes.
 *
 * Only for a governor with no rule active (no hysteresis in force, no daily-loss latch) and no notional on other
 * markets: the caller checks both.
 *
 * The requirement's slope rests on one worst side over the whole box. Drift picks the side by the larger
 * liability ⌊|size|·o/1e9⌋, the asks on a tie, and with a size premium (imf) the two sides' ratios differ: a tie
 * at the check's oracle and none above it would switch to the side with the larger ratio, a jump of about
 * liability/1e4 that QUOTE_SLACK does not cover. Sizes are on the market's step, so two sides of different
 * sizes differ by a step at least, and their liabilities then never tie where step·o ≥ 1e9 (BASE × PRICE
 * units: below $0.01 for every market in the table); equal sizes have equal ratios. No box is issued where
 * the premium applies and that may fail (premiumSideFixed).
 */
import type { ExposureBand } from '../domain/intent.ts';
import type { MarketSpec } from '../domain/markets.ts';
import { type AccountFigures, bandExtent, worstCaseBase } from './inputs.ts';
import type { RiskLimits } from './limits.ts';

/** The prices a certificate holds for, inclusive. */
export interface QuietBox {
  markLo: number;
  markHi: number;
  oracleLo: number;
  oracleHi: number;
}

export interface QuietBoxInputs {
  /** The account at `mark` and `oracle`, as the governor read it: no rule tripped. */
  figures: AccountFigures;
  mark: number;
  /** The oracle the figures were priced at (the venue's). */
  oracle: number;
  /** The band the check was asked for. */
  band: ExposureBand;
  /** Equity at the start of the check's day (the daily-loss rule's baseline). */
  dayStartEquity: number;
  /** The market's maintenance margin ratio (MarketFacts), as the liquidation rule models new exposure. */
  mmr: number;
  /** The market's step and size premium: whether the margin's worst side stays fixed (premiumSideFixed). */
  market: Pick<MarketSpec, 'stepSize' | 'imfFactor'>;
}

/** USDC the venue's truncations may move a figure by (a few micro-USDC), with room to spare. */
const QUOTE_SLACK = 1e-4;
/** USD the liquidation price's own truncation may move it by (a PRICE unit), with room to spare. */
const PRICE_SLACK = 1e-5;
/** Relative room left for the rules' own float arithmetic (their rounding is ~1e-15). */
const ROOM = 1e-9;

/** Box half-widths tried, widest first (relative to the prices): a wider box lasts longer, a narrower one fits more accounts. */
const WIDTHS = [0.02, 0.005, 0.001] as const;

/** a ≤ b with room for rounding on both sides (a relative 1e-9 of both, and 1e-12). */
export const clearlyAtMost = (a: number, b: number): boolean =>
  a <= b - ROOM * (Math.abs(a) + Math.abs(b)) - 1e-12;

/** The widest box the price rules hold in, or undefined (none of the widths, or the account is out of scope). */
export function quietBox(x: QuietBoxInputs, limits: RiskLimits): QuietBox | undefined {
  const { mark, oracle } = x;
  if (!(mark > 0) || !(oracle > 0) || !Number.isFinite(x.figures.totalCollateral)) return undefined;
  for (const w of WIDTHS) {
    const box = {
      markLo: mark * (1 - w),
      markHi: mark * (1 + w),
      oracleLo: oracle * (1 - w),
      oracleHi: oracle * (1 + w),
    };
    if (premiumSideFixed(x.market, box.oracleLo) && priceRulesHold(x, limits, box)) return box;
  }
  return undefined;
}

/**
 * Whether the margin's worst side cannot switch to a larger ratio inside a box whose oracle is at least
 * `oracleLo` (USD): no size premium (both sides' ratios alike), or a step large enough that sides of different
 * sizes never tie (the module comment's last paragraph).
 */
export function premiumSideFixed(
  market: Pick<MarketSpec, 'stepSize' | 'imfFactor'>,
  oracleLo: number,
): boolean {
  if (!((market.imfFactor ?? 0) > 0)) return true;
  // step (BASE) × oracle (PRICE = USD × 1e6) ≥ 1e9: then ⌊|a|·o/1e9⌋ and ⌊|b|·o/1e9⌋ differ for |a| ≠ |b|
  return Number(market.stepSize) * oracleLo * 1e6 >= 1e9;
}

/** Whether (mark, oracle) lies in the box. */
export const inQuietBox = (box: QuietBox, mark: number, oracle: number): boolean =>
  mark >= box.markLo && mark <= box.markHi && oracle >= box.oracleLo && oracle <= box.oracleHi;

/** The account's figures bounded over a box (see the module comment for why each bound holds). */
interface Bounds {
  /** Total collateral, lowest. */
  equityLo: number;
  /** Maintenance requirement, highest. */
  requirementHi: number;
}

function boundsOver(x: QuietBoxInputs, box: QuietBox): Bounds {
  const f = x.figures;
  const moveDown = x.oracle - box.oracleLo;
  const moveUp = box.oracleHi - x.oracle;
  // TC's slope is the base: a long loses as the oracle falls, a short as it rises
  const loss = f.positionBase >= 0 ? f.positionBase * moveDown : -f.positionBase * moveUp;
  return {
    equityLo: f.totalCollateral - loss - QUOTE_SLACK,
    requirementHi: (f.maintenanceRequirement + QUOTE_SLACK) * (box.oracleHi / x.oracle) * (1 + ROOM),
  };
}

/** Rules A–D trip nowhere in the box. */
function priceRulesHold(x: QuietBoxInputs, limits: RiskLimits, box: QuietBox): boolean {
  const b = boundsOver(x, box);
  if (!(b.equityLo > 0)) return false;
  return (
    notionalHolds(x, limits, box, b) &&
    dailyLossHolds(x, limits, b) &&
    healthHolds(limits, b) &&
    distanceHolds(x, limits, box, b) &&
    safeBandHolds(x, limits, box, b)
  );
}

/** B and D: the worst-case base (position and orders, or the band) at the highest mark, over the lowest equity. */
function notionalHolds(x: QuietBoxInputs, limits: RiskLimits, box: QuietBox, b: Bounds): boolean {
  const notional = Math.max(worstCaseBase(x.figures), bandExtent(x.band)) * box.markHi;
  return (
    clearlyAtMost(notional, limits.maxNotional) && clearlyAtMost(notional / b.equityLo, limits.maxLeverage)
  );
}

/** C: the day's loss at the lowest equity. */
const dailyLossHolds = (x: QuietBoxInputs, limits: RiskLimits, b: Bounds): boolean =>
  clearlyAtMost(x.dayStartEquity - b.equityLo, limits.maxDailyLoss);

/** A, health: the venue's health (rounded) at the highest requirement over the lowest equity. */
function healthHolds(limits: RiskLimits, b: Bounds): boolean {
  const h = (1 - b.requirementHi / b.equityLo) * 100;
  const health = Math.round(Math.min(100, Math.max(0, h - ROOM * 100)));
  return health >= limits.minHealth;
}

/** A, distance: the liquidation price's worst bound against the mark's worst end (∞ when flat). */
function distanceHolds(x: QuietBoxInputs, limits: RiskLimits, box: QuietBox, b: Bounds): boolean {
  const base = x.figures.positionBase;
  if (base === 0) return true;
  const free = Math.max(0, b.equityLo - b.requirementHi);
  let distancePct: number;
  if (base > 0) {
    const liqHi = box.oracleHi - free / base + PRICE_SLACK;
    distancePct = ((box.markLo - liqHi) / box.markLo) * 100;
  } else {
    const ratioHi = (x.figures.maintenanceRequirement + QUOTE_SLACK) / (-base * x.oracle);
    const liqLo = box.oracleLo + free / (-base * (1 + ratioHi) * (1 + ROOM)) - PRICE_SLACK;
    distancePct = ((liqLo - box.markHi) / box.markHi) * 100;
  }
  return clearlyAtMost(limits.minLiqDistancePct, distancePct);
}

/**
 * A, the band: the largest long and short exposure the rule's model allows at its release levels (risk/rules/
 * a-liquidation-buffer.ts safeExposure) at their lowest over the box, and the band inside them.
 */
function safeBandHolds(x: QuietBoxInputs, limits: RiskLimits, box: QuietBox, b: Bounds): boolean {
  const { mmr, band } = x;
  const h = limits.hysteresisPct / 100;
  const dist = (limits.minLiqDistancePct * (1 + h)) / 100;
  const keep = 1 - (limits.minHealth * (1 + h)) / 100;
  const ownReqLo = Math.abs(x.figures.positionBase) * box.markLo * mmr;
  const otherReqHi = Math.max(0, b.requirementHi - ownReqLo) * (1 + ROOM);
  const equityHi =
    x.figures.totalCollateral +
    Math.abs(x.figures.positionBase) * (box.oracleHi - box.oracleLo) +
    QUOTE_SLACK;
  // equity × keep is lowest at the low equity when keep ≥ 0, at the high one when the health asked is above 100
  const keptLo = keep >= 0 ? b.equityLo * keep : equityHi * keep;
  const byHealth = mmr > 0 ? Math.max(0, (keptLo - otherReqHi) / mmr) : Number.POSITIVE_INFINITY;
  const free = Math.max(0, b.equityLo - otherReqHi);
  const longDen = mmr + dist * (1 - mmr);
  const shortDen = mmr + dist * (1 + mmr);
  const longN = Math.min(longDen > 0 ? free / longDen : Number.POSITIVE_INFINITY, byHealth);
  const shortN = Math.min(shortDen > 0 ? free / shortDen : Number.POSITIVE_INFINITY, byHealth);
  const maxLong = longN / box.markHi;
  const maxShort = shortN / box.markHi;
  return (
    clearlyAtMost(band.maxBase, maxLong) &&
    clearlyAtMost(-maxShort, band.minBase) &&
    clearlyAtMost(band.minBase, maxLong) &&
    clearlyAtMost(-maxShort, band.maxBase)
  );
}
