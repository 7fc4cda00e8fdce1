/**
 * A bank running the compiled Drift program (solana-bankrun) as a chain the loopback JSON-RPC server can
 * serve: accounts are the bank's own bytes, transactions go to the bank (which verifies signatures and
 * blockhashes and runs the program), program errors come back as the RPC would report them — at preflight
 * with simulation logs, or as a landed transaction's error.
 *
 * A bank has no account index, so getProgramAccounts looks at the accounts this chain has seen: every account
 * key of a transaction it processed, plus those the test `watch`es (accounts the exchange admin or a
 * counterparty created directly on the bank). Account history is not kept: a lagging-node fault serves the
 * current bytes with an older context slot.
 */
import { PublicKey, VersionedTransaction } from '@solana/web3.js';
import { encodeBase58 } from '../../../../runner/keys.ts';
import { findProgramError } from '../../drift-errors.ts';
import { decodeInstructionData } from '../../ix-decoder.ts';
import type { BankrunChain } from '../bankrun-chain.ts';
import { type ChainAccount, type LoopbackChain, PreflightError } from './chain.ts';

type DriftProgram = Parameters<typeof decodeInstructionData>[0];

export class BankrunRpcChain implements LoopbackChain {
  readonly bank: BankrunChain;
  readonly #program: DriftProgram;
  readonly #seen = new Set<string>();
  readonly #statuses = new Map<string, { slot: number; err: unknown }>();
  /** Every transaction sent through this chain, with its outcome. */
  readonly sent: { signature: string; ok: boolean; names: string[]; error?: string }[] = [];

  constructor(bank: BankrunChain, program: DriftProgram) {
    this.bank = bank;
    this.#program = program;
  }

  /** Makes accounts created outside this chain's transactions visible to getProgramAccounts. */
  watch(...keys: PublicKey[]): void {
    for (const k of keys) this.#seen.add(k.toBase58());
  }

  async slot(): Promise<number> {
    return Number(await this.bank.slot());
  }

  async account(key: string): Promise<ChainAccount | undefined> {
    const info = await this.bank.context.banksClient.getAccount(new PublicKey(key));
    if (!info) return undefined;
    return {
      data: Buffer.from(info.data),
      owner: info.owner,
      lamports: Number(info.lamports),
      executable: info.executable,
    };
  }

  async programAccounts(programId: string): Promise<[string, ChainAccount][]> {
    const out: [string, ChainAccount][] = [];
    for (const key of this.#seen) {
      const a = await this.account(key);
      if (a && a.owner.toBase58() === programId) out.push([key, a]);
    }
    return out;
  }

  async latestBlockhash(): Promise<{ blockhash: string; lastValidBlockHeight: number }> {
    const latest = await this.bank.context.banksClient.getLatestBlockhash();
    if (!latest) throw new Error('bankrun returned no blockhash');
    // The bank's own height does not move with the Clock sysvar the tests set; its blockhash stays valid.
    return { blockhash: latest[0], lastValidBlockHeight: (await this.slot()) + 150 };
  }

  status(signature: string): { slot: number; err: unknown } | undefined {
    return this.#statuses.get(signature);
  }

  instructionNames(raw: Buffer): string[] {
    const tx = VersionedTransaction.deserialize(raw);
    const keys = tx.message.staticAccountKeys;
    return tx.message.compiledInstructions
      .filter((ix) => keys[ix.programIdIndex].equals(this.#program.programId))
      .map((ix) => decodeInstructionData(this.#program, ix.data)?.name ?? '?');
  }

  async send(raw: Buffer, skipPreflight: boolean): Promise<string> {
    const tx = VersionedTransaction.deserialize(raw);
    const signature = encodeBase58(tx.signatures[0]);
    if (this.#statuses.has(signature)) return signature;
    for (const k of tx.message.staticAccountKeys) this.#seen.add(k.toBase58());
    const out = await this.bank.context.banksClient.tryProcessTransaction(tx);
    const logs = out.meta?.logMessages ?? [];
    const names = this.instructionNames(raw);
    if (out.result === null) {
      this.#statuses.set(signature, { slot: await this.slot(), err: null });
      this.sent.push({ signature, ok: true, names });
      return signature;
    }
    const text = String(out.result);
    if (/blockhash not found/i.test(text)) {
      if (skipPreflight) return signature;
      throw new PreflightError('Transaction simulation failed: Blockhash not found', 'BlockhashNotFound');
    }
    const program = findProgramError(text, logs);
    const index = Number(/Instruction (\d+)/.exec(text)?.[1] ?? 0);
    const err = program ? { InstructionError: [index, { Custom: program.code }] } : text;
    this.sent.push({
      signature,
      ok: false,
      names,
      error: program ? `${program.name} (${program.code})` : text,
    });
    if (!skipPreflight) throw new PreflightError(`Transaction simulation failed: ${text}`, err, logs);
    this.#statuses.set(signature, { slot: await this.slot(), err });
    return signature;
  }
}
