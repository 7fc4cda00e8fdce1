import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { venueContractSuite } from '../../../../test/venue-contract.ts';
import type { VenueEvent } from '../../../domain/types.ts';
import { SimVenue } from '../sim-venue.ts';
import { flat, limit, MINUTE, SOL, T0, usd } from '../test-support/fixtures.ts';
import { NO_FAULTS, type VenueFaultRates } from './fault-config.ts';
import { FaultyVenue, VenueDisconnectedError, VenueTimeoutError } from './faulty-venue.ts';

const rates = (r: Partial<VenueFaultRates>): VenueFaultRates => ({ ...NO_FAULTS.venue, ...r });

async function setup(r: Partial<VenueFaultRates>) {
  const inner = new SimVenue({ markets: [SOL], spreadBps: 2 });
  inner.onBar(0, flat(T0, 100), MINUTE);
  const sub = await inner.createSubaccount('a');
  await inner.deposit(sub, usd(1000));
  const venue = new FaultyVenue(inner, { rates: rates(r), seed: 7, clock: () => T0 });
  const heard: VenueEvent[] = [];
  venue.subscribe((e) => heard.push(e));
  return { inner, venue, sub, heard };
}

// With every fault off the wrapper must be invisible: the full venue contract holds through it.
venueContractSuite('FaultyVenue (no faults)', async () => {
  const inner = new SimVenue({ markets: [SOL], spreadBps: 2 });
  let ts = T0;
  inner.onBar(0, flat(ts, 100), MINUTE);
  return {
    venue: new FaultyVenue(inner, { rates: NO_FAULTS.venue, seed: 1 }),
    spec: SOL,
    deposit: usd(1000),
    referencePrice: async () => inner.exchange.quote(0)?.mark ?? 0n,
    advance: async (to?: number) => {
      ts = to ?? ts + MINUTE;
      inner.onBar(0, flat(ts, 100), MINUTE);
    },
  };
});

describe('FaultyVenue', () => {
  it('while disconnected applies nothing: execute answers Disconnected per command, reads reject', async () => {
    const t = await setup({ disconnect: 1, disconnectLength: [2, 2] });
    const cmds = [
      { kind: 'place' as const, order: limit('buy', 1, 95) },
      { kind: 'place' as const, order: limit('sell', 1, 105) },
    ];
    const r = await t.venue.execute(t.sub, cmds);
    assert.deepEqual(
      r.map((x) => (x.ok ? 'ok' : x.reason)),
      ['Disconnected', 'Disconnected'],
    );
    assert.equal((await t.inner.getAccount(t.sub)).openOrders.length, 0);
    await assert.rejects(t.venue.getAccount(t.sub), VenueDisconnectedError);
    assert.equal(t.venue.counts.disconnect, 1);
  });

  it('heals after the disconnect length and then applies commands again', async () => {
    const t = await setup({ disconnectLength: [1, 1] });
    t.venue.connection.drop(1);
    await assert.rejects(t.venue.getAccount(t.sub), VenueDisconnectedError);
    const [r] = await t.venue.execute(t.sub, [{ kind: 'place', order: limit('buy', 1, 95) }]);
    assert.equal(r?.ok, true);
    assert.equal((await t.venue.getAccount(t.sub)).openOrders.length, 1);
  });

  it('a timeout applies the commands on the venue but rejects the call', async () => {
    const t = await setup({ timeout: 1 });
    await assert.rejects(
      t.venue.execute(t.sub, [{ kind: 'place', order: limit('buy', 1, 95) }]),
      VenueTimeoutError,
    );
    assert.equal((await t.inner.getAccount(t.sub)).openOrders.length, 1);
    assert.equal(t.venue.counts.timeout, 1);
  });

  it('an injected reject is a value, is not applied, and tells subscribers', async () => {
    const t = await setup({ reject: 1 });
    const [r] = await t.venue.execute(t.sub, [{ kind: 'place', order: limit('buy', 1, 95) }]);
    assert.equal(r?.ok, false);
    assert.equal((await t.inner.getAccount(t.sub)).openOrders.length, 0);
    assert.deepEqual(
      t.heard.map((e) => e.type),
      ['rejected'],
    );
  });

  it('drops, duplicates and delays events to subscribers; the venue itself is unaffected', async () => {
    const dropped = await setup({ dropEvent: 1 });
    await dropped.venue.execute(dropped.sub, [{ kind: 'place', order: limit('buy', 1, 95) }]);
    assert.equal(dropped.heard.length, 0);
    assert.equal((await dropped.venue.getAccount(dropped.sub)).openOrders.length, 1);

    const doubled = await setup({ duplicateEvent: 1 });
    await doubled.venue.execute(doubled.sub, [{ kind: 'place', order: limit('buy', 1, 95) }]);
    assert.deepEqual(
      doubled.heard.map((e) => e.type),
      ['accepted', 'accepted'],
    );

    const late = await setup({ delayEvent: 1 });
    await late.venue.execute(late.sub, [{ kind: 'place', order: limit('buy', 1, 95) }]);
    assert.equal(late.heard.length, 0, 'held back');
    await late.venue.execute(late.sub, [{ kind: 'place', order: limit('buy', 1, 94) }]);
    assert.equal(late.heard.length, 1, 'the first arrives with the next event');
    assert.equal(late.heard[0]?.type === 'accepted' && late.heard[0].order.price, usd(95));
  });

  it('is deterministic in its seed', async () => {
    const run = async () => {
      const t = await setup({ reject: 0.3, dropEvent: 0.3, duplicateEvent: 0.3, delayEvent: 0.3 });
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        const [r] = await t.venue.execute(t.sub, [{ kind: 'place', order: limit('buy', 0.1, 90 - i) }]);
        out.push(r?.ok ? 'ok' : 'no');
      }
      return [out.join(','), t.heard.length, JSON.stringify(t.venue.counts)];
    };
    assert.deepEqual(await run(), await run());
  });
});
