import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getUserAccountPublicKeySync, getUserStatsAccountPublicKey } from '@drift-labs/sdk';
import type { PublicKey } from '@solana/web3.js';
import fc from 'fast-check';
import type { OrderParams } from '../../domain/types.ts';
import { DriftIxBuilder } from './ix-builder.ts';
import { type DecodedDriftIx, decodeDriftIx, decodeInstructionData, namedAccounts } from './ix-decoder.ts';
import { arbOrderParams } from './test-support/fixtures.ts';
import { createOfflineClient } from './test-support/offline-client.ts';

const offline = createOfflineClient();
const { client } = offline;
const program = client.program;
const builder = new DriftIxBuilder({
  client,
  ensureUser: async (id) => {
    if (!offline.hasUser(id)) offline.setUser(id);
  },
  usdcTokenAccount: async () => offline.usdcTokenAccount,
});
const pda = (sub: number): PublicKey =>
  getUserAccountPublicKeySync(program.programId, offline.authority.publicKey, sub);

const order: OrderParams = {
  marketIndex: 30,
  side: 'sell',
  orderType: 'limit',
  base: 25_000_000_000n,
  price: 612_340n,
  reduceOnly: true,
  postOnly: 'must',
  ioc: false,
  userOrderId: 42,
  maxTs: 1_750_000_000_000,
};

/** Decodes with the SDK's program coder (raw) and through our decoder; checks they name the same instruction. */
function decodeOne(ix: Parameters<typeof decodeDriftIx>[1]): DecodedDriftIx {
  const raw = decodeInstructionData(program, ix.data);
  const ours = decodeDriftIx(program, ix);
  assert.ok(raw && ours);
  assert.equal(ours.name, raw.name);
  return ours;
}

