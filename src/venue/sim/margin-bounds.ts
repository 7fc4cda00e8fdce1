/**
 * Bounds of an account's margin figures while its state stays as it is and one market's oracle stays in an
 * interval of PRICE integers [lo, hi]: the highest leverage and the lowest health the simulator can report
 * there, and how far its liquidation price can come. The backtest's run extremes (backtest/
 * extremes-certificate.ts) are held against them, so a bar whose oracle stays inside need not compute the figures
 * to know they move no extreme.
 *
 * For an account whose active positions (margin.ts isActive) are all on that market — at most one, then — with
 * Drift's default pnl weights (maintenance 100%, the simulator's), every figure is one of margin.ts's integers
 * (margin-doubles.ts makes the same ones) as a function of the oracle's PRICE integer P ≥ 0, with x the
 * position (none: every term below is 0 and no figure depends on P):
 *
 *   TC(P)  = deposit + trunc(base·P/1e9) + quoteAsset + funding              total collateral (maintenance)
 *   MR(P)  = borrow + ⌊v_s(P)·r_s/1e4⌋ + ordersMargin                          maintenance requirement
 *   NAV(P) = deposit + trunc(base·P/1e9) + quoteAsset + funding − borrow = TC(P) − borrow
 *   lev(P) = trunc((max(v_b(P), v_a(P)) + borrow)·1e4 / NAV(P))                (0 where NAV = 0)
 *   req(P) = borrow + ⌊v_x(P)·r_x/1e4⌋                                         the liquidation price's requirement
 *   liq(P) = P − sgn(δ)·⌊max(0, TC(P) − req(P))·1e6 / |δ|⌋                    (none where < 0, or δ = 0, or base = 0)
 *
 * where v_b, v_a, v_x are ⌊|allBids|·P/1e9⌋, ⌊|allAsks|·P/1e9⌋, ⌊|base|·P/1e9⌋, r_b, r_a, r_x their margin ratios
 * (fixed by the sizes, not by P), s the side margin.ts worstCaseBase picks (the larger value, the asks on a tie)
 * and δ the liquidation delta (fixed by base and r_x). Over P in [lo, hi]:
 *  - each v is non-decreasing in P (a floor of |size|·P, P ≥ 0), so ⌊v·r/1e4⌋ is too (r ≥ 0);
 *  - trunc(base·P/1e9) is non-decreasing in P for a long and non-increasing for a short: TC and NAV are lowest
 *    at lo for a long, at hi for a short — tcLo, tcLo − borrow;
 *  - MR(P) ≤ borrow + max(⌊v_b(hi)·r_b/1e4⌋, ⌊v_a(hi)·r_a/1e4⌋) + ordersMargin = mrHi: whichever side is picked,
 *    its term is at most the larger of both at P, and each is at most its own at hi. (MR itself need not be
 *    monotone: a tie picks the asks, whose ratio can be the smaller; the max of both is.) Likewise
 *    max(v_b, v_a) + borrow ≤ its value at hi, and req(P) ≤ req(hi);
 *  - lev: with NAV(P) ≥ tcLo − borrow ≥ 1, the quotient is a floor, non-decreasing in its numerator and
 *    non-increasing in NAV: lev(P) ≤ ⌊(max(v_b(hi), v_a(hi)) + borrow)·1e4 / (tcLo − borrow)⌋. The figure is
 *    fl(lev/1e4), and rounding is monotone: leverageHi = fl(that/1e4) bounds it, exactly — no room needed;
 *  - health: the figure is healthInDoubles(TC, MR) (margin.ts healthOf on the same integers): 100 where MR = 0,
 *    else round(clamp((1 − fl(MR/TC))·100)), each step a correctly rounded, hence monotone, operation. With
 *    TC ≥ tcLo > 0 and 0 ≤ MR ≤ mrHi it is non-decreasing in TC and non-increasing in MR, so
 *    healthLo = healthInDoubles(tcLo, mrHi) bounds it, exactly (mrHi = 0 means MR = 0 everywhere: 100);
 *  - liq: free(P) = max(0, TC(P) − req(P)) ≥ max(0, tcLo − req(hi)) = freeLo, and ⌊free·1e6/|δ|⌋ is
 *    non-decreasing in free; so for δ > 0 liq(P) ≤ hi − ⌊freeLo·1e6/|δ|⌋ (or none, when below 0), and for
 *    δ < 0 liq(P) ≥ lo + ⌊freeLo·1e6/|δ|⌋ ≥ 0 (always a price). The backtest reads it as liq/1e6, monotone too.
 * Every step is exact-doubles.ts arithmetic on the plan's integers (margin-doubles.ts planMargin), each term below
 * 2^48 as there: exact, or NaN — and then no bounds (undefined), as for an account with positions elsewhere or
 * NAV possibly ≤ 0 at some price of the interval. margin-bounds.test.ts checks the bounds against computeMargin
 * and liquidationPrice (BigInt) at random prices of random intervals.
 */
