/**
 * What strategies ask for and what the risk governor answers. Sizes here are floats in base units (SOL, BTC,
 * ...) because they are decisions, not bookings; the planner rounds them onto the market's step.
 */

/** Absolute target: repeating it is harmless (Lean's IPortfolioTarget). Signed base units. */
export interface TargetPosition {
  kind: 'target';
  marketIndex: number;
  base: number;
}

/**
 * Where the position may be: any base in [minBase, maxBase] is acceptable, preferredBase is where the
 * strategy's curve would like it to be. Signed base units, minBase ≤ preferredBase ≤ maxBase.
 */
export interface ExposureBand {
  kind: 'band';
  marketIndex: number;
  minBase: number;
  maxBase: number;
  preferredBase: number;
}

export type Intent = TargetPosition | ExposureBand;

export type VerdictKind = 'APPROVE' | 'CLAMP' | 'REDUCE_ONLY' | 'PAUSE';

/** Precedence when rules disagree: the larger wins. */
export const VERDICT_RANK: Readonly<Record<VerdictKind, number>> = {
  APPROVE: 0,
  CLAMP: 1,
  REDUCE_ONLY: 2,
  PAUSE: 3,
};

export type RiskRuleId =
  | 'A_liquidation_buffer'
  | 'B_leverage'
  | 'C_daily_loss'
  | 'D_notional'
  | 'E_funding'
  | 'F_divergence'
  | 'G_reduce_only'
  | 'V_volatility';

/** One tripped rule: what it measured against which limit, and what it asks for. */
export interface RiskReason {
  rule: RiskRuleId;
  action: VerdictKind;
  measured: number;
  limit: number;
  message: string;
}

export interface Verdict {
  kind: VerdictKind;
  /** The band the execution layer must stay inside (narrowed by CLAMP; for REDUCE_ONLY/PAUSE informational). */
  band: ExposureBand;
  reasons: RiskReason[];
  /**
   * The daily-loss limit tripped with `dailyLossAction: flatten`: the position is being closed (band [0, 0]),
   * with reduce-only maker orders first and takers once `taker` (flattenAfterSec after `sinceTs`).
   */
  flatten?: { sinceTs: number; taker: boolean };
}
