/**
 * FaultyVenue: any VenuePort (SimVenue in tests and paper runs) made unreliable the way an RPC node is. The
 * async layer's faults are the ones a runner must survive:
 *   - disconnect: for `disconnectLength` calls, execute resolves with a `Disconnected` result per command
 *     (nothing applied) and getAccount / deposit / withdraw reject with VenueDisconnectedError;
 *   - timeout: execute applies the commands on the venue, then rejects with VenueTimeoutError — the outcome
 *     is unknown to the caller, which must re-read the account (the venue is the truth);
 *   - reject: a command is refused as a value (not applied) with a `rejected` event for placements;
 *   - dropped, duplicated and delayed events to subscribers.
 */
import {
  type AccountState,
  type OrderCommand,
  placesOf,
  type RejectReason,
  type VenueEvent,
} from '../../../domain/types.ts';
import type { CommandResult, L2Book, VenuePort, WithdrawResult } from '../../port.ts';
import { ConnectionFaults } from './connection.ts';
import { EventFaults } from './event-faults.ts';
import { emptyFaultCounts, type FaultCounts, type VenueFaultRates } from './fault-config.ts';
import { createPrng, deriveSeed, type Prng } from './prng.ts';

export class VenueDisconnectedError extends Error {
  override name = 'VenueDisconnectedError';
}

export class VenueTimeoutError extends Error {
  override name = 'VenueTimeoutError';
}

const INJECTED_REASONS: readonly RejectReason[] = ['MarketPaused', 'InvalidOrder', 'InsufficientCollateral'];

export interface FaultyVenueOptions {
  rates: VenueFaultRates;
  seed: number;
  /** Time stamped on injected `rejected` events (default Date.now). */
  clock?: () => number;
}

export class FaultyVenue implements VenuePort {
  readonly name: string;
  readonly inner: VenuePort;
  readonly counts: FaultCounts = emptyFaultCounts();
  readonly connection: ConnectionFaults;
  readonly #rates: VenueFaultRates;
  readonly #prng: Prng;
  readonly #events: EventFaults;
  readonly #listeners = new Set<(event: VenueEvent) => void>();
  readonly #unsubscribe: () => void;

  readonly #clock: () => number;

  constructor(inner: VenuePort, options: FaultyVenueOptions) {
    const { rates, seed } = options;
    this.inner = inner;
    this.#clock = options.clock ?? Date.now;
    this.name = `faulty-${inner.name}`;
    this.#rates = rates;
    this.#prng = createPrng(deriveSeed(seed, 11));
    this.connection = new ConnectionFaults(rates, this.#prng, this.counts);
    this.#events = new EventFaults(rates, createPrng(deriveSeed(seed, 12)), this.counts);
    // Each inner event is its own batch so a delayed event arrives after the next one.
    this.#unsubscribe = inner.subscribe((e) => {
      if (this.connection.connected) this.#emit(this.#events.deliver([e]));
    });
  }

  /** One call passes on the connection; throws while it is down. */
  #gate(): void {
    const wasDown = !this.connection.connected;
    if (wasDown) {
      this.connection.tick();
      throw new VenueDisconnectedError('venue disconnected (injected fault); retry after reconnecting');
    }
    if (!this.connection.maybeDrop()) {
      throw new VenueDisconnectedError('venue disconnected (injected fault); retry after reconnecting');
    }
  }

  async createSubaccount(name: string): Promise<number> {
    this.#gate();
    return this.inner.createSubaccount(name);
  }

  async deposit(subaccountId: number, amount: bigint): Promise<void> {
    this.#gate();
    return this.inner.deposit(subaccountId, amount);
  }

  async withdraw(subaccountId: number, amount: bigint): Promise<WithdrawResult> {
    this.#gate();
    return this.inner.withdraw(subaccountId, amount);
  }

  async getAccount(subaccountId: number): Promise<AccountState> {
    this.#gate();
    return this.inner.getAccount(subaccountId);
  }

  async orderBook(marketIndex: number): Promise<L2Book | undefined> {
    this.#gate();
    return this.inner.orderBook(marketIndex);
  }

  async execute(subaccountId: number, commands: OrderCommand[]): Promise<CommandResult[]> {
    try {
      this.#gate();
    } catch {
      return commands.map((command) => ({
        ok: false,
        command,
        reason: 'Disconnected',
        detail: 'venue disconnected (injected fault)',
      }));
    }
    const timedOut = this.#prng.chance(this.#rates.timeout);
    const results: CommandResult[] = [];
    for (const c of commands) {
      if (this.#prng.chance(this.#rates.reject)) {
        this.counts.reject++;
        const reason = this.#prng.pick(INJECTED_REASONS);
        results.push({ ok: false, command: c, reason, detail: 'injected fault' });
        const orders = placesOf(c);
        const ts = this.#clock();
        for (const order of orders) {
          this.#emit([{ type: 'rejected', ts, subaccountId, order, reason, detail: 'injected fault' }]);
        }
        continue;
      }
      results.push(...(await this.inner.execute(subaccountId, [c])));
    }
    if (timedOut) {
      this.counts.timeout++;
      throw new VenueTimeoutError('venue call timed out (injected fault); the commands may have applied');
    }
    return results;
  }

  subscribe(listener: (event: VenueEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Stops listening to the inner venue. */
  close(): void {
    this.#unsubscribe();
  }

  #emit(events: readonly VenueEvent[]): void {
    for (const e of events) for (const l of this.#listeners) l(e);
  }
}
