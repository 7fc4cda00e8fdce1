/**
 * A tiny chain over solana-bankrun (an in-process bank, no validator, no network): load a compiled program,
 * send instructions as one transaction, read and write accounts, move the clock.
 * solana-bankrun is imported lazily so the suite that uses this can skip cleanly when it cannot load.
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  ComputeBudgetProgram,
  type Keypair,
  type PublicKey,
  SystemProgram,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import type { ProgramTestContext } from 'solana-bankrun';

export interface ChainResult {
  ok: boolean;
  /** bankrun's error text, e.g. "Error processing Instruction 1: custom program error: 0x1779". */
  error?: string;
  logs: string[];
  signature: string;
}

/** Why the real-program suite cannot run here, or false when it can (program file and solana-bankrun present). */
export async function bankrunUnavailable(so: string | undefined): Promise<string | false> {
  if (!so) return 'DRIFT_PROGRAM_SO is not set (point it at a compiled drift.so to run this suite)';
  if (!so.endsWith('.so') || !existsSync(so)) return `DRIFT_PROGRAM_SO=${so} is not an existing .so file`;
  try {
    await import('solana-bankrun');
  } catch (err) {
    return `solana-bankrun cannot be loaded (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  return false;
}

/** 2024-09-01T00:00:00Z: on the hour, and near the compiled program's own date. */
const START_UNIX_TS = 1_725_148_800n;

export class BankrunChain {
  readonly context: ProgramTestContext;
  #nonce = 0;

  private constructor(context: ProgramTestContext) {
    this.context = context;
  }

  /** Starts a bank with the compiled program at `soPath` deployed at `programId`. */
  static async start(soPath: string, programId: PublicKey): Promise<BankrunChain> {
    // program-test logs every instruction at debug level unless told otherwise.
    process.env.RUST_LOG ??= 'error';
    // bankrun finds programs by file name (without .so) in SBF_OUT_DIR.
    process.env.SBF_OUT_DIR = dirname(soPath);
    const { start } = await import('solana-bankrun');
    const context = await start([{ name: basename(soPath, '.so'), programId }], [], 1_400_000n);
    const chain = new BankrunChain(context);
    await chain.setTime(START_UNIX_TS);
    return chain;
  }

  /**
   * Sets the Clock's unix time. The bank starts at the wall clock, and Drift's funding update is only allowed
   * at hour-aligned times, so a suite that advances by an hour must start from a fixed, hour-aligned time.
   */
  async setTime(unixTs: bigint): Promise<void> {
    const { Clock } = await import('solana-bankrun');
    const now = await this.context.banksClient.getClock();
    this.context.setClock(
      new Clock(now.slot, now.epochStartTimestamp, now.epoch, now.leaderScheduleEpoch, unixTs),
    );
  }

  get payer(): Keypair {
    return this.context.payer;
  }

  /** Gives `owner` SOL for fees and rent (a transfer from the payer, so the bank's capitalization holds). */
  async fund(owner: PublicKey, lamports = 10_000_000_000): Promise<void> {
    await this.must(
      [SystemProgram.transfer({ fromPubkey: this.payer.publicKey, toPubkey: owner, lamports })],
      [this.payer],
      'fund',
    );
  }

  async account(address: PublicKey): Promise<Uint8Array | undefined> {
    const info = await this.context.banksClient.getAccount(address);
    return info ? info.data : undefined;
  }

  setAccount(address: PublicKey, owner: PublicKey, data: Uint8Array): void {
    this.context.setAccount(address, { lamports: 1_000_000_000, data, owner, executable: false });
  }

  async slot(): Promise<bigint> {
    return (await this.context.banksClient.getClock()).slot;
  }

  async unixTimestamp(): Promise<bigint> {
    return (await this.context.banksClient.getClock()).unixTimestamp;
  }

  /**
   * Moves the clock forward by `slots` slots and `seconds` of unix time. Only the Clock sysvar moves (what the
   * program reads): warping the bank itself re-verifies the accounts hash, which accounts written with
   * setAccount (the oracle) fail.
   */
  async advance(slots: number, seconds: number): Promise<void> {
    const { Clock } = await import('solana-bankrun');
    const now = await this.context.banksClient.getClock();
    this.context.setClock(
      new Clock(
        now.slot + BigInt(slots),
        now.epochStartTimestamp,
        now.epoch,
        now.leaderScheduleEpoch,
        now.unixTimestamp + BigInt(seconds),
      ),
    );
  }

  /**
   * Sends the instructions as one v0 transaction paid by `signers[0]`. A compute-unit-price instruction with a
   * changing value makes every transaction unique, so two identical sends are not deduplicated by signature.
   */
  async send(
    instructions: TransactionInstruction[],
    signers: Keypair[],
    computeUnitLimit = 1_400_000,
  ): Promise<ChainResult> {
    const latest = await this.context.banksClient.getLatestBlockhash();
    if (!latest) throw new Error('bankrun returned no blockhash');
    const budget = [
      ComputeBudgetProgram.setComputeUnitLimit({ units: computeUnitLimit }),
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: ++this.#nonce }),
    ];
    const message = new TransactionMessage({
      payerKey: signers[0].publicKey,
      recentBlockhash: latest[0],
      instructions: [...budget, ...instructions],
    }).compileToV0Message();
    const tx = new VersionedTransaction(message);
    tx.sign(signers);
    const out = await this.context.banksClient.tryProcessTransaction(tx);
    const signature = Buffer.from(tx.signatures[0]).toString('hex');
    const logs = out.meta?.logMessages ?? [];
    return out.result === null
      ? { ok: true, logs, signature }
      : { ok: false, error: out.result, logs, signature };
  }

  /** send(), but a failure is a broken test setup: throw with the program's logs. */
  async must(instructions: TransactionInstruction[], signers: Keypair[], what: string): Promise<void> {
    const r = await this.send(instructions, signers);
    if (!r.ok) throw new Error(`${what} failed: ${r.error}\n${r.logs.slice(-12).join('\n')}`);
  }
}
