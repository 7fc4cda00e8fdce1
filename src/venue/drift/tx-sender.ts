/**
 * Sends a list of instructions as one transaction: priority fee, submit, confirm, retry.
 *
 * How duplicates are avoided (the part that matters for money):
 * - Re-sending the SAME signed transaction is harmless: the runtime deduplicates by signature. While the
 *   transaction's blockhash is still valid we only ever re-broadcast those exact bytes.
 * - A NEW transaction (new blockhash, new signature) is built only after the old blockhash has expired
 *   (block height > lastValidBlockHeight, so the old one can never land) AND the old signature is not found
 *   with `searchTransactionHistory` AND the caller's `alreadyApplied()` (DriftVenue looks for the order's
 *   userOrderId among the subaccount's open orders) says it did not apply.
 * - Anything else (RPC down mid-confirmation, attempts exhausted) returns `unknown`: the caller must not resend
 *   but reconcile from the venue state (DriftVenue marks itself degraded and its heartbeat rechecks by userOrderId).
 * Program errors (preflight simulation or a landed-and-failed transaction) are final and never retried.
 */
import {
  type AddressLookupTableAccount,
  ComputeBudgetProgram,
  type Keypair,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { encodeBase58 } from '../../runner/keys.ts';
import { classifyTransportError, findProgramError, type ProgramError } from './drift-errors.ts';

export interface SendOptions {
  /** Priority fee in micro-lamports per compute unit. */
  computeUnitPrice: number;
  computeUnitLimit?: number;
  /** Asked before a fresh transaction replaces an expired one: true means the effect is already on chain. */
  alreadyApplied?: () => Promise<boolean>;
}

export type SendOutcome =
  /** `slot`: where it landed, when the RPC said (reads older than that do not show it yet). */
  | { status: 'confirmed'; signature: string; slot?: number }
  /** The caller's alreadyApplied() found the effect on chain after an expired attempt. */
  | { status: 'applied'; signature: string }
  /** The program refused (preflight or on chain); nothing changed except possibly the fee. Never retried. */
  | { status: 'rejected'; error: ProgramError; signature?: string; detail: string }
  /** Certainly not on chain (e.g. nothing was ever broadcast). Safe to send again later. */
  | { status: 'failed'; detail: string }
  /**
   * May or may not have landed: resolve it (`TxSender.resolve`) before doing anything that could duplicate it.
   * `lastValidBlockHeight`: after this block height the transaction can no longer land.
   */
  | { status: 'unknown'; signature?: string; lastValidBlockHeight?: number; detail: string };

/** What became of a send whose outcome was unknown. */
export type Resolution = 'landed' | 'failed' | 'expired' | 'pending';

/** One seam for everything that sends: the RPC sender below, the in-memory sender in tests. */
export interface TxSender {
  send(instructions: TransactionInstruction[], options: SendOptions): Promise<SendOutcome>;
  /**
   * Settles an unknown outcome: 'landed' (it executed), 'failed' (it landed with an error: nothing changed),
   * 'expired' (its blockhash is past and it was never seen: it can never land) or 'pending' (ask again later).
   * Throws when the RPC cannot be asked.
   */
  resolve?(u: { signature?: string; lastValidBlockHeight?: number }): Promise<Resolution>;
}

/** The part of web3's Connection the sender uses (so tests can script RPC behaviour). */
export interface TxRpc {
  getLatestBlockhash(commitment?: 'confirmed'): Promise<{ blockhash: string; lastValidBlockHeight: number }>;
  sendRawTransaction(raw: Uint8Array, opts: { skipPreflight: boolean; maxRetries: number }): Promise<string>;
  getSignatureStatuses(
    signatures: string[],
    config: { searchTransactionHistory: boolean },
  ): Promise<{ value: ({ err: unknown; confirmationStatus?: string; slot?: number } | null)[] }>;
  getBlockHeight(commitment?: 'confirmed'): Promise<number>;
}

export interface RetryPolicy {
  /** Fresh transactions built at most (the first included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Polls between re-broadcasts of the same signed bytes. */
  rebroadcastEvery: number;
  pollIntervalMs: number;
  /** Consecutive RPC failures while confirming after which the outcome is reported as unknown. */
  maxPollErrors: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  rebroadcastEvery: 4,
  pollIntervalMs: 500,
  maxPollErrors: 8,
});

