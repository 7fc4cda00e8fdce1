/**
 * The venue port: one interface, two implementations (SimVenue, DriftVenue). Expected outcomes (a rejected
 * order, an unknown order id) are values in the results and events; exceptions mean broken I/O or a bug.
 */
import type { AccountState, OrderCommand, RejectReason, VenueEvent } from '../domain/types.ts';

export type CommandResult =
  | { ok: true; command: OrderCommand; orderIds: number[] }
  | { ok: false; command: OrderCommand; reason: RejectReason; detail: string };

export type WithdrawResult = { ok: true } | { ok: false; reason: RejectReason; detail: string };

export interface BookLevel {
  price: bigint;
  base: bigint;
}
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
  /** Applies commands in order; one result per command. An atomic cancelAndPlace either all applies or not. */
  execute(subaccountId: number, commands: OrderCommand[]): Promise<CommandResult[]>;
  /** Positions, open orders, collateral and margin figures as the venue computes them now. */
  getAccount(subaccountId: number): Promise<AccountState>;
  /** Venue events (acks, rejects, cancels, fills, funding, liquidations); returns an unsubscribe function. */
  subscribe(listener: (event: VenueEvent) => void): () => void;
  orderBook(marketIndex: number): Promise<L2Book | undefined>;
}
