/**
 * DriftVenue and what it reads back from the chain: sends of unknown outcome and read errors (degraded until a
 * heartbeat has re-read), and polling mode's events from the differences of account reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../../data/types.ts';
import type { VenueEvent } from '../../domain/types.ts';
import { limit, MINUTE, setupDriftVenue as setup, T0 } from './test-support/drift-venue-setup.ts';

describe('DriftVenue specifics', () => {
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
