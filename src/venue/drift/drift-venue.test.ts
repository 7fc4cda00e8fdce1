import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { venueContractSuite } from '../../../test/venue-contract.ts';
import type { OrderParams } from '../../domain/types.ts';
import { limit, SOL, setupDriftVenue as setup } from './test-support/drift-venue-setup.ts';
import type { SendOptions } from './tx-sender.ts';

venueContractSuite('DriftVenue (SDK instructions over the in-memory account layer)', async () => {
  const { venue, layer, advance } = setup();
  return {
    venue,
    spec: SOL,
    deposit: 1_000_000_000n,
    referencePrice: async () => layer.exchange.quote(0)?.mark ?? 0n,
    advance,
  };
});

describe('DriftVenue specifics', () => {
  it('placeAndTake is one transaction of placeAndTakePerpOrder instructions, LIMIT IOC, FullFill when required', async () => {
    const { venue, layer } = setup();
    const sub = await venue.createSubaccount('pair');
    await venue.deposit(sub, 500_000_000n);
    const taker = (side: 'buy' | 'sell', price: bigint): OrderParams => ({
      ...limit(side, price, { orderType: 'market', postOnly: 'none', ioc: true }),
    });
    const [r] = await venue.execute(sub, [
      {
        kind: 'placeAndTake',
        orders: [taker('buy', 101_000_000n), taker('buy', 101_500_000n)],
        requireFullFill: true,
      },
    ]);
    assert.equal(r?.ok, true);
    const tx = layer.log.at(-1) ?? [];
    assert.deepEqual(
      tx.map((ix) => ix.name),
      ['placeAndTakePerpOrder', 'placeAndTakePerpOrder'],
      'both orders in one transaction',
    );
    for (const ix of tx) {
      assert.ok(ix.name === 'placeAndTakePerpOrder');
      assert.equal(ix.successCondition, 'fullFill');
      assert.deepEqual(
        [ix.order.orderType, ix.order.ioc],
        ['limit', true],
        'no auction: the take happens at once',
      );
      assert.notEqual(ix.order.userOrderId, 0, 'the venue gave each a userOrderId');
    }
    assert.equal((await venue.getAccount(sub)).positions[0]?.base, 2_000_000_000n);
    const [loose] = await venue.execute(sub, [
      { kind: 'placeAndTake', orders: [taker('sell', 99_000_000n)], requireFullFill: false },
    ]);
    assert.equal(loose?.ok, true);
    const last = layer.log.at(-1)?.[0];
    assert.ok(last?.name === 'placeAndTakePerpOrder' && last.successCondition === 'none');
  });

  it('provisions subaccounts 0, 1, … (user stats only with the first) and trades on the right PDA', async () => {
    const { venue, layer, builder } = setup();
    assert.equal(await venue.createSubaccount('grid'), 0);
    assert.equal(await venue.createSubaccount('spread'), 1);
    assert.deepEqual(
      layer.log.slice(0, 2).map((tx) => tx.map((ix) => ix.name)),
      [['initializeUserStats', 'initializeUser'], ['initializeUser']],
    );
    await venue.deposit(1, 500_000_000n);
    const [r] = await venue.execute(1, [{ kind: 'place', order: limit('buy', 95_000_000n) }]);
    assert.equal(r.ok, true);
    const tx = layer.log.at(-1);
    assert.equal(tx?.[0].name, 'placeOrders');
    assert.ok(tx?.[0].name === 'placeOrders' && tx[0].user.equals(builder.userAccountPublicKey(1)));
    assert.equal((await venue.getAccount(0)).openOrders.length, 0);
    assert.equal((await venue.getAccount(1)).openOrders.length, 1);
  });

  it('gives orders without a userOrderId a fresh non-zero one and remembers the post-only flavour', async () => {
    const { venue } = setup();
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 500_000_000n);
    await venue.execute(sub, [
      { kind: 'place', order: limit('buy', 95_000_000n, { postOnly: 'slide' }) },
      { kind: 'place', order: limit('buy', 94_000_000n) },
    ]);
    const open = (await venue.getAccount(sub)).openOrders;
    const uoids = open.map((o) => o.userOrderId);
    assert.equal(new Set(uoids).size, 2);
    assert.ok(uoids.every((u) => u >= 1 && u <= 255));
    assert.deepEqual(
      open.map((o) => o.postOnly),
      ['slide', 'must'],
    );
  });

  it('sends every transaction with the configured priority fee', async () => {
    const seen: SendOptions[] = [];
    const { venue } = setup((inner) => ({
      send: (ixs, options) => {
        seen.push(options);
        return inner.send(ixs, options);
      },
    }));
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 500_000_000n);
    await venue.execute(sub, [{ kind: 'place', order: limit('buy', 95_000_000n, { userOrderId: 3 }) }]);
    assert.equal(seen.length, 3);
    assert.ok(seen.every((o) => o.computeUnitPrice === 5_000));
    assert.equal(typeof seen[2].alreadyApplied, 'function', 'order sends can be checked by userOrderId');
  });

  it('refuses a withdrawal above the balance as a value, without sending', async () => {
    const { venue, layer } = setup();
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 100_000_000n);
    const sent = layer.log.length;
    const w = await venue.withdraw(sub, 100_000_001n);
    assert.deepEqual(w.ok ? 'ok' : w.reason, 'InsufficientCollateral');
    assert.equal(layer.log.length, sent);
    assert.deepEqual(await venue.withdraw(sub, 40_000_000n), { ok: true });
    assert.equal((await venue.getAccount(sub)).collateral, 60_000_000n);
  });

  it('refuses a command one transaction cannot carry as a value: nothing sent, the venue stays healthy', async () => {
    const { venue, layer } = setup();
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 900_000_000n);
    const sent = layer.log.length;
    const place = Array.from({ length: 28 }, (_, i) => limit('buy', BigInt(90_000_000 - i * 10_000)));
    const [r] = await venue.execute(sub, [{ kind: 'cancelAndPlace', cancelOrderIds: [], place }]);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'InvalidOrder');
    assert.match(
      !r.ok ? r.detail : '',
      /one transaction cannot carry this cancelAndPlace \(over 1232 bytes\)/,
    );
    assert.equal(layer.log.length, sent);
    assert.equal(venue.health.state.status, 'healthy');
    assert.deepEqual((await venue.getAccount(sub)).openOrders, []);
  });

  it('answers OrderNotFound for an unknown order id without spending a transaction', async () => {
    const { venue, layer } = setup();
    const sub = await venue.createSubaccount('a');
    const sent = layer.log.length;
    const [c, m] = await venue.execute(sub, [
      { kind: 'cancel', orderId: 99 },
      { kind: 'modify', orderId: 99, price: 1n },
    ]);
    assert.deepEqual([c.ok ? 'ok' : c.reason, m.ok ? 'ok' : m.reason], ['OrderNotFound', 'OrderNotFound']);
    assert.equal(layer.log.length, sent);
  });
});
