/**
 * The other participants of the real-program suite, speaking the program's own IDL: a counterparty trader, a
 * keeper (fills, funding updates and settlements) and the exchange admin's pause switch.
 */
import {
  encodeName,
  getSpotMarketVaultPublicKey,
  getUserAccountPublicKeySync,
  getUserStatsAccountPublicKey,
} from '@drift-labs/sdk';
import { TOKEN_PROGRAM_ID } from '@solana/spl-token';
import {
  type PublicKey,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  type TransactionInstruction,
} from '@solana/web3.js';
import { bn, type Counterparty, type DriftHarness } from './bankrun-drift.ts';

/** PerpOperation bit flags (IDL order): UpdateFunding 1, AmmFill 2, Fill 4, SettlePnl 8, ... */
export async function pausePerpOperations(h: DriftHarness, bits: number): Promise<void> {
  await h.chain.must(
    [
      h.ix(
        'updatePerpMarketPausedOperations',
        { pausedOperations: bits },
        { admin: h.admin.publicKey, state: h.state, perpMarket: h.perpMarket(0) },
      ),
    ],
    [h.admin],
    'updatePerpMarketPausedOperations',
  );
}

/**
 * The exchange admin puts the vAMM's price at `price` (PRICE) with `moveAmmPrice`, keeping √k: with AMM fills
 * paused nothing trades against it, but the market's mark (DLOB + vAMM) follows the oracle as it does on
 * mainnet, where the AMM re-pegs.
 */
export async function moveAmmTo(h: DriftHarness, price: bigint, peg = 100_000_000n): Promise<void> {
  const market = await h.decode<{ amm: { sqrtK: { toString(): string } } }>('PerpMarket', h.perpMarket(0));
  const k = Number(market.amm.sqrtK.toString());
  const ratio = Number(price) / Number(peg);
  const base = BigInt(Math.round(k / Math.sqrt(ratio)));
  const quote = BigInt(Math.round(k * Math.sqrt(ratio)));
  await h.chain.must(
    [
      h.ix(
        'moveAmmPrice',
        { baseAssetReserve: bn(base), quoteAssetReserve: bn(quote), sqrtK: bn(isqrt(base * quote)) },
        { admin: h.admin.publicKey, state: h.state, perpMarket: h.perpMarket(0) },
      ),
    ],
    [h.admin],
    'moveAmmPrice',
  );
}