import { floorMulDiv } from './exact-doubles.ts';
import { healthInDoubles } from './figures-in-doubles.ts';
import { liability, type MarginPlan, type PlannedPosition, pricePnlOf, term } from './margin-doubles.ts';

const QUOTE = 1e6;
const MARGIN = 1e4;
const LEVERAGE = 1e4;

/** Where the liquidation price can be over the interval (see FigureBounds). */
export type LiquidationSide = 'none' | 'below' | 'above';

/** The figures' worst over an interval of the oracle, as the simulator reports them (MarginFigures, PRICE). */
export interface FigureBounds {
  /** MarginFigures.leverage is at most this. */
  leverageHi: number;
  /** MarginFigures.health is at least this. */
  healthLo: number;
  /**
   * 'none': no liquidation price anywhere; 'below': the price (PRICE integer) is at most `liquidationBound`, or
   * none; 'above': it is at least `liquidationBound` (never none).
   */
  liquidation: LiquidationSide;
  liquidationBound: number;
}

/**
 * The bounds over oracle PRICE integers [lo, hi] of `marketIndex`, for the account `plan` describes; undefined
 * where they cannot be given (see the module comment).
 */
export function figureBoundsOver(
  plan: MarginPlan,
  marketIndex: number,
  lo: number,
  hi: number,
): FigureBounds | undefined {
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && lo <= hi && hi < 2 ** 53))
    return undefined;
  if (plan.active.length > 1) return undefined;
  const x: PlannedPosition | undefined = plan.active[0];
  if (x !== undefined && x.marketIndex !== marketIndex) return undefined;
  const { deposit, borrow } = plan;
  // total collateral at its lowest: a long's pnl falls with the price, a short's rises
  const tcLo = x === undefined ? deposit : deposit + pricePnlOf(x, x.base < 0 ? hi : lo) + x.funding;
  const bids = x === undefined ? 0 : liability(x.allBids, hi);
  const asks = x === undefined ? 0 : liability(x.allAsks, hi);
  const mrHi =
    x === undefined
      ? borrow
      : borrow +
        Math.max(
          term(floorMulDiv(bids, x.maintenanceBids, MARGIN)),
          term(floorMulDiv(asks, x.maintenanceAsks, MARGIN)),
        ) +
        x.ordersMargin;
  // NaN unless tcLo − borrow ≥ 1: NAV stays positive over the interval (floorMulDiv asks a divisor ≥ 1)
  const leverage = floorMulDiv(Math.max(bids, asks) + borrow, LEVERAGE, tcLo - borrow);
  const bounds: FigureBounds = {
    leverageHi: leverage / LEVERAGE,
    healthLo: healthInDoubles(tcLo, mrHi),
    liquidation: 'none',
    liquidationBound: 0,
  };
  if (x !== undefined && x.base !== 0 && x.liquidationDelta !== 0)
    liquidationBound(x, borrow, tcLo, lo, hi, bounds);
  const probe = plan.probe + tcLo + mrHi + leverage + bounds.liquidationBound;
  return Number.isNaN(probe) ? undefined : bounds;
}

/** The liquidation price's bound into `bounds` (δ ≠ 0; NaN where not exact). */
function liquidationBound(
  x: PlannedPosition,
  borrow: number,
  tcLo: number,
  lo: number,
  hi: number,
  bounds: FigureBounds,
): void {
  const requirementHi = borrow + term(floorMulDiv(liability(x.base, hi), x.maintenanceBase, MARGIN));
  const freeLo = Math.max(0, tcLo - requirementHi);
  const delta = x.liquidationDelta;
  const move = floorMulDiv(freeLo, QUOTE, Math.abs(delta));
  // liq = P − sgn(δ)·move(P): at most hi − move for δ > 0, at least lo + move for δ < 0 (a sum past 2^53 would
  // round: none)
  bounds.liquidation = delta > 0 ? 'below' : 'above';
  const bound = delta > 0 ? hi - move : lo + move;
  bounds.liquidationBound = bound < 2 ** 53 ? bound : Number.NaN;
}
