/**
 * Markets from chain, against the in-memory layer's accounts served over the loopback JSON-RPC server (the
 * SDK decodes the same bytes a mainnet RPC would send): every market's spec, its status, the wallet's fees,
 * the merged DLOB + vAMM book and the oracle's staleness, as live mode reads them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MARKETS, type MarketSpec } from '../../domain/markets.ts';
import { connectLiveDrift, type LiveDrift } from './live.ts';
import { connectDriftMarketFeed, type DriftMarketFeed } from './market-feed.ts';
import { type Loopback, startLoopback } from './test-support/rpc/loopback.ts';

const MINUTE = 60_000;
// Every table market, one of them with a size premium, as the chain would hold them.
const SPECS: MarketSpec[] = Object.values(MARKETS).map((m) =>
  m.symbol === 'ETH-PERP' ? { ...m, imfFactor: 500 } : m,
);
const PRICES: Record<string, number> = { 'SOL-PERP': 150, 'BTC-PERP': 60_000, 'ETH-PERP': 3_000 };

describe('markets from chain (loopback RPC over the in-memory layer)', () => {
  let net: Loopback;
  let drift: LiveDrift;
  let feed: DriftMarketFeed;
  let now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const indexes = SPECS.map((m) => m.marketIndex);

  before(async () => {
    net = await startLoopback({ markets: SPECS, clock: () => now, slotMs: 400 });
    for (const m of SPECS) net.bar(m.marketIndex, now - MINUTE, { close: PRICES[m.symbol] ?? 1 });
    const fast = { pollMs: 20, heartbeatMs: 50 };
    drift = await connectLiveDrift({
      rpcUrl: net.server.url,
      keypair: net.keypair,
      perpMarketIndexes: indexes,
      ...fast,
    });
    feed = await connectDriftMarketFeed({
      rpcUrl: net.server.url,
      perpMarketIndexes: indexes,
      ...fast,
      clock: () => now,
    });
  });
  after(async () => {
    await feed?.close();
    await drift?.close();
    await net?.close();
  });

  const settle = () => new Promise((r) => setTimeout(r, 250));

  it('reads every market by index: tick, step, min size, margin ratios, size premium, tier, funding period', () => {
    const chain = drift.markets();
    assert.equal(chain.size, SPECS.length);
    for (const want of SPECS) {
      const got = chain.get(want.marketIndex)?.spec;
      assert.ok(got, want.symbol);
      assert.equal(got.symbol, want.symbol);
      assert.equal(got.tickSize, want.tickSize, `${want.symbol} tick`);
      assert.equal(got.stepSize, want.stepSize, `${want.symbol} step`);
      assert.equal(got.minOrderSize, want.minOrderSize, `${want.symbol} min size`);
      assert.equal(got.marginRatioInitial, want.marginRatioInitial);
      assert.equal(got.marginRatioMaintenance, want.marginRatioMaintenance);
      assert.equal(got.imfFactor, want.imfFactor ?? 0);
      assert.equal(got.contractTier, want.contractTier);
      assert.equal(got.fundingPeriodSec, 3600);
    }
  });

  it("takes the wallet's fees from the exchange's tier 0 (no UserStats yet)", async () => {
    const fees = await drift.feeBps(0);
    assert.deepEqual(fees, { takerFeeBps: 3.5, makerFeeBps: -0.25 });
  });

  it('maps the market status to reduce-only (rule G) and paused (rule F)', async () => {
    const status = async (s: string) => {
      net.chain.setMarketStatus(0, s);
      await settle();
      const q = feed.quote(0);
      assert.ok(q);
      return { status: q.market.status, reduceOnly: q.market.reduceOnly, paused: q.market.paused };
    };
    assert.deepEqual(await status('reduceOnly'), {
      status: 'reduceOnly',
      reduceOnly: true,
      paused: false,
    });
    assert.deepEqual(await status('fillPaused'), {
      status: 'fillPaused',
      reduceOnly: false,
      paused: true,
    });
    assert.deepEqual(await status('settlement'), { status: 'settlement', reduceOnly: true, paused: true });
    assert.deepEqual(await status('active'), { status: 'active', reduceOnly: false, paused: false });
  });

  it('quotes the best bid and ask of the DLOB and the vAMM together', async () => {
    const q = feed.quote(0);
    assert.ok(q?.book);
    // The vAMM alone: the simulator's 2 bp spread around 150.
    assert.ok(
      Math.abs(q.bid - 149.985) < 0.001 && Math.abs(q.ask - 150.015) < 0.001,
      `${q.bid} / ${q.ask} ${q.oracle} ${q.market.status}`,
    );
    assert.ok(Math.abs(q.mark - 150) < 0.001, `mark ${q.mark}`);
    // A resting bid inside the vAMM's spread becomes the best bid once the DLOB refreshes.
    const sub = await drift.venue.createSubaccount('book');
    await drift.venue.deposit(sub, 1_000_000_000n);
    const [r] = await drift.venue.execute(sub, [
      {
        kind: 'place',
        order: {
          marketIndex: 0,
          side: 'buy',
          orderType: 'limit',
          base: 2_000_000_000n,
          price: 149_995_000n,
          reduceOnly: false,
          postOnly: 'must',
          ioc: false,
          userOrderId: 0,
        },
      },
    ]);
    assert.ok(r.ok);
    const fresh = await connectDriftMarketFeed({
      rpcUrl: net.server.url,
      perpMarketIndexes: [0],
      pollMs: 20,
      clock: () => now,
    });
    try {
      const q2 = fresh.quote(0);
      assert.ok(q2?.book);
      assert.equal(q2.book.bids[0].price, 149_995_000n);
      assert.equal(q2.book.bids[0].base, 2_000_000_000n);
      assert.equal(q2.bid, 149.995);
      assert.ok(q2.book.asks[0].price > q2.book.bids[0].price);
      // The venue serves the same book.
      const venueBook = await drift.venue.orderBook(0);
      assert.equal(venueBook?.bids[0].price, 149_995_000n);
    } finally {
      await fresh.close();
    }
  });

  it("marks the oracle stale from its slot lag (the exchange's slotsBeforeStaleForMargin)", async () => {
    net.chain.touchOracle(0);
    await settle();
    assert.equal(feed.quote(0)?.oracleStale, false);
    // 60 s without a new oracle = 150 slots at 400 ms, past the 120-slot guard rail.
    now += MINUTE;
    net.bar(1, now - MINUTE, { close: 60_000 }); // the chain moves on; SOL's oracle is not republished
    await settle();
    const q = feed.quote(0);
    assert.ok(q);
    assert.ok(q.slot - q.oracleSlot >= 150, `lag ${q.slot - q.oracleSlot} slots`);
    assert.equal(q.oracleStale, true);
    assert.ok(q.oracleAgeMs >= 60_000);
  });
});
