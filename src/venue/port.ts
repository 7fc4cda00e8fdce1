/**
 * The venue port: one interface, two implementations (SimVenue, DriftVenue). Expected outcomes (a rejected
 * order, an unknown order id) are values in the results and events; exceptions mean broken I/O or a bug.
 */
import type { AccountState, OrderCommand, RejectReason, VenueEvent } from '../domain/types.ts';

export type CommandResult =
  | { ok: true; command: OrderCommand; orderIds: number[] }
  | { ok: false; command: OrderCommand; reason: RejectReason; detail: string };

export type WithdrawResult = { ok: true } | { ok: false; reason: RejectReason; detail: string };

/** One price level of a book: PRICE precision (1e6) and BASE precision (1e9). */
export interface BookLevel {
  price: bigint;
  base: bigint;
}

/** A market's visible book (Drift: the DLOB L2 including the vAMM), best level first on each side. */
export interface L2Book {
  marketIndex: number;
  ts: number;
  bids: BookLevel[];
  asks: BookLevel[];
}

export interface VenuePort {
  readonly name: string;
  /** Creates a subaccount (Drift: initializeUserAccount with the next free id) and returns its id. */
  createSubaccount(name: string): Promise<number>;
  deposit(subaccountId: number, amount: bigint): Promise<void>;
  /** Fails (as a value) when the withdrawal would leave the account below its initial margin requirement. */
  withdraw(subaccountId: number, amount: bigint): Promise<WithdrawResult>;
  /**
   * Applies commands in order; one result per command. An atomic cancelAndPlace either all applies or not; a
   * placeAndTake places and takes all its orders in one transaction (with requireFullFill: every order fills in
   * full or nothing applies).
   */
  execute(subaccountId: number, commands: OrderCommand[]): Promise<CommandResult[]>;
  /** Positions, open orders, collateral and margin figures as the venue computes them now. */
  getAccount(subaccountId: number): Promise<AccountState>;
  /**
   * In-process venues only (the simulator): `getAccount` now, synchronously, with the venue's own order objects
   * instead of copies (copying ~20 orders a read, a few reads a bar, was most of a paper bot's per-bar garbage).
   * Read-only. The orders are values: the venue replaces an order's object when the order changes and never
   * changes one it handed out, so a reader may keep them (and tell an unchanged order by its object); the
   * account object and its lists are new at every call.
   */
  accountView?(subaccountId: number): AccountState;
  /**
   * In-process venues only: a counter that changes whenever the venue's state may have changed. Two account
   * reads at the same generation return the same figures, so the second may be skipped.
   */
  readonly generation?: number;
  /**
   * The market's visible book now, best first; undefined when the venue knows no book for it (a caller checking
   * liquidity must then refuse, not assume depth).
   */
  orderBook(marketIndex: number): Promise<L2Book | undefined>;
  /**
   * Venue events (acks, rejects, cancels, fills, funding, liquidations); returns an unsubscribe function. An
   * accepted event's order is a value, as accountView's are: the venue never changes it afterwards, so a listener
   * may keep it as it is (the session does).
   */
  subscribe(listener: (event: VenueEvent) => void): () => void;
}
