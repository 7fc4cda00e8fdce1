/**
 * Builds the Drift instructions the venue sends, with the SDK's own builders, for one subaccount.
 * Building needs no network once the subaccount's User is registered in `driftClient.users` (the SDK reads
 * the user account to list remaining accounts); `ensureUser` does that (live: `driftClient.addUser`).
 *
 * One OrderCommand = one transaction. cancelAndPlace is two instructions (cancelOrdersByIds + placeOrders) in one
 * transaction, so it is atomic exactly like the SDK's `cancelAndPlaceOrders` (which cancels by market filter
 * instead of by id). placeAndTake is one placeAndTakePerpOrder instruction per order (the spread's two legs).
 */
import {
  type DriftClient,
  getUserAccountPublicKeySync,
  MarketType,
  ModifyOrderPolicy,
  PlaceAndTakeOrderSuccessCondition,
  QUOTE_SPOT_MARKET_INDEX,
} from '@drift-labs/sdk';
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import type { OrderCommand, OrderParams } from '../../domain/types.ts';
import { toBN, toDriftOrderParams } from './mapping.ts';

/** Drift's user account name is 32 bytes of UTF-8. */
export const MAX_SUBACCOUNT_NAME_BYTES = 32;

export interface IxBuilderDeps {
  client: DriftClient;
  /** Registers the subaccount's User with the client so builders can read it (idempotent). */
  ensureUser: (subaccountId: number) => Promise<void>;
  /** The authority's USDC token account (deposits come from it, withdrawals go to it). */
  usdcTokenAccount: () => Promise<PublicKey>;
}

export class DriftIxBuilder {
  readonly #client: DriftClient;
  readonly #ensureUser: (subaccountId: number) => Promise<void>;
  readonly #usdcTokenAccount: () => Promise<PublicKey>;

  constructor(deps: IxBuilderDeps) {
    this.#client = deps.client;
    this.#ensureUser = deps.ensureUser;
    this.#usdcTokenAccount = deps.usdcTokenAccount;
  }

  get programId(): PublicKey {
    return this.#client.program.programId;
  }

  get authority(): PublicKey {
    return this.#client.authority;
  }

  /** The user account PDA of a subaccount (seeds: "user", authority, subaccount id u16). */
  userAccountPublicKey(subaccountId: number): PublicKey {
    return getUserAccountPublicKeySync(this.programId, this.authority, subaccountId);
  }

  /** The instructions for one command, in the order they must execute in one transaction. */
  async forCommand(subaccountId: number, command: OrderCommand): Promise<TransactionInstruction[]> {
    switch (command.kind) {
      case 'place':
        return [await this.placeOrders(subaccountId, [command.order])];
      case 'cancel':
        return [await this.cancelOrder(subaccountId, command.orderId)];
      case 'cancelByUserOrderId':
        return [await this.cancelOrderByUserId(subaccountId, command.userOrderId)];
      case 'cancelAll':
        return [await this.cancelAll(subaccountId, command.marketIndex)];
      case 'cancelAndPlace':
        return this.cancelAndPlace(subaccountId, command.cancelOrderIds, command.place);
      case 'modify':
        return [await this.modifyOrder(subaccountId, command.orderId, command.price, command.base)];
      case 'placeAndTake':
        return this.placeAndTake(subaccountId, command.orders, command.requireFullFill);
    }
  }

