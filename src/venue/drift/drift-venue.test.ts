import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { venueContractSuite } from '../../../test/venue-contract.ts';
import type { Candle } from '../../data/types.ts';
import { getMarket } from '../../domain/markets.ts';
import type { OrderParams, VenueEvent } from '../../domain/types.ts';
import { DriftVenue } from './drift-venue.ts';
import { DriftIxBuilder } from './ix-builder.ts';
import { createOfflineClient } from './test-support/offline-client.ts';
import { SimDriftLayer } from './test-support/sim-layer.ts';
import type { SendOptions, TxSender } from './tx-sender.ts';

const SOL = getMarket('SOL-PERP', { takerFeeBps: 10, makerFeeBps: -2 });
const MINUTE = 60_000;
const T0 = 1_704_067_200_000;
const flat = (ts: number, p: number): Candle => ({
  ts,
  open: p,
  high: p,
  low: p,
  close: p,
  volume: 1000,
  oracleClose: p,
});

/** DriftVenue over the in-memory layer: real SDK instruction building and decoding, the simulator as the chain. */
function setup(wrapSender: (s: TxSender) => TxSender = (s) => s, polling = false) {
  const offline = createOfflineClient();
  let ts = T0;
  const builder = new DriftIxBuilder({
    client: offline.client,
    ensureUser: async (id) => {
      if (!offline.hasUser(id)) offline.setUser(id);
    },
    usdcTokenAccount: async () => offline.usdcTokenAccount,
  });
  const layer = new SimDriftLayer({
    markets: [SOL],
    spreadBps: 2,
    builder,
    program: offline.client.program,
    clock: () => ts,
  });
  layer.onBar(0, flat(ts, 100), MINUTE);
  const venue = new DriftVenue({
    builder,
    sender: wrapSender(layer.sender),
    reader: layer.reader,
    eventSource: polling ? undefined : layer.eventSource,
    clock: () => ts,
    computeUnitPrice: () => 5_000,
  });
  const advance = async (to?: number) => {
    ts = to ?? ts + MINUTE;
    layer.onBar(0, flat(ts, 100), MINUTE);
  };
  return { venue, layer, builder, offline, advance };
}

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

