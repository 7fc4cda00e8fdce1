/**
 * What the loopback JSON-RPC server asks of a chain. Two implementations: the in-memory Drift layer
 * (sim-chain.ts, always available) and a bank running the compiled program (bankrun-rpc-chain.ts).
 */
import type { PublicKey } from '@solana/web3.js';

export interface ChainAccount {
  data: Buffer;
  owner: PublicKey;
  lamports: number;
  executable: boolean;
}

/** A transaction refused at preflight (simulation): the RPC answers with an error and forwards nothing. */
export class PreflightError extends Error {
  readonly err: unknown;
  readonly logs: string[];
  constructor(message: string, err: unknown, logs: string[] = []) {
    super(message);
    this.err = err;
    this.logs = logs;
  }
}

/** A value now or later: the in-memory chain answers at once, a bank asynchronously. */
type Maybe<T> = T | Promise<T>;

export interface LoopbackChain {
  /** The chain's current slot (also its block height: no skipped slots here). */
  slot(): Maybe<number>;
  /** An account as of `atSlot` (default: now); undefined when it does not exist. */
  account(key: string, atSlot?: number): Maybe<ChainAccount | undefined>;
  /** Every account owned by `programId` as of `atSlot`. */
  programAccounts(programId: string, atSlot?: number): Maybe<[string, ChainAccount][]>;
  latestBlockhash(): Maybe<{ blockhash: string; lastValidBlockHeight: number }>;
  /**
   * Takes a signed transaction. With preflight, a transaction that would fail throws PreflightError and is
   * not forwarded; otherwise it lands (successfully or with an error recorded in its status). A transaction
   * whose blockhash is unknown or expired throws PreflightError (preflight) or is dropped (skipPreflight).
   */
  send(raw: Buffer, skipPreflight: boolean): Promise<string>;
  /** Names of the Drift instructions a raw transaction carries (for faults aimed at one kind of send). */
  instructionNames(raw: Buffer): string[];
  /** A landed transaction's slot and error (null when it succeeded); undefined when never seen. */
  status(signature: string): Maybe<{ slot: number; err: unknown } | undefined>;
}
