import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimExchange } from '../exchange.ts';
import { flat, limit, MINUTE, SOL, T0, usd } from '../test-support/fixtures.ts';
import { type FaultConfig, NO_FAULTS } from './fault-config.ts';
import { FaultyExchange } from './faulty-exchange.ts';

function setup(venue: Partial<FaultConfig['venue']>) {
  const sim = new SimExchange({ markets: [SOL], spreadBps: 2 });
  sim.onBar(0, flat(T0, 100), MINUTE);
  const sub = sim.createSubaccount('a');
  sim.deposit(sub, usd(1000));
  sim.drainEvents();
  return {
    sim,
    sub,
    fx: new FaultyExchange(sim, { ...NO_FAULTS, venue: { ...NO_FAULTS.venue, ...venue } }, 3),
  };
}
const place = (p: number) => ({ kind: 'place' as const, order: limit('buy', 1, p) });

describe('FaultyExchange', () => {
  it('disconnected: nothing applied, the bot hears nothing, and it heals after its length in bars', () => {
    const { sim, sub, fx } = setup({ disconnectLength: [2, 2] });
    fx.connection.drop(2);
    assert.deepEqual(fx.execute(sub, [place(95)], T0), { kind: 'disconnected' });
    assert.equal(sim.openOrders(sub).length, 0);
    assert.equal(fx.onBar(), 'down');
    assert.equal(fx.onBar(), 'healed');
    const out = fx.execute(sub, [place(95)], T0);
    assert.equal(out.kind, 'done');
    assert.equal(fx.deliver(sim.drainEvents()).length, 1);
  });

  it('a timeout applies the commands but returns no results', () => {
    const { sim, sub, fx } = setup({ timeout: 1 });
    assert.deepEqual(fx.execute(sub, [place(95)], T0), { kind: 'timeout' });
    assert.equal(sim.openOrders(sub).length, 1);
  });

  it('an injected reject is not applied and the bot hears a rejected event', () => {
    const { sim, sub, fx } = setup({ reject: 1 });
    const out = fx.execute(sub, [place(95)], T0);
    assert.equal(out.kind === 'done' && out.injectedRejects, 1);
    assert.equal(sim.openOrders(sub).length, 0);
    assert.deepEqual(
      fx.deliver(sim.drainEvents()).map((e) => e.type),
      ['rejected'],
    );
  });
});
