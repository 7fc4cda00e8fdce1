/**
 * Fees and funding from two polls of a Drift user account.
 *
 * Polling sees states, not the program's fill records, so a fill's fee is not on the order. Drift's user-level
 * running totals make the sum exact. Between two reads, over every perp position (a freed slot counts as 0):
 *
 *   Σ ΔquoteAssetAmount = Σ fills' signed quote − Σ fees + ΔcumulativePerpFunding − ΔsettledPerpPnl
 *
 * because every funding settlement adds its payment to a position's quote and to `cumulativePerpFunding`, and
 * settle_pnl moves pnl from a position's quote to the USDC balance and adds it to `settledPerpPnl`
 * (protocol-v2 controller/pnl.rs: update_quote_asset_amount(−pnl), update_settled_pnl(+pnl)). So:
 *
 * - funding events sum to ΔcumulativePerpFunding exactly; per market, a position that is still open on the same
 *   side is charged Drift's formula on its moved stamp, and whatever is left goes to a market whose position
 *   closed or flipped (its stamp no longer tells);
 * - the fills seen in the window share Σ signed quote + ΔF − ΔS − ΣΔQ as fees, in proportion to their quote,
 *   the last taking the remainder, so the booked cash equals the venue's to the micro-USDC. A fill's quote is
 *   base × its limit price; any rounding Drift applied to the quote lands in that fill's fee.
 *
 * What the totals cannot tell apart — a liquidation or another quote movement in the same window as our fills —
 * lands in those fills' fees; with no fill in the window it is not booked as one.
 */
import type { Fill, Position, VenueEvent } from '../../domain/types.ts';
import { fundingOwed } from '../sim/ledger.ts';

/** UserAccount's running totals (QUOTE precision, signed). */
export interface DriftUserTotals {
  /** Σ funding settled into this user's perp positions; positive when received. */
  cumulativePerpFunding: bigint;
  /** Σ pnl moved from perp positions into the USDC balance. */
  settledPerpPnl: bigint;
}

export interface PolledSide {
  positions: readonly Position[];
  totals: DriftUserTotals;
}

type FundingEvent = Extract<VenueEvent, { type: 'funding' }>;

const signedQuote = (f: Fill): bigint => (f.side === 'buy' ? -f.quote : f.quote);

/** Funding events for the window whose amounts add up to ΔcumulativePerpFunding. */
export function polledFunding(
  prev: PolledSide,
  next: PolledSide,
  subaccountId: number,
  ts: number,
  fills: readonly Fill[],
): FundingEvent[] {
  const total = next.totals.cumulativePerpFunding - prev.totals.cumulativePerpFunding;
  const after = new Map(next.positions.map((p) => [p.marketIndex, p]));
  const events: FundingEvent[] = [];
  /** Closed or flipped since the last read: what they paid is not on their stamp any more. */
  const unstamped: FundingEvent[] = [];
  for (const was of prev.positions) {
    if (was.base === 0n) continue;
    const now = after.get(was.marketIndex);
    const nowLast = now?.lastCumulativeFundingRate ?? 0n;
    if (now && nowLast === was.lastCumulativeFundingRate) continue;
    const sameSide = now !== undefined && now.base !== 0n && now.base > 0n === was.base > 0n;
    const e = fundingEvent(subaccountId, ts, was, sameSide ? nowLast - was.lastCumulativeFundingRate : 0n);
    if (sameSide) e.payment.amount = fundingOwed(was.base, was.lastCumulativeFundingRate, nowLast);
    else unstamped.push(e);
    events.push(e);
  }
  const left = total - events.reduce((s, e) => s + e.payment.amount, 0n);
  if (left !== 0n) {
    // The rest goes to a closed or flipped position's market, else to the last moved stamp, else (a position
    // opened and settled between the reads) to the first market that traded.
    const target = unstamped[0] ?? events.at(-1);
    if (target) target.payment.amount += left;
    else {
      const market =
        fills[0]?.marketIndex ?? next.positions[0]?.marketIndex ?? prev.positions[0]?.marketIndex ?? 0;
      const e = fundingEvent(subaccountId, ts, { marketIndex: market, base: 0n }, 0n);
      e.payment.amount = left;
      events.push(e);
    }
  }
  return events.filter((e) => e.payment.amount !== 0n);
}

function fundingEvent(
  subaccountId: number,
  ts: number,
  was: Pick<Position, 'marketIndex' | 'base'>,
  rate: bigint,
): FundingEvent {
  return {
    type: 'funding',
    ts,
    subaccountId,
    payment: { ts, marketIndex: was.marketIndex, base: was.base, rate, amount: 0n },
  };
}

/**
 * Sets the fees of the window's fills (mutating them) so that their cash, the funding and the settled pnl
 * explain the positions' quote change exactly.
 */
export function bookPolledFees(prev: PolledSide, next: PolledSide, fills: Fill[]): void {
  if (fills.length === 0) return;
  const quoteOf = (side: PolledSide): bigint => side.positions.reduce((s, p) => s + p.quoteAsset, 0n);
  const dQuote = quoteOf(next) - quoteOf(prev);
  const dFunding = next.totals.cumulativePerpFunding - prev.totals.cumulativePerpFunding;
  const dSettled = next.totals.settledPerpPnl - prev.totals.settledPerpPnl;
  const cash = fills.reduce((s, f) => s + signedQuote(f), 0n);
  const fees = cash + dFunding - dSettled - dQuote;
  const weight = fills.reduce((s, f) => s + f.quote, 0n);
  let booked = 0n;
  fills.forEach((f, i) => {
    const share = i === fills.length - 1 ? fees - booked : weight === 0n ? 0n : (fees * f.quote) / weight;
    f.fee = share;
    booked += share;
  });
}
