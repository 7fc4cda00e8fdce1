/**
 * A subaccount's stamp: a number that changes whenever anything its figures are made of changed, but the
 * prices — its collateral, its ledger positions (replaced on every change, never mutated), their markets'
 * cumulative funding (replaced, never mutated) and its orders (values: a fill, cancel or reprice makes a new
 * object). The risk pre-check's certificate (risk/quiet-box.ts) holds while the stamp and the day stay the same
 * and the prices stay in its box, so a quiet bar reads this instead of the account. Compared by identity: a
 * read costs a comparison per position and per order, no allocation.
 */
import type { CumulativeFunding, PerpPositionState } from './ledger.ts';
import type { SimOrder, SimSubaccount } from './state.ts';

/** What the stamp was last taken of (kept on the subaccount, refilled in place). */
export interface AccountStampKey {
  stamp: number;
  collateral: bigint;
  positions: PerpPositionState[];
  cumulative: CumulativeFunding[];
  orders: SimOrder['order'][];
}

/** The subaccount's stamp now (`cumulativeOf`: a market's cumulative funding by index). */
export function accountStamp(
  sub: SimSubaccount,
  cumulativeOf: (marketIndex: number) => CumulativeFunding,
): number {
  const key = sub.stampKey;
  if (key !== undefined && sameAccount(key, sub, cumulativeOf)) return key.stamp;
  const fresh: AccountStampKey = key ?? {
    stamp: 0,
    collateral: 0n,
    positions: [],
    cumulative: [],
    orders: [],
  };
  fresh.stamp++;
  fresh.collateral = sub.collateral;
  fresh.positions.length = 0;
  fresh.cumulative.length = 0;
  for (const p of sub.positions.values()) {
    fresh.positions.push(p);
    fresh.cumulative.push(cumulativeOf(p.marketIndex));
  }
  fresh.orders.length = 0;
  for (const o of sub.orders) fresh.orders.push(o.order);
  sub.stampKey = fresh;
  return fresh.stamp;
}

function sameAccount(
  key: AccountStampKey,
  sub: SimSubaccount,
  cumulativeOf: (marketIndex: number) => CumulativeFunding,
): boolean {
  if (key.collateral !== sub.collateral || key.positions.length !== sub.positions.size) return false;
  if (key.orders.length !== sub.orders.length) return false;
  let i = 0;
  for (const p of sub.positions.values()) {
    if (key.positions[i] !== p || key.cumulative[i] !== cumulativeOf(p.marketIndex)) return false;
    i++;
  }
  for (let j = 0; j < sub.orders.length; j++) if (key.orders[j] !== sub.orders[j].order) return false;
  return true;
}
