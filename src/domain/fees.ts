/**
 * Exact fee arithmetic. Fees are fractions of the filled quote amount; bps are turned into an exact
 * rational (bps × 1e4 over 1e8, enough for quarter- and tenth-bps tiers). Rounding always favours the
 * protocol, as Drift does: a fee paid rounds up, a rebate received rounds down.
 */
import { divCeil, divFloor } from './precision.ts';

const FEE_DENOMINATOR = 100_000_000n;

/** Fee numerator over 1e8 for a rate in bps (3.5 bps → 35_000). Throws if the rate has more than 4 decimals. */
export function feeNumerator(bps: number): bigint {
  const n = Math.round(bps * 10_000);
  if (Math.abs(n - bps * 10_000) > 1e-6) throw new RangeError(`fee ${bps} bps has more than 4 decimals`);
  return BigInt(n);
}

/** Signed fee in QUOTE for an unsigned quote amount: positive is paid, negative is a rebate. */
export function feeFor(quote: bigint, bps: number): bigint {
  if (quote < 0n) throw new RangeError('quote amount must be unsigned');
  const num = feeNumerator(bps);
  // paid fee (num > 0): ceil; rebate (num < 0): the trader receives floor(|rebate|), i.e. ceil of the negative
  return num >= 0n ? divCeil(quote * num, FEE_DENOMINATOR) : -divFloor(quote * -num, FEE_DENOMINATOR);
}
