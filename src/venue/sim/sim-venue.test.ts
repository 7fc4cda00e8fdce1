import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { venueContractSuite } from '../../../test/venue-contract.ts';
import type { VenueEvent } from '../../domain/types.ts';
import { SimVenue } from './sim-venue.ts';
import { flat, limit, MINUTE, SOL, T0, usd } from './test-support/fixtures.ts';

venueContractSuite('SimVenue', async () => {
  const venue = new SimVenue({ markets: [SOL], spreadBps: 2 });
  let ts = T0;
  venue.onBar(0, flat(ts, 100), MINUTE);
  return {
    venue,
    spec: SOL,
    deposit: usd(1000),
    referencePrice: async () => venue.exchange.quote(0)?.mark ?? 0n,
    advance: async (to?: number) => {
      ts = to ?? ts + MINUTE;
      venue.onBar(0, flat(ts, 100), MINUTE);
    },
  };
});

describe('SimVenue adapter', () => {
  it('dispatches the events of commands and bars to subscribers, in order, until unsubscribed', async () => {
    const venue = new SimVenue({ markets: [SOL] });
    venue.onBar(0, flat(T0, 100), MINUTE);
    const seen: VenueEvent['type'][] = [];
    const off = venue.subscribe((e) => seen.push(e.type));
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, usd(1000));
    await venue.execute(sub, [{ kind: 'place', order: limit('buy', 1, 99) }]);
    venue.onBar(0, { ...flat(T0 + MINUTE, 100), low: 98 }, MINUTE);
    assert.deepEqual(seen, ['accepted', 'filled']);
    off();
    await venue.execute(sub, [{ kind: 'place', order: limit('buy', 1, 90) }]);
    assert.equal(seen.length, 2);
    const w = await venue.withdraw(sub, usd(5000));
    assert.equal(w.ok, false);
  });
});
