/**
 * DriftVenue wired to a bankrun chain instead of an RPC: the same DriftIxBuilder (SDK 2.156 builders, the
 * encoding under test), DriftVenue and account maths (`userToAccountState` over the SDK's User) as live mode;
 * only the two I/O seams differ:
 * - TxSender: one bankrun transaction per command; a failed transaction's error text and logs go through the
 *   same `findProgramError` as the RPC sender, so Drift error codes map to our RejectReason exactly as live.
 * - accounts: the DriftClient's account subscriber and each subaccount's User serve accounts read from the bank
 *   (decoded with the SDK's coder, as live mode decodes them), refreshed before every read.
 */
import { EventEmitter } from 'node:events';
import {
  BN,
  type DataAndSlot,
  DriftClient,
  type DriftClientAccountSubscriber,
  getUserAccountPublicKeySync,
  getUserStatsAccountPublicKey,
  type OraclePriceData,
  type PerpMarketAccount,
  type SpotMarketAccount,
  type StateAccount,
  User,
  type UserAccount,
  type UserAccountSubscriber,
  Wallet,
} from '@drift-labs/sdk';
import { Connection, type Keypair, type PublicKey } from '@solana/web3.js';
import { type AccountReader, userToAccountState } from '../account-reader.ts';
import { findProgramError } from '../drift-errors.ts';
import { DriftVenue } from '../drift-venue.ts';
import { DriftIxBuilder } from '../ix-builder.ts';
import type { TxSender } from '../tx-sender.ts';
import { UserOrderIdBook } from '../user-order-ids.ts';
import type { BankrunChain } from './bankrun-chain.ts';
import type { DriftHarness } from './bankrun-drift.ts';

export interface BankrunVenue {
  venue: DriftVenue;
  client: DriftClient;
  builder: DriftIxBuilder;
  authority: Keypair;
  /** Every transaction the venue sent, with its outcome (for assertions on what reached the program). */
  sent: { ok: boolean; error?: string; logs: string[] }[];
}

/** Oracle price data from the hand-written Pyth account (aggregate price @208, conf @216, valid slot @40). */
function pythPriceData(data: Uint8Array): OraclePriceData {
  const d = Buffer.from(data);
  return {
    price: new BN(d.readBigInt64LE(208).toString()),
    confidence: new BN(d.readBigUInt64LE(216).toString()),
    slot: new BN(d.readBigUInt64LE(40).toString()),
    hasSufficientNumberOfDataPoints: true,
  };
}

