/**
 * The reference the account stamp's count of changes is held to (account-stamp.test.ts): a record of everything
 * the stamp stands for — the collateral, the ledger positions, their markets' cumulative funding and the orders —
 * compared part by part, by value for the collateral and by object for the rest (the simulator replaces those
 * objects on every change and never mutates them). This is how the stamp was kept before it was a count.
 */
import type { Order } from '../../../domain/types.ts';
import { SimExchange } from '../exchange.ts';
import type { CumulativeFunding, PerpPositionState } from '../ledger.ts';

export interface AccountRecord {
  collateral: bigint;
  positions: PerpPositionState[];
  cumulative: CumulativeFunding[];
  orders: Order[];
}

/** A simulator whose accounts a test may record part by part. */
export class InspectedExchange extends SimExchange {
  record(id: number): AccountRecord {
    const sub = this.sub(id);
    const positions = [...sub.positions.values()];
    return {
      collateral: sub.collateral,
      positions,
      cumulative: positions.map((p) => this.marketOf(p.marketIndex).cumulative),
      orders: sub.orders.map((o) => o.order),
    };
  }
}

const sameObjects = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function sameRecord(a: AccountRecord, b: AccountRecord): boolean {
  return (
    a.collateral === b.collateral &&
    sameObjects(a.positions, b.positions) &&
    sameObjects(a.cumulative, b.cumulative) &&
    sameObjects(a.orders, b.orders)
  );
}