/** Exponential backoff with "equal jitter": half fixed, half random, so clients spread out after a 429. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

export interface RpcTxSenderDeps {
  rpc: TxRpc;
  payer: Keypair;
  lookupTables?: () => Promise<AddressLookupTableAccount[]>;
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Internal: an attempt that can be followed by a fresh transaction. */
type AttemptResult =
  | SendOutcome
  /** Blockhash expired and the signature was never seen: the transaction can no longer land. */
  | { status: 'expired'; signature: string }
  /** Nothing was broadcast (or it was refused before forwarding) for a reason a retry may cure. */
  | { status: 'retry'; detail: string };

export class RpcTxSender implements TxSender {
  readonly #rpc: TxRpc;
  readonly #payer: Keypair;
  readonly #lookupTables: () => Promise<AddressLookupTableAccount[]>;
  readonly #policy: RetryPolicy;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(deps: RpcTxSenderDeps) {
    this.#rpc = deps.rpc;
    this.#payer = deps.payer;
    this.#lookupTables = deps.lookupTables ?? (async () => []);
    this.#policy = deps.policy ?? DEFAULT_RETRY_POLICY;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#random = deps.random ?? Math.random;
  }

  async send(instructions: TransactionInstruction[], options: SendOptions): Promise<SendOutcome> {
    let lastDetail = 'no attempt made';
    for (let attempt = 0; attempt < this.#policy.maxAttempts; attempt++) {
      if (attempt > 0) await this.#sleep(backoffDelay(attempt - 1, this.#policy, this.#random));
      const result = await this.#attempt(instructions, options);
      if (result.status === 'retry') {
        lastDetail = result.detail;
        continue;
      }
      if (result.status !== 'expired') return result;
      // Expired and not found: the old transaction can never land. Ask the venue before building a new one.
      lastDetail = `transaction ${result.signature} expired before it was confirmed`;
      if (options.alreadyApplied && (await options.alreadyApplied())) {
        return { status: 'applied', signature: result.signature };
      }
    }
    // Each attempt either never went out or expired unseen, so nothing of this send is on chain.
    return { status: 'failed', detail: `gave up after ${this.#policy.maxAttempts} attempts: ${lastDetail}` };
  }

  async resolve(u: { signature?: string; lastValidBlockHeight?: number }): Promise<Resolution> {
    if (u.signature) {
      const status = (await this.#rpc.getSignatureStatuses([u.signature], { searchTransactionHistory: true }))
        .value[0];
      if (status) {
        if (status.err) return 'failed';
        return status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized'
          ? 'landed'
          : 'pending';
      }
    }
    if (u.lastValidBlockHeight === undefined) return 'pending';
    return (await this.#rpc.getBlockHeight('confirmed')) > u.lastValidBlockHeight ? 'expired' : 'pending';
  }

  async #attempt(instructions: TransactionInstruction[], options: SendOptions): Promise<AttemptResult> {
    let blockhash: { blockhash: string; lastValidBlockHeight: number };
    try {
      blockhash = await this.#rpc.getLatestBlockhash('confirmed');
    } catch (err) {
      const detail = `getLatestBlockhash: ${describe(err)}`;
      return classifyTransportError(err) === 'fatal'
        ? { status: 'failed', detail }
        : { status: 'retry', detail };
    }
    const budget = [ComputeBudgetProgram.setComputeUnitPrice({ microLamports: options.computeUnitPrice })];
    if (options.computeUnitLimit !== undefined) {
      budget.push(ComputeBudgetProgram.setComputeUnitLimit({ units: options.computeUnitLimit }));
    }
    let tables: AddressLookupTableAccount[];
    try {
      tables = await this.#lookupTables();
    } catch (err) {
      return { status: 'retry', detail: `lookup tables: ${describe(err)}` };
    }
    const message = new TransactionMessage({
      payerKey: this.#payer.publicKey,
      recentBlockhash: blockhash.blockhash,
      instructions: [...budget, ...instructions],
    }).compileToV0Message(tables);
    const tx = new VersionedTransaction(message);
    tx.sign([this.#payer]);
    const raw = tx.serialize();
    // A transaction id is the base58 of its first signature.
    const signature = encodeBase58(tx.signatures[0]);

    let broadcastOnce = false;
    try {
      // Preflight on: a program error (post-only cross, margin) comes back here and the tx is not forwarded.
      await this.#rpc.sendRawTransaction(raw, { skipPreflight: false, maxRetries: 0 });
      broadcastOnce = true;
    } catch (err) {
      const programError = findProgramError(err, logsOf(err));
      if (programError) return rejected(programError, undefined, err);
      const kind = classifyTransportError(err);
      if (kind === 'fatal') return { status: 'failed', detail: `sendRawTransaction: ${describe(err)}` };
      // Preflight refused it for a stale blockhash: not forwarded, build a fresh one.
      if (kind === 'blockhash-expired')
        return { status: 'retry', detail: `sendRawTransaction: ${describe(err)}` };
      // A timeout or a connection lost mid-request may still have reached the leader: from here on treat it as
      // possibly broadcast. Only a refusal before anything was sent (no connection, 429) is certainly not.
      broadcastOnce = kind === 'timeout' || (kind === 'network' && !refusedBeforeSending(err));
    }
    return this.#confirm(raw, signature, blockhash.lastValidBlockHeight, broadcastOnce);
  }

  async #confirm(
    raw: Uint8Array,
    signature: string,
    lastValid: number,
    broadcast: boolean,
  ): Promise<AttemptResult> {
    let errors = 0;
    let everBroadcast = broadcast;
    for (let poll = 0; ; poll++) {
      await this.#sleep(this.#policy.pollIntervalMs);
      try {
        const status = (await this.#rpc.getSignatureStatuses([signature], { searchTransactionHistory: true }))
          .value[0];
        if (status?.err) {
          const programError = findProgramError(status.err);
          return programError
            ? rejected(programError, signature, status.err)
            : {
                status: 'unknown',
                signature,
                lastValidBlockHeight: lastValid,
                detail: `landed with error ${JSON.stringify(status.err)}`,
              };
        }
        if (
          status &&
          (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized')
        ) {
          return { status: 'confirmed', signature, slot: status.slot };
        }
        if (!status && (await this.#rpc.getBlockHeight('confirmed')) > lastValid) {
          return everBroadcast
            ? { status: 'expired', signature }
            : {
                status: 'retry',
                detail: 'the RPC never accepted the transaction before its blockhash expired',
              };
        }
        errors = 0;
        if (poll % this.#policy.rebroadcastEvery === this.#policy.rebroadcastEvery - 1 || !everBroadcast) {
          // Same bytes, same signature: at most one of the copies can land.
          await this.#rpc.sendRawTransaction(raw, { skipPreflight: true, maxRetries: 0 }).then(
            () => {
              everBroadcast = true;
            },
            () => undefined,
          );
        }
      } catch (err) {
        errors++;
        if (errors >= this.#policy.maxPollErrors) {
          return everBroadcast
            ? {
                status: 'unknown',
                signature,
                lastValidBlockHeight: lastValid,
                detail: `lost the RPC while confirming: ${describe(err)}`,
              }
            : { status: 'retry', detail: `RPC unavailable: ${describe(err)}` };
        }
        await this.#sleep(backoffDelay(errors, this.#policy, this.#random));
      }
    }
  }
}

function rejected(error: ProgramError, signature: string | undefined, source: unknown): SendOutcome {
  return {
    status: 'rejected',
    error,
    signature,
    detail: `${error.name} (${error.code}): ${describe(source)}`,
  };
}

/** Errors that mean the request never left this machine or was refused unread. */
function refusedBeforeSending(err: unknown): boolean {
  const text = `${(err as { code?: unknown })?.code ?? ''} ${describe(err)} ${describe((err as { cause?: unknown })?.cause ?? '')}`;
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|\b429\b|too many requests/i.test(text);
}

function logsOf(err: unknown): string[] {
  const logs = (err as { logs?: unknown })?.logs ?? (err as { transactionLogs?: unknown })?.transactionLogs;
  return Array.isArray(logs) ? logs.filter((l): l is string => typeof l === 'string') : [];
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0];
  return typeof err === 'string' ? err : JSON.stringify(err);
}