  /**
   * One placeAndTakePerpOrder instruction per order, for one transaction: every order is placed and filled
   * against the vAMM (and the book) at once. Each goes as a LIMIT IOC order at its worst acceptable price with
   * no auction, so the take happens inside the instruction (a market order would open an auction first).
   * requireFullFill sets Drift's FullFill success condition on every instruction: an order not filled in full
   * fails its instruction, hence the whole transaction (PlaceAndTakeOrderSuccessConditionFailed, 6289).
   */
  async placeAndTake(
    subaccountId: number,
    orders: OrderParams[],
    requireFullFill: boolean,
  ): Promise<TransactionInstruction[]> {
    await this.#ensureUser(subaccountId);
    const ixs: TransactionInstruction[] = [];
    for (const o of orders) {
      if (!this.#client.getPerpMarketAccount(o.marketIndex)) {
        throw new Error(
          `perp market ${o.marketIndex} is not loaded in the Drift client (subscribe to it first)`,
        );
      }
      const params = toDriftOrderParams({ ...o, orderType: 'limit', ioc: true, postOnly: 'none' });
      ixs.push(
        await this.#client.getPlaceAndTakePerpOrderIx(
          params,
          undefined,
          undefined,
          requireFullFill ? PlaceAndTakeOrderSuccessCondition.FullFill : undefined,
          undefined,
          subaccountId,
        ),
      );
    }
    return ixs;
  }

  async placeOrders(subaccountId: number, orders: OrderParams[]): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    for (const o of orders) {
      // Without the market account the SDK fails deep inside with a TypeError; say what is missing instead.
      if (!this.#client.getPerpMarketAccount(o.marketIndex)) {
        throw new Error(
          `perp market ${o.marketIndex} is not loaded in the Drift client (subscribe to it first)`,
        );
      }
    }
    return this.#client.getPlaceOrdersIx(orders.map(toDriftOrderParams), subaccountId);
  }

  async cancelOrder(subaccountId: number, orderId: number): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    return this.#client.getCancelOrderIx(orderId, subaccountId);
  }

  /**
   * Built directly from the program rather than with `getCancelOrderByUserIdIx`, which looks the order up in
   * the client's *active* subaccount (SDK 2.156) and so fails for any other one. The program needs only
   * state, user and authority (IDL `cancelOrderByUserId`).
   */
  async cancelOrderByUserId(subaccountId: number, userOrderId: number): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    return this.#client.program.instruction.cancelOrderByUserId(userOrderId, {
      accounts: {
        state: await this.#client.getStatePublicKey(),
        user: this.userAccountPublicKey(subaccountId),
        authority: this.#client.wallet.publicKey,
      },
      remainingAccounts: this.#client.getRemainingAccounts({
        userAccounts: [this.#client.getUserAccount(subaccountId) as never],
        useMarketLastSlotCache: true,
      }),
    });
  }

  /** Every open order of the subaccount, or only those in one perp market. */
  async cancelAll(subaccountId: number, marketIndex?: number): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    return marketIndex === undefined
      ? this.#client.getCancelOrdersIx(null, null, null, subaccountId)
      : this.#client.getCancelOrdersIx(MarketType.PERP, marketIndex, null, subaccountId);
  }

  async cancelAndPlace(
    subaccountId: number,
    cancelOrderIds: number[],
    place: OrderParams[],
  ): Promise<TransactionInstruction[]> {
    await this.#ensureUser(subaccountId);
    const ixs: TransactionInstruction[] = [];
    if (cancelOrderIds.length > 0) {
      ixs.push(await this.#client.getCancelOrdersByIdsIx(cancelOrderIds, subaccountId));
    }
    if (place.length > 0) ixs.push(await this.placeOrders(subaccountId, place));
    return ixs;
  }

  /**
   * modifyOrder with MustModify: the transaction fails (OrderDoesNotExist) instead of silently doing nothing
   * when the order is gone, so "modified" in our results always means the program re-placed it.
   */
  async modifyOrder(
    subaccountId: number,
    orderId: number,
    price?: bigint,
    base?: bigint,
  ): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    return this.#client.getModifyOrderIx(
      {
        orderId,
        newLimitPrice: price === undefined ? undefined : toBN(price),
        newBaseAmount: base === undefined ? undefined : toBN(base),
        policy: ModifyOrderPolicy.MustModify,
      },
      subaccountId,
    );
  }

  /**
   * settle_pnl for one perp market: moves the position's pnl into the USDC balance (positive pnl counts for
   * initial margin only once settled, so this frees collateral).
   */
  async settlePnl(subaccountId: number, marketIndex: number): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    return this.#client.settlePNLIx(
      this.userAccountPublicKey(subaccountId),
      this.#client.getUserAccount(subaccountId) as never,
      marketIndex,
    );
  }

  /** USDC (spot market 0) from the authority's token account into the subaccount. */
  async deposit(subaccountId: number, amount: bigint): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    return this.#client.getDepositInstruction(
      toBN(amount),
      QUOTE_SPOT_MARKET_INDEX,
      await this.#usdcTokenAccount(),
      subaccountId,
      false,
    );
  }

  /**
   * USDC out of the subaccount. reduceOnly = true: the program caps the withdrawal at the deposit, so a
   * withdrawal can never open a USDC borrow (the venue checks the amount against free collateral first).
   */
  async withdraw(subaccountId: number, amount: bigint): Promise<TransactionInstruction> {
    await this.#ensureUser(subaccountId);
    return this.#client.getWithdrawIx(
      toBN(amount),
      QUOTE_SPOT_MARKET_INDEX,
      await this.#usdcTokenAccount(),
      true,
      subaccountId,
    );
  }

  /**
   * initializeUser for a new subaccount, preceded by initializeUserStats when the authority has none yet
   * (its first subaccount). The SDK's `getInitializeUserAccountIxs` asks the RPC whether user stats exist;
   * the caller already knows, so we pass it in and stay offline.
   */
  async initializeUser(
    subaccountId: number,
    name: string,
    userStatsExists: boolean,
  ): Promise<TransactionInstruction[]> {
    if (new TextEncoder().encode(name).length > MAX_SUBACCOUNT_NAME_BYTES) {
      throw new RangeError(`subaccount name is longer than ${MAX_SUBACCOUNT_NAME_BYTES} bytes: ${name}`);
    }
    const ixs: TransactionInstruction[] = [];
    if (!userStatsExists) ixs.push(await this.#client.getInitializeUserStatsIx());
    // getInitializeUserInstructions is private in the typings but is the SDK's own initializeUser builder.
    const build = (
      this.#client as unknown as {
        getInitializeUserInstructions(id: number, name: string): Promise<[PublicKey, TransactionInstruction]>;
      }
    ).getInitializeUserInstructions.bind(this.#client);
    const [, ix] = await build(subaccountId, name);
    ixs.push(ix);
    return ixs;
  }
}
