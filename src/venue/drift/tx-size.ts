/**
 * Whether one command's instructions fit in one Solana transaction. A transaction is at most 1,232 bytes
 * (PACKET_DATA_SIZE: the IPv6 MTU minus headers; Solana docs, "Transactions"). The estimate compiles the
 * message the way the sender does (two compute-budget instructions, one signer, no lookup table, so it is an
 * upper bound) and adds the signatures.
 */
import {
  ComputeBudgetProgram,
  PACKET_DATA_SIZE,
  type PublicKey,
  type TransactionInstruction,
  TransactionMessage,
} from '@solana/web3.js';

export const MAX_TRANSACTION_BYTES = PACKET_DATA_SIZE;

/** Serialized size in bytes, or undefined when it does not fit (the encoder overran the packet buffer). */
export function transactionBytes(
  instructions: TransactionInstruction[],
  payer: PublicKey,
): number | undefined {
  const message = new TransactionMessage({
    payerKey: payer,
    recentBlockhash: '11111111111111111111111111111111',
    instructions: [
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1 }),
      ComputeBudgetProgram.setComputeUnitLimit({ units: 1 }),
      ...instructions,
    ],
  }).compileToV0Message();
  let bytes: Uint8Array;
  try {
    bytes = message.serialize();
  } catch {
    return undefined;
  }
  // shortvec signature count (one byte below 128) + 64 bytes per signature
  const size = 1 + 64 * message.header.numRequiredSignatures + bytes.length;
  return size <= MAX_TRANSACTION_BYTES ? size : undefined;
}