describe('DriftIxBuilder: every instruction decodes with the SDK coder', () => {
  it('place: market, amounts, flags, userOrderId, expiry and the subaccount PDA', async () => {
    const ixs = await builder.forCommand(5, { kind: 'place', order });
    assert.equal(ixs.length, 1);
    const d = decodeOne(ixs[0]);
    assert.equal(d.name, 'placeOrders');
    if (d.name !== 'placeOrders') return;
    assert.ok(d.user.equals(pda(5)));
    assert.ok(!d.user.equals(pda(0)));
    assert.deepEqual(d.orders, [order]);
    const raw = decodeInstructionData(program, ixs[0].data);
    // biome-ignore lint/suspicious/noExplicitAny: raw Anchor data
    const p = (raw?.data as any).params[0];
    assert.equal(p.marketIndex, 30);
    assert.equal(p.baseAssetAmount.toString(), '25000000000');
    assert.equal(p.price.toString(), '612340');
    assert.equal(p.reduceOnly, true);
    assert.deepEqual(p.postOnly, { mustPostOnly: {} });
    assert.deepEqual(p.direction, { short: {} });
    assert.deepEqual(p.marketType, { perp: {} });
    assert.equal(p.bitFlags, 0);
    assert.equal(p.userOrderId, 42);
    assert.equal(p.maxTs.toString(), '1750000000');
    const accounts = namedAccounts(program, ixs[0], 'placeOrders');
    assert.ok(accounts.authority.equals(offline.authority.publicKey));
    // the order's perp market is passed as a remaining account so the program can read it
    const market = client.getPerpMarketAccount(30);
    assert.ok(ixs[0].keys.some((k) => market && k.pubkey.equals(market.pubkey)));
  });

  it('place: IOC sets bit flag 1, market orders and TRY_POST_ONLY / SLIDE encode', async () => {
    const ioc = {
      ...order,
      orderType: 'market' as const,
      ioc: true,
      postOnly: 'none' as const,
      reduceOnly: false,
    };
    const [a] = await builder.forCommand(1, { kind: 'place', order: ioc });
    const raw = decodeInstructionData(program, a.data);
    // biome-ignore lint/suspicious/noExplicitAny: raw Anchor data
    const p = (raw?.data as any).params[0];
    assert.equal(p.bitFlags, 1);
    assert.deepEqual(p.orderType, { market: {} });
    for (const [postOnly, variant] of [
      ['try', 'tryPostOnly'],
      ['slide', 'slide'],
    ] as const) {
      const [ix] = await builder.forCommand(1, { kind: 'place', order: { ...order, postOnly } });
      // biome-ignore lint/suspicious/noExplicitAny: raw Anchor data
      assert.deepEqual((decodeInstructionData(program, ix.data)?.data as any).params[0].postOnly, {
        [variant]: {},
      });
    }
  });

  it('cancel by order id, by userOrderId, all, and all in one market', async () => {
    const [c] = await builder.forCommand(2, { kind: 'cancel', orderId: 77 });
    assert.deepEqual(decodeOne(c), { name: 'cancelOrder', user: pda(2), orderId: 77 });
    const [u] = await builder.forCommand(2, { kind: 'cancelByUserOrderId', userOrderId: 9 });
    assert.deepEqual(decodeOne(u), { name: 'cancelOrderByUserId', user: pda(2), userOrderId: 9 });
    const [all] = await builder.forCommand(2, { kind: 'cancelAll' });
    assert.deepEqual(decodeOne(all), {
      name: 'cancelOrders',
      user: pda(2),
      marketIndex: null,
      direction: null,
    });
    const [one] = await builder.forCommand(2, { kind: 'cancelAll', marketIndex: 28 });
    assert.deepEqual(decodeOne(one), {
      name: 'cancelOrders',
      user: pda(2),
      marketIndex: 28,
      direction: null,
    });
    // biome-ignore lint/suspicious/noExplicitAny: raw Anchor data
    assert.deepEqual((decodeInstructionData(program, one.data)?.data as any).marketType, {
      perp: {},
    });
  });

  it('cancelAndPlace is cancelOrdersByIds then placeOrders for the same subaccount, in one list', async () => {
    const second = { ...order, userOrderId: 43, price: 612_350n };
    const ixs = await builder.forCommand(4, {
      kind: 'cancelAndPlace',
      cancelOrderIds: [3, 8],
      place: [order, second],
    });
    assert.equal(ixs.length, 2);
    assert.deepEqual(decodeOne(ixs[0]), { name: 'cancelOrdersByIds', user: pda(4), orderIds: [3, 8] });
    assert.deepEqual(decodeOne(ixs[1]), { name: 'placeOrders', user: pda(4), orders: [order, second] });
    const onlyPlace = await builder.forCommand(4, {
      kind: 'cancelAndPlace',
      cancelOrderIds: [],
      place: [order],
    });
    assert.deepEqual(
      onlyPlace.map((ix) => decodeOne(ix).name),
      ['placeOrders'],
    );
  });

  it('modify carries only the changed fields and the MustModify policy', async () => {
    const [m] = await builder.forCommand(6, { kind: 'modify', orderId: 12, price: 615_000n });
    assert.deepEqual(decodeOne(m), {
      name: 'modifyOrder',
      user: pda(6),
      orderId: 12,
      price: 615_000n,
      policy: 1,
    });
    const [b] = await builder.forCommand(6, { kind: 'modify', orderId: 12, base: 3_000_000_000n });
    assert.deepEqual(decodeOne(b), {
      name: 'modifyOrder',
      user: pda(6),
      orderId: 12,
      base: 3_000_000_000n,
      policy: 1,
    });
  });

  it('deposit and withdraw USDC (spot market 0) for the subaccount; withdraw never borrows', async () => {
    const dep = await builder.deposit(7, 250_000_000n);
    assert.deepEqual(decodeOne(dep), {
      name: 'deposit',
      user: pda(7),
      marketIndex: 0,
      amount: 250_000_000n,
      reduceOnly: false,
    });
    assert.ok(namedAccounts(program, dep, 'deposit').userTokenAccount.equals(offline.usdcTokenAccount));
    const wd = await builder.withdraw(7, 100_000_000n);
    assert.deepEqual(decodeOne(wd), {
      name: 'withdraw',
      user: pda(7),
      marketIndex: 0,
      amount: 100_000_000n,
      reduceOnly: true,
    });
  });

  it('initializeUser names the subaccount, preceded by initializeUserStats for a new authority', async () => {
    const first = await builder.initializeUser(0, 'grid SOL', false);
    assert.deepEqual(
      first.map((ix) => decodeOne(ix)),
      [
        { name: 'initializeUserStats', authority: offline.authority.publicKey },
        { name: 'initializeUser', user: pda(0), subaccountId: 0, accountName: 'grid SOL' },
      ],
    );
    assert.ok(
      namedAccounts(program, first[1], 'initializeUser').userStats.equals(
        getUserStatsAccountPublicKey(program.programId, offline.authority.publicKey),
      ),
    );
    const next = await builder.initializeUser(9, 'spread', true);
    assert.deepEqual(
      next.map((ix) => decodeOne(ix)),
      [{ name: 'initializeUser', user: pda(9), subaccountId: 9, accountName: 'spread' }],
    );
    await assert.rejects(builder.initializeUser(1, 'x'.repeat(33), true), /longer than 32 bytes/);
  });

  it('refuses an order in a market the client has not loaded, with a clear message', async () => {
    await assert.rejects(
      builder.forCommand(1, { kind: 'place', order: { ...order, marketIndex: 999 } }),
      /perp market 999 is not loaded/,
    );
  });

  it('property: any OrderParams encodes and decodes back unchanged, for any subaccount', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbOrderParams([0, 1, 28, 30]), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 20 }),
        async (orders, sub) => {
          const [ix] = await builder.forCommand(sub, {
            kind: 'cancelAndPlace',
            cancelOrderIds: [],
            place: orders,
          });
          const d = decodeDriftIx(program, ix);
          assert.deepEqual(d, { name: 'placeOrders', user: pda(sub), orders });
        },
      ),
      { seed: 2024, numRuns: 60 },
    );
  });
});
