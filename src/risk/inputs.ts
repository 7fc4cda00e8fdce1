/**
 * What one risk evaluation sees, what each rule answers, and the state carried from one evaluation to the next.
 * Figures are floats (decision maths); the venue's bigints are converted by the caller once per evaluation.
 */
import type { ExposureBand, RiskReason, RiskRuleId, VerdictKind } from '../domain/intent.ts';
import type { MarketSnapshot } from '../domain/snapshot.ts';

/** The account as the risk rules need it, in quote (USDC) and base units. */
export interface AccountFigures {
  /** Signed base units of this market's position (long > 0). */
  positionBase: number;
  /** Average entry price of the position (0 when flat). */
  entryPrice: number;
  /** Deposited USDC plus settled PnL. */
  collateral: number;
  /** Collateral plus unrealized PnL (incl. funding owed): Drift's total collateral, the equity leverage uses. */
  totalCollateral: number;
  /** Drift's maintenance margin requirement of the whole account, USDC. */
  maintenanceRequirement: number;
  /** Drift's health, 0..100. */
  health: number;
  /** Drift's leverage (position notional / total collateral), for display and cross-checks. */
  leverage: number;
  /** Liquidation price of this market's position, or null when there is none (flat, or fully collateralised). */
  liquidationPrice: number | null;
  /** Unsigned base the open buy orders add if they all fill (worst case on the long side). */
  openBidBase: number;
  /** Unsigned base the open sell orders add if they all fill (worst case on the short side). */
  openAskBase: number;
  /** Realized + unrealized + funding PnL since 00:00 UTC of `ts`'s day, USDC (loss < 0). */
  dailyPnl: number;
  /**
   * Worst-case notional (USDC) the same account carries on its OTHER markets: per market the larger of |position
   * + open orders on the worse side| and what the strategy asks there, × that market's mark. The account-level
   * caps (B leverage, D notional) add it to this market's own. Absent = 0 (a one-market bot).
   */
  otherNotional?: number;
}

/** Static facts of the market the rules need. */
export interface MarketFacts {
  /** Maintenance margin ratio as a fraction (Drift MARGIN 300 → 0.03). */
  maintenanceMarginRatio: number;
}

/** Per-rule memory: what each rule asked for last time (absent = released) and the daily-loss latch. */
export interface GovernorState {
  active: Partial<Record<RiskRuleId, VerdictKind>>;
  /** UTC day number (floor(ts / 86 400 000)) on which the daily-loss rule latched, or null. */
  dailyLossLatchDay: number | null;
  /** When the daily-loss rule tripped that day (epoch ms), or null: the flatten's clock. */
  dailyLossSince: number | null;
}

/** Frozen to the bottom: the governor hands this very object back as the state of every check with no rule tripped. */
export const INITIAL_GOVERNOR_STATE: GovernorState = Object.freeze({
  active: Object.freeze({}),
  dailyLossLatchDay: null,
  dailyLossSince: null,
});

export interface RiskInputs {
  ts: number;
  /** What the strategy asks for. */
  band: ExposureBand;
  snapshot: MarketSnapshot;
  account: AccountFigures;
  market: MarketFacts;
  /** Operator's reduce-only switch at runtime (the config's `reduceOnly` is the persistent one). */
  manualReduceOnly: boolean;
  previous: GovernorState;
}

/** The exposure range a clamping rule allows, in signed base units; always contains 0. */
export interface AllowedRange {
  minBase: number;
  maxBase: number;
}

export interface RuleOutcome {
  rule: RiskRuleId;
  tripped: boolean;
  /** What the rule asks for when tripped (APPROVE when not). */
  action: VerdictKind;
  /** The range this rule allows; the governor intersects the ranges of every tripped rule. */
  allowed?: AllowedRange;
  /** The strategy's band clamped to `allowed` (what this rule alone would let through). */
  band?: ExposureBand;
  /** Present when tripped. */
  reason?: RiskReason;
}

/**
 * A rule's "not tripped", one frozen object per rule: every rule answers on every risk check (each bar, in the
 * runner's and the backtest's pre-checks), almost always with this, and a fresh object each time was garbage.
 * A record, not a Map: the rule id is a constant at each call site, so the lookup is a property read.
 */
