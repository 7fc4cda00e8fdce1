/**
 * Decodes the Drift instructions the venue sends back into our own terms, with the SDK's program coder and
 * IDL. Used by the tests to check what goes on the wire, and by the in-memory account layer, which executes
 * decoded instructions against the simulator so the real encoding path runs end to end.
 */
import type { BN, DriftClient } from '@drift-labs/sdk';
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import type { OrderParams } from '../../domain/types.ts';
import { fromBN, fromDriftOrderParams, variantOf } from './mapping.ts';

export type DecodedDriftIx =
  | { name: 'placeOrders'; user: PublicKey; orders: OrderParams[] }
  | {
      name: 'placeAndTakePerpOrder';
      user: PublicKey;
      order: OrderParams;
      /** Drift's success condition (the low byte of the instruction's optional params), or none. */
      successCondition: 'none' | 'partialFill' | 'fullFill';
    }
  | { name: 'cancelOrder'; user: PublicKey; orderId: number | null }
  | { name: 'cancelOrderByUserId'; user: PublicKey; userOrderId: number }
  /** marketIndex null = every market; our venue never filters by direction. */
  | { name: 'cancelOrders'; user: PublicKey; marketIndex: number | null; direction: string | null }
  | { name: 'cancelOrdersByIds'; user: PublicKey; orderIds: number[] }
  | {
      name: 'modifyOrder';
      user: PublicKey;
      orderId: number;
      price?: bigint;
      base?: bigint;
      policy: number | null;
    }
  | { name: 'deposit'; user: PublicKey; marketIndex: number; amount: bigint; reduceOnly: boolean }
  | { name: 'withdraw'; user: PublicKey; marketIndex: number; amount: bigint; reduceOnly: boolean }
  | { name: 'initializeUser'; user: PublicKey; subaccountId: number; accountName: string }
  | { name: 'initializeUserStats'; authority: PublicKey }
  | { name: 'settlePnl'; user: PublicKey; marketIndex: number };

type DriftProgram = Pick<DriftClient['program'], 'programId' | 'coder' | 'idl'>;

/**
 * The SDK's program coder decodes instruction data (`program.coder.instruction.decode`, Anchor's
 * BorshInstructionCoder); Anchor's declared interface only promises `encode`, hence the one cast here.
 */
export function decodeInstructionData(
  program: DriftProgram,
  data: Uint8Array,
): { name: string; data: unknown } | null {
  const coder = program.coder.instruction as unknown as {
    decode(data: Buffer): { name: string; data: unknown } | null;
  };
  return coder.decode(Buffer.from(data));
}

/** The named accounts of an instruction, in IDL order (remaining accounts follow them and are not named). */
export function namedAccounts(
  program: DriftProgram,
  ix: TransactionInstruction,
  name: string,
): Record<string, PublicKey> {
  const def = program.idl.instructions.find((i) => i.name === name);
  if (!def) throw new Error(`instruction ${name} is not in the Drift IDL`);
  const out: Record<string, PublicKey> = {};
  def.accounts.forEach((a, i) => {
    if (ix.keys[i]) out[a.name] = ix.keys[i].pubkey;
  });
  return out;
}

/**
 * Decodes one instruction. Returns undefined for instructions of other programs (compute budget);
 * throws for a Drift instruction the venue never sends (that would be a bug).
 */
export function decodeDriftIx(program: DriftProgram, ix: TransactionInstruction): DecodedDriftIx | undefined {
  if (!ix.programId.equals(program.programId)) return undefined;
  const decoded = decodeInstructionData(program, ix.data);
  if (!decoded) throw new Error('undecodable Drift instruction');
  const accounts = namedAccounts(program, ix, decoded.name);
  // biome-ignore lint/suspicious/noExplicitAny: Anchor's decoded data is untyped; each case reads its IDL args.
  const d = decoded.data as any;
  const user = accounts.user;
  switch (decoded.name) {
    case 'placeOrders':
      return { name: 'placeOrders', user, orders: d.params.map(fromDriftOrderParams) };
    case 'placeAndTakePerpOrder': {
      // The SDK packs (auctionDurationPercentage << 8) | successCondition into one u32.
      const cond = d.successCondition === null ? 0 : Number(d.successCondition) & 0xff;
      return {
        name: 'placeAndTakePerpOrder',
        user,
        order: fromDriftOrderParams(d.params),
        successCondition: cond === 2 ? 'fullFill' : cond === 1 ? 'partialFill' : 'none',
      };
    }
    case 'cancelOrder':
      return { name: 'cancelOrder', user, orderId: d.orderId };
    case 'cancelOrderByUserId':
      return { name: 'cancelOrderByUserId', user, userOrderId: d.userOrderId };
    case 'cancelOrders':
      return {
        name: 'cancelOrders',
        user,
        marketIndex: d.marketIndex,
        direction: d.direction === null ? null : variantOf(d.direction),
      };
    case 'cancelOrdersByIds':
      return { name: 'cancelOrdersByIds', user, orderIds: d.orderIds };
    case 'modifyOrder': {
      const p = d.modifyOrderParams;
      const out: DecodedDriftIx = { name: 'modifyOrder', user, orderId: d.orderId, policy: p.policy };
      if (p.price !== null) out.price = fromBN(p.price as BN);
      if (p.baseAssetAmount !== null) out.base = fromBN(p.baseAssetAmount as BN);
      return out;
    }
    case 'deposit':
    case 'withdraw':
      return {
        name: decoded.name,
        user,
        marketIndex: d.marketIndex,
        amount: fromBN(d.amount),
        reduceOnly: d.reduceOnly,
      };
    case 'initializeUser':
      return {
        name: 'initializeUser',
        user,
        subaccountId: d.subAccountId,
        accountName: Buffer.from(d.name as number[])
          .toString('utf8')
          .trimEnd(),
      };
    case 'initializeUserStats':
      return { name: 'initializeUserStats', authority: accounts.authority };
    case 'settlePnl':
      return { name: 'settlePnl', user, marketIndex: d.marketIndex };
    default:
      throw new Error(`the venue never sends Drift instruction ${decoded.name}`);
  }
}
