/**
 * FaultyExchange: the synchronous SimExchange as an unreliable venue, for the chaos loop (which drives bots the
 * way the backtest does). Faults sit between the bot and the exchange; the exchange's own books stay exact:
 *   - reject: one command is refused (not applied); a placement also yields a `rejected` event for the bot;
 *   - disconnect: for a number of bars nothing reaches the venue and nothing can be read from it;
 *   - timeout: the commands are applied but the caller never gets the results (it must re-read the venue);
 *   - dropped, duplicated and delayed events on the way to the bot (EventFaults).
 * Partial fills come from the exchange's own `participation` cap (no hook needed).
 */
import { type OrderCommand, placesOf, type RejectReason, type VenueEvent } from '../../../domain/types.ts';
import type { CommandResult } from '../../port.ts';
import type { SimExchange } from '../exchange.ts';
import { ConnectionFaults } from './connection.ts';
import { EventFaults } from './event-faults.ts';
import { emptyFaultCounts, type FaultConfig, type FaultCounts } from './fault-config.ts';
import { createPrng, deriveSeed, type Prng } from './prng.ts';

export type ExecuteOutcome =
  /** The venue answered: one result per command (some may be injected rejects). */
  | { kind: 'done'; results: CommandResult[]; injectedRejects: number }
  /** Nothing reached the venue. */
  | { kind: 'disconnected' }
  /** The venue applied the commands; the answer was lost. */
  | { kind: 'timeout' };

/** Reasons a healthy command can still fail on a real venue for reasons outside the bot's control. */
const INJECTED_REASONS: readonly RejectReason[] = ['MarketPaused', 'InvalidOrder', 'InsufficientCollateral'];

export class FaultyExchange {
  readonly exchange: SimExchange;
  readonly counts: FaultCounts = emptyFaultCounts();
  readonly connection: ConnectionFaults;
  readonly #config: FaultConfig;
  readonly #prng: Prng;
  readonly #events: EventFaults;
  #injected: VenueEvent[] = [];

  constructor(exchange: SimExchange, config: FaultConfig, seed: number) {
    this.exchange = exchange;
    this.#config = config;
    this.#prng = createPrng(deriveSeed(seed, 1));
    this.connection = new ConnectionFaults(config.venue, this.#prng, this.counts);
    this.#events = new EventFaults(config.venue, createPrng(deriveSeed(seed, 2)), this.counts);
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  /** Once per bar: a disconnect may start or heal. Returns 'healed' on the bar the connection comes back. */
  onBar(): 'up' | 'down' | 'healed' {
    if (this.connection.tick()) return 'healed';
    if (!this.connection.connected) return 'down';
    return this.connection.maybeDrop() ? 'up' : 'down';
  }

  execute(subaccountId: number, commands: readonly OrderCommand[], ts: number): ExecuteOutcome {
    if (!this.connection.maybeDrop()) return { kind: 'disconnected' };
    const timedOut = this.#prng.chance(this.#config.venue.timeout);
    const results: CommandResult[] = [];
    let injectedRejects = 0;
    for (const c of commands) {
      if (this.#prng.chance(this.#config.venue.reject)) {
        injectedRejects++;
        this.counts.reject++;
        const reason = this.#prng.pick(INJECTED_REASONS);
        const detail = 'injected fault';
        results.push({ ok: false, command: c, reason, detail });
        const orders = placesOf(c);
        for (const order of orders) {
          this.#injected.push({ type: 'rejected', ts, subaccountId, order, reason, detail });
        }
        continue;
      }
      results.push(...this.exchange.execute(subaccountId, [c], ts));
    }
    if (timedOut) {
      this.counts.timeout++;
      return { kind: 'timeout' };
    }
    return { kind: 'done', results, injectedRejects };
  }

  /**
   * What the bot hears of the venue's events (`truth`, drained from the exchange by the caller, who books them):
   * injected rejects plus the truth after drops, duplicates and delays.
   */
  deliver(truth: readonly VenueEvent[]): VenueEvent[] {
    const batch = this.#injected.length > 0 ? [...this.#injected, ...truth] : truth;
    this.#injected = [];
    if (!this.connection.connected) {
      // A dead subscription hears nothing (counted under the disconnect); the bot re-reads the venue later.
      return [];
    }
    return this.#events.deliver(batch);
  }
}
