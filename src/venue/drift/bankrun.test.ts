/**
 * DriftVenue against a real, compiled Drift program in solana-bankrun (no validator, no network).
 *
 * Runs only when DRIFT_PROGRAM_SO points at a compiled drift.so and solana-bankrun loads; the program's own IDL
 * is read from DRIFT_IDL_JSON (default: drift.json beside the .so). Never commit either file; see
 * docs/drift-venue.md for where a known-good pair (2024 build + IDL v2.84.0) lives.
 *
 * The venue's instructions are built by SDK 2.156 (DriftIxBuilder) and executed by the program: what is tested
 * is the real encoding. The exchange admin, the counterparty and the keeper use the program's own IDL.
 * The cases share one bank and run in order (each starts from the state the previous one left).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { OrderParams, VenueEvent } from '../../domain/types.ts';
import type { BankrunChain } from './test-support/bankrun-chain.ts';
import type { Counterparty, DriftHarness } from './test-support/bankrun-drift.ts';
import {
  counterparty,
  pausePerpOperations,
  sellIntoMakerBid,
  settleFundingPayment,
  tier0MakerRebate,
  updateFundingRate,
} from './test-support/bankrun-participants.ts';
import { realProgramSkip, startSolPerpBank } from './test-support/bankrun-suite.ts';
import { type BankrunVenue, bankrunVenue } from './test-support/bankrun-venue.ts';

const skip = await realProgramSkip('bankrun suite');

const ORACLE = 100_000_000n; // $100, PRICE precision
const ONE_SOL = 1_000_000_000n;
const DEPOSIT = 10_000_000_000n; // 10,000 USDC

interface ChainOrder {
  status: object;
  orderId: number;
  userOrderId: number;
  marketIndex: number;
  price: { toString(): string };
  baseAssetAmount: { toString(): string };
  baseAssetAmountFilled: { toString(): string };
  direction: object;
  postOnly: boolean;
  orderType: object;
}
interface ChainPosition {
  marketIndex: number;
  baseAssetAmount: { toString(): string };
  quoteAssetAmount: { toString(): string };
  quoteEntryAmount: { toString(): string };
  lastCumulativeFundingRate: { toString(): string };
}
interface ChainUser {
  orders: ChainOrder[];
  perpPositions: ChainPosition[];
  cumulativePerpFunding: { toString(): string };
}

const big = (v: { toString(): string }): bigint => BigInt(v.toString());
const variant = (v: object): string => Object.keys(v)[0];
const order = (p: Partial<OrderParams>): OrderParams => ({
  marketIndex: 0,
  side: 'buy',
  orderType: 'limit',
  base: ONE_SOL,
  price: 99_000_000n,
  reduceOnly: false,
  postOnly: 'must',
  ioc: false,
  userOrderId: 0,
  ...p,
});

describe('DriftVenue against a compiled Drift program (solana-bankrun)', { skip }, () => {
  let chain: BankrunChain;
  let drift: DriftHarness;
  let v: BankrunVenue;
  let sub: number;
  let taker: Counterparty;
  const events: VenueEvent[] = [];

  const userPda = () => v.builder.userAccountPublicKey(sub);
  const chainUser = () => drift.decode<ChainUser>('User', userPda());
  const openOnChain = async () => (await chainUser()).orders.filter((o) => variant(o.status) === 'open');

  before(async () => {
    ({ chain, drift } = await startSolPerpBank());
    v = await bankrunVenue(chain, drift, await drift.newTrader(DEPOSIT));
    v.venue.subscribe((e) => events.push(e));
  });

  it('creates a subaccount (initializeUserStats + initializeUser) and deposits USDC through the venue', async () => {
    sub = await v.venue.createSubaccount('bankrun bot');
    assert.equal(sub, 0);
    await v.venue.deposit(sub, DEPOSIT);
    const acct = await v.venue.getAccount(sub);
    assert.equal(acct.collateral, DEPOSIT);
    assert.equal(acct.totalCollateral, DEPOSIT);
    assert.deepEqual(acct.openOrders, []);
  });

  it('place: the program stores our market, size, price, flags and userOrderId', async () => {
    const [r] = await v.venue.execute(sub, [
      { kind: 'place', order: order({ userOrderId: 7, price: 99_500_000n, base: 2n * ONE_SOL }) },
    ]);
    assert.ok(r.ok, r.ok ? '' : r.detail);
    const [o] = await openOnChain();
    assert.equal(o.marketIndex, 0);
    assert.equal(o.userOrderId, 7);
    assert.equal(big(o.price), 99_500_000n);
    assert.equal(big(o.baseAssetAmount), 2n * ONE_SOL);
    assert.equal(variant(o.direction), 'long');
    assert.equal(variant(o.orderType), 'limit');
    assert.equal(o.postOnly, true);
    assert.deepEqual(r.orderIds, [o.orderId]);
    const acct = await v.venue.getAccount(sub);
    assert.equal(acct.openOrders.length, 1);
    assert.equal(acct.openOrders[0].userOrderId, 7);
    assert.equal(acct.openOrders[0].postOnly, 'must');
  });

  it('cancel: the order leaves the user account', async () => {
    const [o] = await openOnChain();
    const [r] = await v.venue.execute(sub, [{ kind: 'cancel', orderId: o.orderId }]);
    assert.ok(r.ok, r.ok ? '' : r.detail);
    assert.deepEqual(await openOnChain(), []);
    assert.deepEqual((await v.venue.getAccount(sub)).openOrders, []);
  });

  it('cancel-and-place: one transaction; a failing part leaves everything as it was', async () => {
    const placed = await v.venue.execute(sub, [
      { kind: 'place', order: order({ userOrderId: 11, price: 98_000_000n }) },
      { kind: 'place', order: order({ userOrderId: 12, side: 'sell', price: 102_000_000n }) },
    ]);
    assert.ok(placed.every((r) => r.ok));
    const byUoid = new Map((await openOnChain()).map((o) => [o.userOrderId, o.orderId]));
    const [r] = await v.venue.execute(sub, [
      {
        kind: 'cancelAndPlace',
        cancelOrderIds: [byUoid.get(11) as number],
        place: [order({ userOrderId: 13, price: 98_500_000n })],
      },
    ]);
    assert.ok(r.ok, r.ok ? '' : r.detail);
    const open = await openOnChain();
    assert.deepEqual(open.map((o) => o.userOrderId).sort(), [12, 13]);
    assert.equal(big(open.find((o) => o.userOrderId === 13)?.price ?? 0), 98_500_000n);
    // The cancel of 12 and a crossing must-post-only bid in one transaction: the program refuses the bid, so the
    // cancel does not happen either.
    const [atomic] = await v.venue.execute(sub, [
      {
        kind: 'cancelAndPlace',
        cancelOrderIds: [byUoid.get(12) as number],
        place: [order({ userOrderId: 14, price: 105_000_000n })],
      },
    ]);
    assert.equal(atomic.ok, false);
    assert.equal(!atomic.ok && atomic.reason, 'PostOnlyWouldCross');
    assert.deepEqual((await openOnChain()).map((o) => o.userOrderId).sort(), [12, 13]);
    const [all] = await v.venue.execute(sub, [{ kind: 'cancelAll', marketIndex: 0 }]);
    assert.ok(all.ok);
    assert.deepEqual(await openOnChain(), []);
  });

  it('post-only reject: a crossing MUST_POST_ONLY bid fails with Drift 6057 → PostOnlyWouldCross', async () => {
    const [r] = await v.venue.execute(sub, [
      { kind: 'place', order: order({ userOrderId: 21, price: 101_000_000n }) },
    ]);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'PostOnlyWouldCross');
    const last = v.sent.at(-1);
    assert.match(last?.error ?? '', /custom program error: 0x17a9/); // 6057
    assert.deepEqual(await openOnChain(), []);
    assert.ok(events.some((e) => e.type === 'rejected' && e.reason === 'PostOnlyWouldCross'));
  });

  it('fill: a counterparty sells into our resting bid; position and maker rebate land on our account and in the fill', async () => {
    // AMM fills paused, so the keeper's fill must match the taker against our maker order.
    await pausePerpOperations(drift, 2);
    taker = await counterparty(drift, DEPOSIT);
    const [r] = await v.venue.execute(sub, [
      { kind: 'place', order: order({ userOrderId: 31, price: 99_500_000n }) },
    ]);
    assert.ok(r.ok, r.ok ? '' : r.detail);
    const makerOrderId = r.orderIds[0];
    // Past the taker's auction, with a fresh oracle, the keeper fills it against our order.
    await sellIntoMakerBid(
      drift,
      taker,
      { authority: v.authority.publicKey, user: userPda(), orderId: makerOrderId },
      ONE_SOL,
      99_500_000n,
      ORACLE,
    );
    const user = await chainUser();
    const pos = user.perpPositions.find((p) => big(p.baseAssetAmount) !== 0n);
    assert.ok(pos, 'a SOL-PERP position');
    const quote = 99_500_000n; // 1 SOL × $99.5
    assert.equal(big(pos.baseAssetAmount), ONE_SOL);
    assert.equal(big(pos.quoteEntryAmount), -quote);
    const rebate = await tier0MakerRebate(drift, quote);
    assert.ok(rebate > 0n);
    assert.equal(big(pos.quoteAssetAmount), -quote + rebate);
    // The venue reads the same position, and its polling diff reports our order as filled.
    const acct = await v.venue.getAccount(sub);
    assert.deepEqual(
      acct.positions.map((p) => [p.marketIndex, p.base, p.quoteEntry, p.quoteAsset]),
      [[0, ONE_SOL, -quote, -quote + rebate]],
    );
    assert.deepEqual(acct.openOrders, []);
    const filled = events.find((e) => e.type === 'filled' && e.fill.userOrderId === 31);
    assert.ok(filled && filled.type === 'filled');
    assert.equal(filled.fill.base, ONE_SOL);
    assert.equal(filled.fill.price, 99_500_000n);
    // The fee comes from the user's quote change and running totals: the program's rebate, exactly.
    assert.equal(filled.fill.quote, quote);
    assert.equal(filled.fill.fee, -rebate);
  });

  it('funding: after an hour with the oracle below the mark, updateFundingRate charges our long', async () => {
    const market0 = await drift.decode<{ amm: { cumulativeFundingRateLong: { toString(): string } } }>(
      'PerpMarket',
      drift.perpMarket(0),
    );
    const cumBefore = big(market0.amm.cumulativeFundingRateLong);
    // Oracle 1% under the mark for an hour: the oracle TWAP falls below the mark TWAP, longs pay.
    for (let i = 0; i < 12; i++) {
      await chain.advance(750, 300);
      await drift.setOraclePrice(99_000_000n);
    }
    await chain.must([updateFundingRate(drift)], [drift.admin], 'updateFundingRate');
    const market = await drift.decode<{
      amm: { cumulativeFundingRateLong: { toString(): string }; lastFundingRate: { toString(): string } };
    }>('PerpMarket', drift.perpMarket(0));
    const cumAfter = big(market.amm.cumulativeFundingRateLong);
    assert.ok(big(market.amm.lastFundingRate) > 0n, 'positive funding rate (longs pay)');
    assert.equal(cumAfter - cumBefore, big(market.amm.lastFundingRate));
    const before = (await chainUser()).perpPositions.find(
      (p) => big(p.baseAssetAmount) !== 0n,
    ) as ChainPosition;
    await chain.must([settleFundingPayment(drift, userPda())], [drift.admin], 'settleFundingPayment');
    const user = await chainUser();
    const pos = user.perpPositions.find((p) => big(p.baseAssetAmount) !== 0n) as ChainPosition;
    assert.equal(big(pos.lastCumulativeFundingRate), cumAfter);
    const paid = big(pos.quoteAssetAmount) - big(before.quoteAssetAmount);
    assert.ok(paid < 0n, 'the long paid');
    assert.equal(big(user.cumulativePerpFunding), paid);
    // Payment = −base × Δ cumulative rate / (BASE × FUNDING_RATE_BUFFER), rounded against the payer.
    const exact = -(ONE_SOL * (cumAfter - cumBefore)) / (ONE_SOL * 1_000n);
    assert.ok(paid === exact || paid === exact - 1n, `paid ${paid}, expected about ${exact}`);
    // The venue reports the settlement as a funding event.
    await v.venue.poll();
    const f = events.find((e) => e.type === 'funding');
    assert.ok(f && f.type === 'funding');
    assert.equal(f.payment.amount, paid);
    assert.equal(f.payment.rate, cumAfter - cumBefore);
    assert.equal(f.payment.base, ONE_SOL);
  });
});
