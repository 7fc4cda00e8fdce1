/**
 * SimVenue: the VenuePort over a SimExchange. A thin async adapter: every call runs the synchronous core and
 * then hands the events it produced to the subscribers, in order. Market data reaches the exchange through
 * `onBar` / `applyFundingRecord` (the backtest or paper feed), which dispatch their events the same way.
 */
import type { Candle, FundingRecord } from '../../data/types.ts';
import type { AccountState, OrderCommand, VenueEvent } from '../../domain/types.ts';
import type { CommandResult, L2Book, VenuePort, WithdrawResult } from '../port.ts';
import { SimExchange, type SimExchangeOptions } from './exchange.ts';

export interface SimVenueOptions extends SimExchangeOptions {
  /** Time for commands (epoch ms). Default: the latest time the exchange has seen (the last bar's end). */
  clock?: () => number;
}

export class SimVenue implements VenuePort {
  readonly name = 'sim';
  readonly exchange: SimExchange;
  readonly #clock: () => number;
  readonly #listeners = new Set<(event: VenueEvent) => void>();

  constructor(options: SimVenueOptions | SimExchange) {
    if (options instanceof SimExchange) {
      this.exchange = options;
      this.#clock = () => this.exchange.now;
    } else {
      this.exchange = new SimExchange(options);
      this.#clock = options.clock ?? (() => this.exchange.now);
    }
  }

  async createSubaccount(name: string): Promise<number> {
    return this.exchange.createSubaccount(name);
  }

  async deposit(subaccountId: number, amount: bigint): Promise<void> {
    this.exchange.deposit(subaccountId, amount);
  }

  async withdraw(subaccountId: number, amount: bigint): Promise<WithdrawResult> {
    return this.exchange.withdraw(subaccountId, amount);
  }

  async execute(subaccountId: number, commands: OrderCommand[]): Promise<CommandResult[]> {
    const results = this.exchange.execute(subaccountId, commands, this.#clock());
    this.#dispatch();
    return results;
  }

  async getAccount(subaccountId: number): Promise<AccountState> {
    return this.exchange.account(subaccountId);
  }

  /** The exchange's read-only account view (VenuePort.accountView: valid until the venue next moves). */
  accountView(subaccountId: number): AccountState {
    return this.exchange.accountView(subaccountId);
  }

  get generation(): number {
    return this.exchange.generation;
  }

  async orderBook(marketIndex: number): Promise<L2Book | undefined> {
    return this.exchange.orderBook(marketIndex);
  }

  subscribe(listener: (event: VenueEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Feeds one bar to the exchange and dispatches what it caused (fills, expiries, funding, liquidations). */
  onBar(market: string | number, candle: Candle, intervalMs: number): void {
    this.exchange.onBar(market, candle, intervalMs);
    this.#dispatch();
  }

  applyFundingRecord(market: string | number, record: FundingRecord): boolean {
    const applied = this.exchange.applyFundingRecord(market, record);
    this.#dispatch();
    return applied;
  }

  #dispatch(): void {
    const events = this.exchange.drainEvents();
    if (events.length === 0 || this.#listeners.size === 0) return;
    for (const e of events) for (const l of this.#listeners) l(e);
  }
}
