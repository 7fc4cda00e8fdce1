/**
 * Venue events on their way to the bot: some are lost, some arrive twice, some arrive late (after the next
 * batch). Used by FaultyExchange (sync) and FaultyVenue (async). The venue's own record is untouched: only
 * what the bot hears changes, which is exactly what a websocket or log subscription does to a real bot.
 */
import type { VenueEvent } from '../../../domain/types.ts';
import type { FaultCounts, VenueFaultRates } from './fault-config.ts';
import type { Prng } from './prng.ts';

export class EventFaults {
  readonly #rates: VenueFaultRates;
  readonly #prng: Prng;
  readonly #counts: FaultCounts;
  #held: VenueEvent[] = [];

  constructor(rates: VenueFaultRates, prng: Prng, counts: FaultCounts) {
    this.#rates = rates;
    this.#prng = prng;
    this.#counts = counts;
  }

  /** What the bot hears of `events`: late events from earlier batches first, then this batch after faults. */
  deliver(events: readonly VenueEvent[]): VenueEvent[] {
    const out = this.#held;
    this.#held = [];
    const r = this.#rates;
    for (const e of events) {
      if (this.#prng.chance(r.dropEvent)) {
        this.#counts.dropEvent++;
        continue;
      }
      if (this.#prng.chance(r.delayEvent)) {
        this.#counts.delayEvent++;
        this.#held.push(e);
        continue;
      }
      out.push(e);
      if (this.#prng.chance(r.duplicateEvent)) {
        this.#counts.duplicateEvent++;
        out.push(e);
      }
    }
    return out;
  }

  /** Events still held back (delivered with the next batch). */
  get pending(): number {
    return this.#held.length;
  }
}
