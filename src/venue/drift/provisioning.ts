/**
 * Subaccount auto-provisioning: one Drift subaccount per bot. Drift numbers a new subaccount with the
 * authority's UserStats.numberOfSubAccountsCreated (what the SDK's getNextSubAccountId returns); the first one
 * (id 0) also needs UserStats created. The id choice is pure; the sending happens in DriftVenue.
 */
import type { AuthorityInfo } from './account-reader.ts';

/** Drift's subaccount id is a u16. */
export const MAX_SUBACCOUNT_ID = 65_535;

/**
 * The id the next initializeUser must use: the created count, skipped past any id already in use (a count
 * that lags the accounts, e.g. read from a stale RPC, must not make us collide with a live account).
 */
export function nextSubaccountId(info: AuthorityInfo): number {
  const used = new Set(info.existing);
  let id = info.userStatsExists ? info.subaccountsCreated : 0;
  while (used.has(id)) id++;
  if (id > MAX_SUBACCOUNT_ID) throw new RangeError('the authority has no free Drift subaccount id left');
  return id;
}