const untripped = (rule: RiskRuleId): RuleOutcome =>
  Object.freeze({ rule, tripped: false, action: 'APPROVE' });
const NOT_TRIPPED: Readonly<Record<RiskRuleId, RuleOutcome>> = Object.freeze({
  A_liquidation_buffer: untripped('A_liquidation_buffer'),
  B_leverage: untripped('B_leverage'),
  C_daily_loss: untripped('C_daily_loss'),
  D_notional: untripped('D_notional'),
  E_funding: untripped('E_funding'),
  F_divergence: untripped('F_divergence'),
  G_reduce_only: untripped('G_reduce_only'),
  V_volatility: untripped('V_volatility'),
});
export const notTripped = (rule: RiskRuleId): RuleOutcome => NOT_TRIPPED[rule];

/**
 * What `rule` asked for at the last evaluation (undefined = released). Nothing active is almost every check's
 * state, the one frozen initial object: answered without the lookup, which with a different key at each call
 * site is a slow generic property load (~20 ns, six times per check, on every bar of every bot).
 */
export function activeAction(inputs: RiskInputs, rule: RiskRuleId): VerdictKind | undefined {
  const active = inputs.previous.active;
  return active === INITIAL_GOVERNOR_STATE.active ? undefined : active[rule];
}

export const wasActive = (inputs: RiskInputs, rule: RiskRuleId): boolean =>
  activeAction(inputs, rule) !== undefined;

/**
 * Hysteresis for a "must stay at or below `limit`" measure: trips above the limit; once tripped, releases only
 * when the measure is back at or below limit × (1 − h%).
 */
export function aboveLimit(measured: number, limit: number, active: boolean, hysteresisPct: number): boolean {
  const release = limit * (1 - hysteresisPct / 100);
  return active ? measured > release : measured > limit;
}

/** Mirror of `aboveLimit` for "must stay at or above" measures: releases at limit × (1 + h%). */
export function belowLimit(measured: number, limit: number, active: boolean, hysteresisPct: number): boolean {
  const release = limit * (1 + hysteresisPct / 100);
  return active ? measured < release : measured < limit;
}

const clampTo = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** The band moved inside [lo, hi] (lo ≤ hi); a band wholly outside collapses onto the nearest edge. */
export function clampBand(band: ExposureBand, range: AllowedRange): ExposureBand {
  const minBase = clampTo(band.minBase, range.minBase, range.maxBase);
  const maxBase = clampTo(band.maxBase, range.minBase, range.maxBase);
  // the fields written out rather than spread (a band has these five): this runs on every risk check
  return {
    kind: band.kind,
    marketIndex: band.marketIndex,
    minBase,
    maxBase,
    preferredBase: clampTo(band.preferredBase, minBase, maxBase),
  };
}

/** Whether clampBand(band, range) would leave the band's bounds as they are (NaN bounds count as moved). */
export const bandWithin = (band: ExposureBand, range: AllowedRange): boolean =>
  band.minBase >= range.minBase &&
  band.minBase <= range.maxBase &&
  band.maxBase >= range.minBase &&
  band.maxBase <= range.maxBase;

/** The largest |base| the band allows on either side. */
export const bandExtent = (band: ExposureBand): number =>
  Math.max(Math.abs(band.minBase), Math.abs(band.maxBase));

export const symmetricRange = (absBase: number): AllowedRange => ({
  minBase: -Math.max(0, absBase),
  maxBase: Math.max(0, absBase),
});

/** Worst-case |base| if every open order on the worse side fills. */
export const worstCaseBase = (a: AccountFigures): number =>
  Math.max(Math.abs(a.positionBase + a.openBidBase), Math.abs(a.positionBase - a.openAskBase));

export const fmt = (x: number, digits = 2): string =>
  Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? '∞' : '-∞';

/** A tripped CLAMP: the band limited to `allowed`, with the measure that tripped it and why. */
export function clampOutcome(
  rule: RiskRuleId,
  inputs: RiskInputs,
  allowed: AllowedRange,
  measured: number,
  limit: number,
  message: string,
): RuleOutcome {
  return {
    rule,
    tripped: true,
    action: 'CLAMP',
    allowed,
    band: clampBand(inputs.band, allowed),
    reason: { rule, action: 'CLAMP', measured, limit, message },
  };
}
