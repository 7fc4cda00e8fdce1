/**
 * Live mode's composition end to end against a real, compiled Drift program (solana-bankrun, no network):
 * the example grid bot through openLivePriced → BotSession → DriftVenue (SDK instructions, polling events) →
 * the program, with the database the runner uses. Only the market feed is the test's: it reports the oracle the
 * test writes into the bank (live mode reads it from an RPC).
 *
 * Runs only when DRIFT_PROGRAM_SO points at a compiled drift.so (see docs/drift-venue.md); skipped otherwise.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../config/read-config-file.ts';
import { MARKETS } from '../domain/markets.ts';
import type { Order } from '../domain/types.ts';
import { createLogger } from '../log/index.ts';
import { listFills } from '../store/index.ts';
import { type TestDb, testDb } from '../store/test-support/test-db.ts';
import type { DriftAccountState } from '../venue/drift/account-reader.ts';
import type { BankrunChain } from '../venue/drift/test-support/bankrun-chain.ts';
import type { Counterparty, DriftHarness } from '../venue/drift/test-support/bankrun-drift.ts';
import {
  counterparty,
  pausePerpOperations,
  sellIntoMakerBid,
  tier0MakerRebate,
} from '../venue/drift/test-support/bankrun-participants.ts';
import { realProgramSkip, startSolPerpBank } from '../venue/drift/test-support/bankrun-suite.ts';
import { type BankrunVenue, bankrunVenue } from '../venue/drift/test-support/bankrun-venue.ts';
import type { BotDriver } from './bot-driver.ts';
import { loadBotRecord, registerBot, saveDeposited } from './bot-records.ts';
import { shutdownSession } from './bot-shutdown.ts';
import { openLivePriced } from './live-priced-driver.ts';
import { RunnerMetrics } from './metrics.ts';
import { flushWrites } from './persist.ts';

const why = await realProgramSkip('live-on-bankrun suite');

const SOL = MARKETS['SOL-PERP'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COLLATERAL = 1_000_000_000n; // the example's 1,000 USDC
const BAR_MS = 60_000;

describe('live mode on a compiled Drift program (grid bot, solana-bankrun)', { skip: why }, () => {
  let chain: BankrunChain;
  let drift: DriftHarness;
  let v: BankrunVenue;
  let t: TestDb;
  let driver: BotDriver;
  let sub: number;
  let taker: Counterparty;
  const logs: string[] = [];
  let nowMs = 0;
  let price = 100;

  const userPda = () => v.builder.userAccountPublicKey(sub);
  const account = () => v.venue.getAccount(sub) as Promise<DriftAccountState>;

  /** One minute passes on the bank's clock; the oracle moves to `p`; the driver ticks and its writes commit. */
  const minute = async (p: number) => {
    await chain.advance(150, 60);
    nowMs = Number(await chain.unixTimestamp()) * 1000;
    price = p;
    await drift.setOraclePrice(BigInt(Math.round(p * 1e6)));
    await driver.tick(nowMs);
    await flushWrites(t.db, [driver.session], []);
  };

  before(async () => {
    ({ chain, drift } = await startSolPerpBank());
    // AMM fills paused: a taker's order can only fill against a maker order (ours).
    await pausePerpOperations(drift, 2);
    v = await bankrunVenue(chain, drift, await drift.newTrader(10n * COLLATERAL));
    nowMs = Number(await chain.unixTimestamp()) * 1000;

    t = await testDb();
    const raw = readConfigFile(join(ROOT, 'examples/sol-grid.yaml')) as Record<string, unknown>;
    const record = await registerBot(t.db, raw, 'live', 'sol-grid.yaml');
    // What live mode's provisioning and a deposit do: a subaccount for the bot, the collateral in it.
    sub = await v.venue.createSubaccount('sol-grid');
    await v.venue.deposit(sub, COLLATERAL);
    await saveDeposited(t.db, record.id, COLLATERAL);
    const loaded = await loadBotRecord(t.db, record.id);
    assert.ok(loaded);
    driver = await openLivePriced({
      record: loaded,
      ctx: {
        db: t.db,
        leaseHeld: () => true,
        metrics: new RunnerMetrics(),
        log: createLogger({ write: (l) => logs.push(l), botId: record.id, now: () => nowMs }),
      },
      feed: {
        quote: (i) =>
          i === SOL.marketIndex
            ? {
                marketIndex: i,
                mark: price,
                bid: price,
                ask: price,
                oracle: price,
                fundingRate: 0,
                slot: 0,
                oracleSlot: 0,
                oracleAgeMs: 0,
                oracleStale: false,
                market: { spec: SOL, status: 'active', reduceOnly: false, paused: false },
                book: undefined,
              }
            : undefined,
        refresh: async () => {},
        close: async () => {},
      },
      venue: {
        kind: 'live',
        venue: v.venue,
        subaccountId: sub,
        route: (s, session) => v.venue.subscribe((e) => e.subaccountId === s && session.onVenueEvent(e)),
        liquidationPrice: (a, i) => (a as DriftAccountState).liquidationPrices[i],
      },
      barMs: BAR_MS,
      now: () => nowMs,
    });
  });
  after(async () => {
    await t?.drop();
  });

  it('ramps a maker ladder onto the program: on tick and step, post-only, unique userOrderIds', async () => {
    // Two hours of a gentle ±2% swing: the blended range fills in and the ramp-in completes.
    for (let i = 0; i < 120; i++) await minute(100 + 2 * Math.sin((i / 30) * Math.PI));
    const open = (await account()).openOrders;
    const px = (o: Order) => (Number(o.price) / 1e6).toFixed(3);
    console.log(
      `live on bankrun: ${v.sent.length} transactions (${v.sent.filter((s) => !s.ok).length} refused), ` +
        `${open.length} orders resting: bids ${open
          .filter((o) => o.side === 'buy')
          .map(px)
          .join(' ')}; ` +
        `asks ${open
          .filter((o) => o.side === 'sell')
          .map(px)
          .join(' ')}`,
    );
    assert.ok(open.length <= 32);
    const bids = open.filter((o) => o.side === 'buy');
    const asks = open.filter((o) => o.side === 'sell');
    // The example is a bounded grid: its curve is laid on the blended range, and orders that grow the position
    // rest only inside it (docs/grid-strategy.md). Two hours of ±2% lay a range about 4% wide, so a flat
    // position is quoted by at least two levels a side, every one of them inside the laid range.
    assert.ok(
      bids.length >= 2 && asks.length >= 2,
      `a two-sided ladder rests on the program (${open.length})`,
    );
    const laid = driver.session.lastDecision?.range;
    assert.ok(laid && laid.hi > laid.lo, 'the bot has laid a range');
    // Level prices go on the tick away from the market (bids down, asks up): within one tick of the range.
    const tick = Number(SOL.tickSize) / 1e6;
    for (const o of open) {
      const p = Number(o.price) / 1e6;
      assert.ok(
        p >= laid.lo - tick && p <= laid.hi + tick,
        `${o.side} at ${p} inside the laid range [${laid.lo}, ${laid.hi}]`,
      );
    }
    for (const o of open) {
      assert.equal(o.price % SOL.tickSize, 0n, `price ${o.price} on the tick`);
      assert.equal(o.base % SOL.stepSize, 0n, `size ${o.base} on the step`);
      assert.ok(o.base >= SOL.minOrderSize);
      assert.equal(o.postOnly === 'none', false, 'maker orders only');
    }
    assert.ok(Math.max(...bids.map((o) => Number(o.price))) < Math.min(...asks.map((o) => Number(o.price))));
    assert.equal(new Set(open.map((o) => o.userOrderId)).size, open.length);
    // Every order the program holds is one the runner's orders table has open.
    const rows = await t.db.query<{ order_id: string }>(
      "select order_id from orders where bot_id = 'sol-grid' and status = 'open' order by order_id",
    );
    assert.deepEqual(
      rows.map((r) => Number(r.order_id)),
      open.map((o) => o.orderId).sort((a, b) => a - b),
    );
  });

  it("books a counterparty fill of our best bid with the program's rebate; the books equal the account", async () => {
    const bids = (await account()).openOrders.filter((o) => o.side === 'buy');
    const best = bids.reduce((a, b) => (b.price > a.price ? b : a)) as Order;
    taker = await counterparty(drift, 10n * COLLATERAL);
    await sellIntoMakerBid(
      drift,
      taker,
      { authority: v.authority.publicKey, user: userPda(), orderId: best.orderId },
      best.base,
      best.price,
      BigInt(Math.round(price * 1e6)),
    );
    await minute(price);

    const fills = await listFills(t.db, 'sol-grid');
    assert.equal(fills.length, 1);
    const [f] = fills;
    assert.equal(f.side, 'buy');
    assert.equal(f.price, best.price);
    assert.equal(f.base, best.base);
    const rebate = await tier0MakerRebate(drift, f.quote);
    assert.ok(rebate > 0n);
    assert.equal(f.fee, -rebate);

    // deposit + fills' cash − fees + funding = USDC balance + the position's quote, to the micro-USDC.
    const a = await account();
    const pos = a.positions.find((p) => p.marketIndex === SOL.marketIndex);
    assert.equal(pos?.base, best.base);
    const books = COLLATERAL - f.quote - f.fee + driver.session.fundingTotal;
    assert.equal(books, a.collateral + a.positions.reduce((s, p) => s + p.quoteAsset, 0n));
    assert.equal(driver.session.feesTotal, -rebate);
  });

  it('shuts down like the runner: every order cancelled on the program, the position kept', async () => {
    await shutdownSession(driver.session, () => nowMs);
    await flushWrites(t.db, [driver.session], []);
    await driver.close();
    const a = await account();
    assert.deepEqual(a.openOrders, []);
    assert.ok(
      a.positions.some((p) => p.base !== 0n),
      'the grid keeps its position',
    );
    const open = await t.db.query("select 1 from orders where bot_id = 'sol-grid' and status = 'open'");
    assert.equal(open.length, 0);
    assert.ok(
      !logs.some((l) => /"level":"error"/.test(l)),
      logs.filter((l) => /"level":"error"/.test(l)).join('\n'),
    );
  });
});