const limit = (side: 'buy' | 'sell', price: bigint, extra: Partial<OrderParams> = {}): OrderParams => ({
  marketIndex: 0,
  side,
  orderType: 'limit',
  base: 1_000_000_000n,
  price,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: 0,
  ...extra,
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

  it('degrades on an unknown outcome, sends nothing while degraded, and recovers without duplicating', async () => {
    const { venue, layer } = setup();
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 500_000_000n);
    const events: VenueEvent[] = [];
    venue.subscribe((e) => events.push(e));
    // The transaction lands, but the RPC dies before we learn it.
    const realSend = layer.sender.send;
    let lost = true;
    const order = limit('buy', 95_000_000n, { userOrderId: 5 });
    const sender = {
      send: async (...args: Parameters<typeof realSend>) => {
        const out = await realSend(...args);
        if (!lost) return out;
        lost = false;
        layer.pingFails = true;
        return { status: 'unknown' as const, detail: 'connection reset while confirming' };
      },
    };
    layer.sender.send = sender.send;
    const [r] = await venue.execute(sub, [{ kind: 'place', order }]);
    assert.equal(r.ok ? 'ok' : r.reason, 'Disconnected');
    assert.equal(venue.status.status, 'degraded');
    const sent = layer.log.length;
    const [again] = await venue.execute(sub, [{ kind: 'place', order }]);
    assert.equal(again.ok ? 'ok' : again.reason, 'Disconnected');
    assert.equal(layer.log.length, sent, 'nothing sent while degraded');
    assert.equal((await venue.heartbeat()).status, 'degraded', 'the RPC is still down');
    layer.pingFails = false;
    assert.equal((await venue.heartbeat()).status, 'healthy');
    // The order that landed is there exactly once; re-sending the same logical order is refused, not doubled.
    const [retry] = await venue.execute(sub, [{ kind: 'place', order }]);
    assert.equal(retry.ok ? 'ok' : retry.reason, 'UserOrderIdAlreadyInUse');
    const open = (await venue.getAccount(sub)).openOrders;
    assert.deepEqual(
      open.map((o) => o.userOrderId),
      [5],
    );
  });

  it('stays degraded while a send of unknown outcome may still land; the late landing is then adopted once', async () => {
    const { venue, layer } = setup();
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 500_000_000n);
    const realSend = layer.sender.send;
    // The RPC loses the answer and the transaction is held: it lands later, while its blockhash is valid.
    let held: (() => Promise<unknown>) | undefined;
    let resolution: 'pending' | 'landed' | 'expired' = 'pending';
    const asked: { signature?: string; lastValidBlockHeight?: number }[] = [];
    layer.sender.send = async (...args) => {
      if (held !== undefined || resolution !== 'pending') return realSend(...args);
      held = () => realSend(...args);
      return { status: 'unknown', signature: 'sig-1', lastValidBlockHeight: 500, detail: 'answer lost' };
    };
    (layer.sender as { resolve?: unknown }).resolve = async (u: (typeof asked)[number]) => {
      asked.push(u);
      return resolution;
    };
    const order = limit('buy', 95_000_000n, { userOrderId: 9 });
    const [r] = await venue.execute(sub, [{ kind: 'place', order }]);
    assert.equal(r.ok ? 'ok' : r.reason, 'Disconnected');
    // The RPC answers again, but the transaction can still land: a fresh read proves nothing yet.
    assert.equal((await venue.heartbeat()).status, 'degraded');
    assert.equal((await venue.heartbeat()).status, 'degraded');
    assert.deepEqual(asked[0], { sub, signature: 'sig-1', lastValidBlockHeight: 500 });
    const [blocked] = await venue.execute(sub, [{ kind: 'place', order: limit('buy', 94_000_000n) }]);
    assert.equal(blocked.ok ? 'ok' : blocked.reason, 'Disconnected', 'no new order while it is unresolved');
    // It lands; the resolver says so; the venue recovers and reports the order.
    await held?.();
    resolution = 'landed';
    assert.equal((await venue.heartbeat()).status, 'healthy');
    assert.equal(venue.unknownSends, 0);
    const open = (await venue.getAccount(sub)).openOrders;
    assert.deepEqual(
      open.map((o) => o.userOrderId),
      [9],
    );
  });

  it('an RPC error while reading degrades the venue; execute then answers Disconnected', async () => {
    const { venue, layer } = setup();
    const sub = await venue.createSubaccount('a');
    layer.pingFails = true;
    await assert.rejects(venue.getAccount(sub), /ECONNREFUSED/);
    const [r] = await venue.execute(sub, [{ kind: 'cancelAll' }]);
    assert.equal(r.ok ? 'ok' : r.reason, 'Disconnected');
    layer.pingFails = false;
    await venue.heartbeat();
    const [ok] = await venue.execute(sub, [{ kind: 'cancelAll' }]);
    assert.equal(ok.ok, true);
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

  it('in polling mode (no event source) reports accepted and cancelled from account diffs', async () => {
    const { venue } = setup(undefined, true);
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 500_000_000n);
    const events: VenueEvent[] = [];
    venue.subscribe((e) => events.push(e));
    const [r] = await venue.execute(sub, [
      { kind: 'place', order: limit('buy', 95_000_000n, { userOrderId: 8 }) },
    ]);
    assert.ok(r.ok);
    const [id] = r.orderIds;
    assert.ok(id > 0, 'the order id is learned from the diff');
    await venue.execute(sub, [{ kind: 'cancel', orderId: id }]);
    assert.deepEqual(
      events.map((e) => [
        e.type,
        e.type === 'accepted' ? e.order.userOrderId : e.type === 'cancelled' ? e.userOrderId : 0,
      ]),
      [
        ['accepted', 8],
        ['cancelled', 8],
      ],
    );
  });

  it('in polling mode reports a fill once when reads overlap and answer out of order', async () => {
    const { venue, layer, advance } = setup(undefined, true);
    const sub = await venue.createSubaccount('a');
    await venue.deposit(sub, 500_000_000n);
    const [r] = await venue.execute(sub, [
      { kind: 'place', order: limit('buy', 99_000_000n, { userOrderId: 4 }) },
    ]);
    assert.ok(r.ok);
    const events: VenueEvent[] = [];
    venue.subscribe((e) => events.push(e));
    // A read that started before the fill answers after one that started after it (an RPC answering out
    // of order); the venue must not diff the older state after the newer one.
    const realRead = layer.reader.read;
    let n = 0;
    layer.reader.read = async (id, minSlot) => {
      const state = await realRead(id, minSlot);
      const delay = n++ === 0 ? 30 : 0;
      await new Promise((res) => setTimeout(res, delay));
      return state;
    };
    const early = venue.poll(); // reads the state before the fill (slow answer)
    await advance(); // the bar fills the bid
    layer.onBar(
      0,
      { ts: T0 + 2 * MINUTE, open: 100, high: 100, low: 98, close: 98, volume: 1, oracleClose: 98 },
      MINUTE,
    );
    const late = venue.getAccount(sub); // reads the state after the fill (fast answer)
    await Promise.all([early, late]);
    await venue.getAccount(sub);
    const fills = events.filter((e) => e.type === 'filled');
    assert.equal(fills.length, 1, JSON.stringify(events.map((e) => e.type)));
  });

  it("in polling mode books fees and funding from Drift's running totals: the books equal the venue exactly", async () => {
    const { venue, layer } = setup(undefined, true);
    const sub = await venue.createSubaccount('a');
    const deposit = 500_000_000n;
    await venue.deposit(sub, deposit);
    // The simulator's own exact records, beside what the venue infers from polls.
    const exact: VenueEvent[] = [];
    layer.eventSource((e) => exact.push(e));
    const polled: VenueEvent[] = [];
    venue.subscribe((e) => polled.push(e));
    let ts = T0;
    const bar = async (c: Omit<Candle, 'ts' | 'volume'>) => {
      ts += MINUTE;
      layer.onBar(0, { ts, volume: 1000, ...c }, MINUTE);
    };
    const fillsOf = (events: VenueEvent[]) => events.flatMap((e) => (e.type === 'filled' ? [e.fill] : []));
    const fundingOf = (events: VenueEvent[]) =>
      events.reduce((s, e) => s + (e.type === 'funding' ? e.payment.amount : 0n), 0n);

    // One maker fill in a window: its fee is the simulator's to the micro-USDC (a rebate, negative).
    await venue.execute(sub, [{ kind: 'place', order: limit('buy', 99_000_000n, { userOrderId: 1 }) }]);
    await bar({ open: 100, high: 100, low: 98.5, close: 99.2, oracleClose: 99.2 });
    await venue.getAccount(sub);
    const [firstPolled] = fillsOf(polled);
    const [firstExact] = fillsOf(exact);
    assert.ok(firstPolled && firstExact);
    assert.ok(firstExact.fee < 0n, 'a maker rebate');
    assert.equal(firstPolled.fee, firstExact.fee);
    assert.equal(firstPolled.quote, firstExact.quote);

    // Two hours with the oracle 1% under the mark: the long pays funding, settled by the simulator.
    for (let i = 0; i < 120; i++)
      await bar({ open: 99.2, high: 99.3, low: 99.1, close: 99.2, oracleClose: 98.2 });
    await venue.getAccount(sub);
    assert.ok(fundingOf(exact) < 0n, 'the long paid funding');
    assert.equal(fundingOf(polled), fundingOf(exact));

    // Two fills in one window close the position (the simulator settles its pnl into collateral).
    await venue.execute(sub, [
      { kind: 'place', order: limit('sell', 101_000_000n, { base: 500_000_000n, userOrderId: 2 }) },
      { kind: 'place', order: limit('sell', 101_500_000n, { base: 500_000_000n, userOrderId: 3 }) },
    ]);
    await bar({ open: 99.2, high: 102, low: 99.2, close: 101.8, oracleClose: 101.8 });
    const account = await venue.getAccount(sub);
    assert.deepEqual(
      account.positions.filter((p) => p.base !== 0n),
      [],
    );
    const sum = (fs: ReturnType<typeof fillsOf>) => fs.reduce((s, f) => s + f.fee, 0n);
    assert.equal(fillsOf(polled).length, 3);
    assert.equal(sum(fillsOf(polled)), sum(fillsOf(exact)));
    assert.equal(fundingOf(polled), fundingOf(exact));

    // The books from polls alone: deposit + fills' cash − fees + funding = collateral + positions' quote.
    const cash = fillsOf(polled).reduce((s, f) => s + (f.side === 'buy' ? -f.quote : f.quote) - f.fee, 0n);
    const venueSide = account.collateral + account.positions.reduce((s, p) => s + p.quoteAsset, 0n);
    assert.equal(deposit + cash + fundingOf(polled), venueSide);
  });
});
