/**
 * A VenuePort over a SimVenue that counts the account reads a session makes, and can hide the simulator's
 * read-only view and generation (then the session reads as it would a remote venue: a copy every time).
 */
import type { VenuePort } from '../../venue/port.ts';
import type { SimVenue } from '../../venue/sim/sim-venue.ts';

export interface ReadCountingPort extends VenuePort {
  /** Account reads so far (getAccount and accountView). */
  reads: number;
  /** The venue's generation at the last read. */
  lastReadGeneration: number | undefined;
}

export function readCountingPort(venue: SimVenue, offerView: boolean): ReadCountingPort {
  const port: ReadCountingPort = {
    name: venue.name,
    reads: 0,
    lastReadGeneration: undefined,
    createSubaccount: (name) => venue.createSubaccount(name),
    deposit: (id, amount) => venue.deposit(id, amount),
    withdraw: (id, amount) => venue.withdraw(id, amount),
    execute: (id, commands) => venue.execute(id, commands),
    getAccount: (id) => {
      port.reads++;
      port.lastReadGeneration = venue.generation;
      return venue.getAccount(id);
    },
    orderBook: (i) => venue.orderBook(i),
    subscribe: (listener) => venue.subscribe(listener),
  };
  if (!offerView) return port;
  return Object.defineProperties(port, {
    accountView: {
      value: (id: number) => {
        port.reads++;
        port.lastReadGeneration = venue.generation;
        return venue.accountView(id);
      },
    },
    generation: { get: () => venue.generation },
  });
}