export async function bankrunVenue(
  chain: BankrunChain,
  drift: DriftHarness,
  trader: { authority: Keypair; tokenAccount: PublicKey },
): Promise<BankrunVenue> {
  const { authority } = trader;
  const programId = drift.programId;
  const client = new DriftClient({
    // Never contacted: every account comes from the bank through the subscriber below.
    connection: new Connection('http://127.0.0.1:1'),
    wallet: new Wallet(authority),
    programID: programId,
    env: 'mainnet-beta',
    skipLoadUsers: true,
  });
  const coder = client.program.coder.accounts;
  let slot = 0;
  let nowMs = 0;
  let state: StateAccount | undefined;
  let perp: PerpMarketAccount | undefined;
  let spot: SpotMarketAccount | undefined;
  let oracle: OraclePriceData | undefined;
  const users = new Map<number, UserAccount>();
  const at = <T>(data: T | undefined): DataAndSlot<T> | undefined =>
    data === undefined ? undefined : { data, slot };

  async function load<T>(name: string, key: PublicKey): Promise<T | undefined> {
    const data = await chain.account(key);
    return data ? (coder.decode(name, Buffer.from(data)) as T) : undefined;
  }

  /** Re-reads every account the client and the Users serve. */
  async function refresh(): Promise<void> {
    slot = Number(await chain.slot());
    nowMs = Number(await chain.unixTimestamp()) * 1000;
    state = await load<StateAccount>('State', drift.state);
    perp = await load<PerpMarketAccount>('PerpMarket', drift.perpMarket(0));
    spot = await load<SpotMarketAccount>('SpotMarket', drift.usdcSpotMarket);
    const o = await chain.account(drift.oracle);
    oracle = o ? pythPriceData(o) : undefined;
    for (const id of users.keys()) {
      const u = await load<UserAccount>(
        'User',
        getUserAccountPublicKeySync(programId, authority.publicKey, id),
      );
      if (u) users.set(id, u);
    }
  }

  const usdcOracle: OraclePriceData = {
    price: new BN(1_000_000),
    confidence: new BN(0),
    slot: new BN(0),
    hasSufficientNumberOfDataPoints: true,
  };
  const none = async (): Promise<void> => {};
  const yes = async (): Promise<boolean> => true;
  client.accountSubscriber = {
    eventEmitter: new EventEmitter(),
    isSubscribed: true,
    subscribe: yes,
    fetch: refresh,
    unsubscribe: none,
    addPerpMarket: yes,
    addSpotMarket: yes,
    addOracle: yes,
    setPerpOracleMap: none,
    setSpotOracleMap: none,
    getStateAccountAndSlot: () => at(state),
    getMarketAccountAndSlot: (i: number) => (i === 0 ? at(perp) : undefined),
    getMarketAccountsAndSlots: () => (perp ? [at(perp)] : []),
    getSpotMarketAccountAndSlot: (i: number) => (i === 0 ? at(spot) : undefined),
    getSpotMarketAccountsAndSlots: () => (spot ? [at(spot)] : []),
    getOraclePriceDataAndSlot: () => at(oracle),
    getOraclePriceDataAndSlotForPerpMarket: (i: number) => (i === 0 ? at(oracle) : undefined),
    getOraclePriceDataAndSlotForSpotMarket: (i: number) => (i === 0 ? at(usdcOracle) : undefined),
  } as unknown as DriftClientAccountSubscriber;

  /** Registers subaccount `id`'s User with the client once its account exists on the bank. */
  async function ensureUser(id: number): Promise<void> {
    const key = client.getUserMapKey(id, authority.publicKey);
    if (!users.has(id)) {
      const pda = getUserAccountPublicKeySync(programId, authority.publicKey, id);
      const account = await load<UserAccount>('User', pda);
      if (!account) throw new Error(`subaccount ${id} does not exist on the bank`);
      users.set(id, account);
    }
    await refresh();
    if (client.users.has(key)) return;
    const subscriber = {
      eventEmitter: new EventEmitter(),
      isSubscribed: true,
      subscribe: yes,
      fetch: refresh,
      unsubscribe: none,
      updateData: (account: UserAccount) => users.set(id, account),
      getUserAccountAndSlot: () => at(users.get(id)),
    } as unknown as UserAccountSubscriber;
    const user = new User({
      driftClient: client,
      userAccountPublicKey: getUserAccountPublicKeySync(programId, authority.publicKey, id),
      accountSubscription: { type: 'custom', userAccountSubscriber: subscriber },
    });
    user.isSubscribed = true;
    client.users.set(key, user);
  }

  await refresh();
  const builder = new DriftIxBuilder({
    client,
    ensureUser,
    usdcTokenAccount: async () => trader.tokenAccount,
  });
  const sent: BankrunVenue['sent'] = [];
  const sender: TxSender = {
    send: async (instructions, options) => {
      const r = await chain.send(instructions, [authority], options.computeUnitLimit);
      sent.push(r);
      if (r.ok) return { status: 'confirmed', signature: r.signature };
      const error = findProgramError(r.error, r.logs);
      return error
        ? {
            status: 'rejected',
            error,
            signature: r.signature,
            detail: `${error.name} (${error.code}): ${r.error}`,
          }
        : { status: 'failed', detail: r.error ?? 'transaction failed' };
    },
  };
  const book = new UserOrderIdBook();
  const reader: AccountReader = {
    read: async (sub) => {
      await ensureUser(sub);
      return userToAccountState(client.getUser(sub, authority.publicKey), sub, book, nowMs, (i) =>
        i === 0 && perp && oracle
          ? { oracle: BigInt(oracle.price.toString()), tick: BigInt(perp.amm.orderTickSize.toString()) }
          : undefined,
      );
    },
    authorityInfo: async () => {
      const stats = await load<{ numberOfSubAccountsCreated: number }>(
        'UserStats',
        getUserStatsAccountPublicKey(programId, authority.publicKey),
      );
      const created = stats?.numberOfSubAccountsCreated ?? 0;
      const existing: number[] = [];
      for (let id = 0; id < created; id++) {
        if (await chain.account(getUserAccountPublicKeySync(programId, authority.publicKey, id)))
          existing.push(id);
      }
      return { userStatsExists: stats !== undefined, subaccountsCreated: created, existing };
    },
    ping: async () => {},
  };
  const venue = new DriftVenue({
    builder,
    sender,
    reader,
    book,
    computeUnitLimit: 1_400_000,
    clock: () => nowMs,
  });
  return { venue, client, builder, authority, sent };
}