function isqrt(n: bigint): bigint {
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** Another trader (not the venue): subaccount 0 with `usdc` deposited, all through the program's own IDL. */
export async function counterparty(h: DriftHarness, usdc: bigint): Promise<Counterparty> {
  const { authority, tokenAccount } = await h.newTrader(usdc);
  const user = getUserAccountPublicKeySync(h.programId, authority.publicKey, 0);
  const userStats = getUserStatsAccountPublicKey(h.programId, authority.publicKey);
  const payer = authority.publicKey;
  const sys = { rent: SYSVAR_RENT_PUBKEY, systemProgram: SystemProgram.programId };
  await h.chain.must(
    [
      h.ix('initializeUserStats', {}, { userStats, state: h.state, authority: payer, payer, ...sys }),
      h.ix(
        'initializeUser',
        { subAccountId: 0, name: encodeName('counterparty') },
        { user, userStats, state: h.state, authority: payer, payer, ...sys },
      ),
      h.ix(
        'deposit',
        { marketIndex: 0, amount: bn(usdc), reduceOnly: false },
        {
          state: h.state,
          user,
          userStats,
          authority: payer,
          spotMarketVault: await getSpotMarketVaultPublicKey(h.programId, 0),
          userTokenAccount: tokenAccount,
          tokenProgram: TOKEN_PROGRAM_ID,
        },
        [{ pubkey: h.usdcSpotMarket, isWritable: true, isSigner: false }],
      ),
    ],
    [authority],
    'counterparty: initializeUserStats + initializeUser + deposit',
  );
  return { authority, user, userStats };
}

/** The counterparty places a plain limit order (no post-only) through the program's own placePerpOrder. */
export function placeLimit(
  h: DriftHarness,
  cp: Counterparty,
  side: 'buy' | 'sell',
  base: bigint,
  price: bigint,
): TransactionInstruction {
  return h.ix(
    'placePerpOrder',
    {
      params: {
        orderType: { limit: {} },
        marketType: { perp: {} },
        direction: side === 'buy' ? { long: {} } : { short: {} },
        userOrderId: 0,
        baseAssetAmount: bn(base),
        price: bn(price),
        marketIndex: 0,
        reduceOnly: false,
        postOnly: { none: {} },
        immediateOrCancel: false,
        maxTs: null,
        triggerPrice: null,
        triggerCondition: { above: {} },
        oraclePriceOffset: null,
        auctionDuration: null,
        auctionStartPrice: null,
        auctionEndPrice: null,
      },
    },
    { state: h.state, user: cp.user, authority: cp.authority.publicKey },
    h.marketAccounts(false),
  );
}

/** A keeper fill of the taker's order against one maker's order (the taker fills it itself, no reward). */
export function fill(
  h: DriftHarness,
  taker: Counterparty,
  takerOrderId: number,
  maker: { user: PublicKey; userStats: PublicKey },
  makerOrderId: number,
) {
  return h.ix(
    'fillPerpOrder',
    { orderId: takerOrderId, makerOrderId },
    {
      state: h.state,
      authority: taker.authority.publicKey,
      filler: taker.user,
      fillerStats: taker.userStats,
      user: taker.user,
      userStats: taker.userStats,
    },
    [
      ...h.marketAccounts(true),
      { pubkey: maker.user, isWritable: true, isSigner: false },
      { pubkey: maker.userStats, isWritable: true, isSigner: false },
    ],
  );
}

export function updateFundingRate(h: DriftHarness): TransactionInstruction {
  return h.ix(
    'updateFundingRate',
    { marketIndex: 0 },
    { state: h.state, perpMarket: h.perpMarket(0), oracle: h.oracle },
  );
}

export function settleFundingPayment(h: DriftHarness, user: PublicKey): TransactionInstruction {
  return h.ix('settleFundingPayment', {}, { state: h.state, user }, h.marketAccounts(true));
}

/**
 * The counterparty sells `base` at `price` into one resting maker bid: places its limit sell, waits out its
 * auction (the oracle refreshed at `oraclePrice`), and fills it against the maker's order as its own keeper.
 */
export function sellIntoMakerBid(
  h: DriftHarness,
  taker: Counterparty,
  maker: { authority: PublicKey; user: PublicKey; orderId: number },
  base: bigint,
  price: bigint,
  oraclePrice: bigint,
): Promise<void> {
  return takeMakerOrder(h, taker, maker, 'sell', base, price, oraclePrice);
}

/** The counterparty trades `side` against one resting maker order (a sell hits a bid, a buy lifts an ask). */
export async function takeMakerOrder(
  h: DriftHarness,
  taker: Counterparty,
  maker: { authority: PublicKey; user: PublicKey; orderId: number },
  side: 'buy' | 'sell',
  base: bigint,
  price: bigint,
  oraclePrice: bigint,
): Promise<void> {
  await h.chain.must([placeLimit(h, taker, side, base, price)], [taker.authority], `taker ${side}`);
  const decoded = await h.decode<{ orders: { status: object; orderId: number }[] }>('User', taker.user);
  const takerOrder = decoded.orders
    .filter((o) => Object.keys(o.status)[0] === 'open')
    .reduce<{ orderId: number } | undefined>((a, o) => (a && a.orderId > o.orderId ? a : o), undefined);
  if (!takerOrder) throw new Error('the taker order did not rest on the program');
  await h.chain.advance(60, 30);
  await h.setOraclePrice(oraclePrice);
  const makerAccounts = {
    user: maker.user,
    userStats: getUserStatsAccountPublicKey(h.programId, maker.authority),
  };
  await h.chain.must(
    [fill(h, taker, takerOrder.orderId, makerAccounts, maker.orderId)],
    [taker.authority],
    'fillPerpOrder',
  );
}

/** The exchange's tier-0 maker rebate on a fill of `quote` (QUOTE), as the program computes it (rounded down). */
export async function tier0MakerRebate(h: DriftHarness, quote: bigint): Promise<bigint> {
  const state = await h.decode<{
    perpFeeStructure: { feeTiers: { makerRebateNumerator: number; makerRebateDenominator: number }[] };
  }>('State', h.state);
  const tier = state.perpFeeStructure.feeTiers[0];
  return (quote * BigInt(tier.makerRebateNumerator)) / BigInt(tier.makerRebateDenominator);
}
