/**
 * settle_pnl through live mode's venue (loopback RPC over the in-memory layer; margin figures are the SDK's,
 * computed from the served accounts): positive pnl counts for initial margin only once settled, so settling
 * raises free collateral by exactly the pnl, moves it from the position's quote into USDC, and leaves total
 * collateral and the books unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MARKETS } from '../../domain/markets.ts';
import type { DriftAccountState } from './account-reader.ts';
import { connectLiveDrift, type LiveDrift } from './live.ts';
import { type Loopback, startLoopback } from './test-support/rpc/loopback.ts';

const SOL = MARKETS['SOL-PERP'];
const MINUTE = 60_000;

describe('settle_pnl (live venue, loopback RPC, SDK margin maths)', () => {
  let net: Loopback;
  let drift: LiveDrift;
  let now = Math.floor(Date.now() / MINUTE) * MINUTE;
  let sub: number;

  before(async () => {
    net = await startLoopback({ markets: [SOL], clock: () => now, slotMs: 400 });
    net.bar(SOL.marketIndex, now - MINUTE, { close: 150 });
    drift = await connectLiveDrift({
      rpcUrl: net.server.url,
      keypair: net.keypair,
      perpMarketIndexes: [SOL.marketIndex],
      pollMs: 20,
      heartbeatMs: 50,
    });
    sub = await drift.venue.createSubaccount('settle');
    await drift.venue.deposit(sub, 1_000_000_000n);
  });
  after(async () => {
    await drift?.close();
    await net?.close();
  });

  const read = async () => (await drift.venue.getAccount(sub)) as DriftAccountState;

  it('moves positive pnl into USDC: free collateral up by the pnl, total collateral unchanged', async () => {
    const [r] = await drift.venue.execute(sub, [
      {
        kind: 'place',
        order: {
          marketIndex: 0,
          side: 'buy',
          orderType: 'market',
          base: 2_000_000_000n,
          price: 151_000_000n,
          reduceOnly: false,
          postOnly: 'none',
          ioc: true,
          userOrderId: 0,
        },
      },
    ]);
    assert.ok(r.ok);
    now += MINUTE;
    net.bar(SOL.marketIndex, now - MINUTE, { open: 150, close: 160 });
    await new Promise((res) => setTimeout(res, 100)); // the venue's client polls the new oracle
    const before = await read();
    const pnl = before.unsettledPnl?.[0] ?? 0n;
    assert.ok(pnl > 19_000_000n, `about +20 USDC on 2 SOL from 150 to 160 (got ${pnl})`);
    // Live (the SDK over the served accounts) and the simulator behind the chain agree on the figures.
    const [[, simSub]] = net.chain.layer.subaccounts();
    const sim = net.chain.layer.exchange.account(simSub);
    assert.equal(before.totalCollateral, sim.totalCollateral, 'total collateral (maintenance-weighted)');
    assert.equal(before.freeCollateral, sim.freeCollateral);

    const out = await drift.venue.settlePnl(sub, [0]);
    assert.deepEqual(out, { ok: true });
    const after = await read();
    assert.equal(after.collateral - before.collateral, pnl, 'the pnl is now USDC');
    const quote = (a: DriftAccountState) => a.positions.find((p) => p.marketIndex === 0)?.quoteAsset ?? 0n;
    assert.equal(quote(before) - quote(after), pnl, "and left the position's quote");
    assert.equal(after.positions[0].base, before.positions[0].base, 'the position stays');
    assert.equal(after.totalCollateral, before.totalCollateral);
    assert.equal(after.freeCollateral - before.freeCollateral, pnl, "Drift's initial pnl weight is 0");
    assert.equal(after.unsettledPnl?.[0], 0n);
    assert.equal(after.totals.settledPerpPnl - before.totals.settledPerpPnl, pnl);
    // What a polled venue books: nothing (no fill, no funding) — the books still equal the account.
    assert.equal(
      before.collateral + quote(before),
      after.collateral + quote(after),
      'USDC + quote is what the books track',
    );
  });
});
