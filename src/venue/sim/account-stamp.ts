/**
 * A subaccount's stamp: a number that changes whenever anything its figures are made of changed, but the
 * prices — its collateral, its ledger positions, their markets' cumulative funding and its orders. The risk
 * pre-check's certificate (engine/risk-certificate.ts) and the backtest's extremes certificate hold while the
 * stamp stays the same and the prices stay in their boxes, so a quiet bar reads the stamp instead of the account.
 *
 * Kept as a count of changes on the subaccount (`SimSubaccount.changes`), bumped by the simulator wherever one of
 * those changes (`noteChange`): a read is one field. It was a record of those parts compared part by part on
 * every bar (a comparison per position and per order, and a Map iterator: ~715 instructions a bar, issue 17).
 * A bump where nothing changed only makes a certificate be issued again (the same verdicts, a little slower); a
 * change without one would let a certificate outlive its account, so `account-stamp.test.ts` holds the count
 * to the part-by-part record over random sequences of everything the simulator does.
 */
import type { SimMarket, SimSubaccount } from './state.ts';

/** Apart by this much, two subaccounts' counts never meet (2^21 subaccounts before a double runs out). */
const STAMP_SPACING = 2 ** 32;
let lastStampBase = 0;

/**
 * Where a new subaccount's count starts: no two subaccounts, of this exchange or another, start at the same
 * number, so a certificate kept across a venue swap (a restart) cannot take another account's stamp for its own.
 */
export function firstStamp(): number {
  lastStampBase += STAMP_SPACING;
  return lastStampBase;
}

/** Something the subaccount's figures are made of changed (collateral, a position, an order). */
export function noteChange(sub: SimSubaccount): void {
  sub.changes++;
}

/** The market's cumulative funding changed: so did the figures of every account with a position slot in it. */
export function noteFundingChange(m: SimMarket): void {
  for (const sub of m.holders) sub.changes++;
}
