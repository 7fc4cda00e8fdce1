/**
 * The in-memory Drift layer as a chain a JSON-RPC server can serve: Drift's accounts (State, every perp market
 * of the spec table, USDC spot market 0, Pyth price accounts, UserStats, Users) encoded byte for byte with the
 * SDK's coder from the simulator's state (the accounts' fields: chain-accounts.ts), and signed transactions
 * decoded and applied to the simulator (SimDriftLayer: one transaction = one atomic simulator command; refusals
 * are Drift error codes).
 *
 * A chain, not a mock of the client: signatures are verified (ed25519), blockhashes expire after 150 slots,
 * a signature lands at most once, and every account keeps its history per slot so a lagging RPC node can be
 * served faithfully (`account(key, atSlot)`). Slots advance with the clock (`slotMs` per slot).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  getPerpMarketPublicKeySync,
  getSpotMarketPublicKeySync,
  getUserAccountPublicKeySync,
  getUserStatsAccountPublicKey,
} from '@drift-labs/sdk';
import { PublicKey, SystemProgram, TransactionInstruction, VersionedTransaction } from '@solana/web3.js';
import type { Candle } from '../../../../data/types.ts';
import type { MarketSpec } from '../../../../domain/markets.ts';
import { encodeBase58 } from '../../../../runner/keys.ts';
import { programErrorFromCode } from '../../drift-errors.ts';
import { decodeInstructionData } from '../../ix-decoder.ts';
import { perpOracleKey } from '../../offline/sdk-accounts.ts';
import { createOfflineClient } from '../offline-client.ts';
import { PYTH_PUSH_PROGRAM_ID, pythPriceAccount } from '../pyth-account.ts';
import { SimDriftLayer } from '../sim-layer.ts';
import { AccountCodec } from './account-codec.ts';
import { type ChainAccount, type LoopbackChain, PreflightError } from './chain.ts';
import {
  chainPerpMarket,
  chainStateAccount,
  chainUsdcSpotMarket,
  chainUserAccount,
} from './chain-accounts.ts';

export interface SimChainOptions {
  /** Perp markets that exist on this chain. */
  markets: MarketSpec[];
  /** The wallet the bots trade with (the layer serves one authority's subaccounts). */
  authority: PublicKey;
  /** Wall ms per slot. Default 20. */
  slotMs?: number;
  /** Full simulated bid/ask spread (bps), also the vAMM's spread. Default 2. */
  spreadBps?: number;
  clock?: () => number;
}

/** Blockhashes live this many slots (Solana's MAX_PROCESSING_AGE). */
const BLOCKHASH_VALID_SLOTS = 150;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

interface Version {
  slot: number;
  account: ChainAccount;
}

export class SimChain implements LoopbackChain {
  readonly layer: SimDriftLayer;
  readonly programId: PublicKey;
  readonly authority: PublicKey;
  readonly markets: MarketSpec[];
  readonly #codec: AccountCodec;
  readonly #clock: () => number;
  readonly #slotMs: number;
  readonly #t0: number;
  readonly #spreadBps: number;
  readonly #history = new Map<string, Version[]>();
  readonly #statuses = new Map<string, { slot: number; err: unknown }>();
  readonly #blockhashes = new Map<string, number>();
  /** Oracle price (PRICE) and the slot it was published at, per market index. */
  readonly #oracles = new Map<number, { price: bigint; slot: number }>();
  /** Market status overrides (e.g. reduceOnly) per market index. */
  readonly #status = new Map<number, unknown>();
  /** Transactions that landed, in order (signature, decoded Drift instruction names). */
  readonly landed: { signature: string; slot: number; ok: boolean }[] = [];

  constructor(o: SimChainOptions) {
    this.#clock = o.clock ?? Date.now;
    this.#slotMs = o.slotMs ?? 20;
    this.#t0 = this.#clock();
    this.#spreadBps = o.spreadBps ?? 2;
    this.authority = o.authority;
    this.markets = o.markets;
    const { client } = createOfflineClient();
    this.programId = client.program.programId;
    this.#codec = new AccountCodec(client.program as never);
    const programId = this.programId;
    const authority = o.authority;
    this.layer = new SimDriftLayer({
      markets: o.markets,
      spreadBps: this.#spreadBps,
      builder: { userAccountPublicKey: (id) => getUserAccountPublicKeySync(programId, authority, id) },
      program: client.program,
      clock: () => this.#clock(),
    });
    this.#sync();
  }

  slot(): number {
    return 1_000 + Math.floor((this.#clock() - this.#t0) / this.#slotMs);
  }

  account(key: string, atSlot?: number): ChainAccount | undefined {
    const versions = this.#history.get(key);
    if (!versions) return undefined;
    if (atSlot === undefined) return versions[versions.length - 1]?.account;
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i].slot <= atSlot) return versions[i].account;
    return undefined;
  }

  programAccounts(programId: string, atSlot?: number): [string, ChainAccount][] {
    const out: [string, ChainAccount][] = [];
    for (const key of this.#history.keys()) {
      const a = this.account(key, atSlot);
      if (a && a.owner.toBase58() === programId) out.push([key, a]);
    }
    return out;
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    const slot = this.slot();
    const blockhash = encodeBase58(createHash('sha256').update(`blockhash:${slot}`).digest());
    this.#blockhashes.set(blockhash, slot);
    return { blockhash, lastValidBlockHeight: slot + BLOCKHASH_VALID_SLOTS };
  }

  status(signature: string): { slot: number; err: unknown } | undefined {
    return this.#statuses.get(signature);
  }

  instructionNames(raw: Buffer): string[] {
    const tx = VersionedTransaction.deserialize(raw);
    const keys = tx.message.staticAccountKeys;
    return tx.message.compiledInstructions
      .filter((ix) => keys[ix.programIdIndex].equals(this.programId))
      .map((ix) => decodeInstructionData(this.layer.program, ix.data)?.name ?? '?');
  }

  async send(raw: Buffer, skipPreflight: boolean): Promise<string> {
    const tx = VersionedTransaction.deserialize(raw);
    const signature = encodeBase58(tx.signatures[0]);
    verifySignatures(tx);
    if (this.#statuses.has(signature)) return signature; // the runtime deduplicates by signature
    const issued = this.#blockhashes.get(tx.message.recentBlockhash);
    if (issued === undefined || this.slot() > issued + BLOCKHASH_VALID_SLOTS) {
      if (skipPreflight) return signature; // dropped by the leader: it never lands
      throw new PreflightError('Transaction simulation failed: Blockhash not found', 'BlockhashNotFound');
    }
    const keys = tx.message.staticAccountKeys;
    const ixs = tx.message.compiledInstructions.map(
      (ix) =>
        new TransactionInstruction({
          programId: keys[ix.programIdIndex],
          keys: ix.accountKeyIndexes.map((i) => ({
            pubkey: keys[i],
            isSigner: tx.message.isAccountSigner(i),
            isWritable: tx.message.isAccountWritable(i),
          })),
          data: Buffer.from(ix.data),
        }),
    );
    const driftIndex = Math.max(
      0,
      ixs.findIndex((ix) => ix.programId.equals(this.programId)),
    );
    const out = await this.layer.sender.send(ixs, { computeUnitPrice: 0 });
    if (out.status === 'rejected') {
      const err = { InstructionError: [driftIndex, { Custom: out.error.code }] };
      const logs = [
        `Program ${this.programId.toBase58()} invoke [1]`,
        `Program log: AnchorError occurred. Error Code: ${programErrorFromCode(out.error.code).name}. Error Number: ${out.error.code}. Error Message: ${out.detail}.`,
        `Program ${this.programId.toBase58()} failed: custom program error: 0x${out.error.code.toString(16)}`,
      ];
      if (!skipPreflight) {
        throw new PreflightError(
          `Transaction simulation failed: Error processing Instruction ${driftIndex}: custom program error: 0x${out.error.code.toString(16)}`,
          err,
          logs,
        );
      }
      this.#land(signature, err);
      return signature;
    }
    if (out.status !== 'confirmed') throw new Error(`the in-memory layer answered ${out.status}`);
    this.#land(signature, null);
    return signature;
  }

  /** One bar of a market: the simulator moves (fills, funding, liquidation) and the oracle is republished. */
  onBar(marketIndex: number, candle: Candle, intervalMs: number): void {
    this.layer.onBar(marketIndex, candle, intervalMs);
    const q = this.layer.exchange.quote(marketIndex);
    if (q) this.#oracles.set(marketIndex, { price: q.oracle, slot: this.slot() });
    this.#sync();
  }

  /** Sets a market's status as the exchange admin would: a MarketStatus variant name ('reduceOnly', …). */
  setMarketStatus(marketIndex: number, status: string): void {
    this.#status.set(marketIndex, { [status]: {} });
    this.#sync();
  }

  /** Re-publishes a market's oracle at the current slot without moving the simulator (a fresh oracle). */
  touchOracle(marketIndex: number): void {
    const o = this.#oracles.get(marketIndex);
    if (o) this.#oracles.set(marketIndex, { ...o, slot: this.slot() });
    this.#sync();
  }

  #land(signature: string, err: unknown): void {
    const slot = this.slot();
    this.#statuses.set(signature, { slot, err });
    this.landed.push({ signature, slot, ok: err === null });
    this.#sync();
  }

  /** Re-encodes every account and records the ones that changed at the current slot. */
  #sync(): void {
    const slot = this.slot();
    const put = (key: PublicKey, owner: PublicKey, data: Buffer) => {
      const k = key.toBase58();
      const versions = this.#history.get(k) ?? [];
      const last = versions[versions.length - 1];
      if (last?.account.data.equals(data) && last.account.owner.equals(owner)) return;
      const account = { data, owner, lamports: 1_000_000_000, executable: false };
      if (last && last.slot === slot) versions[versions.length - 1] = { slot, account };
      else versions.push({ slot, account });
      this.#history.set(k, versions);
    };
    const pid = this.programId;
    put(
      getDriftStateAccountPublicKeySync(pid),
      pid,
      this.#codec.encode('State', chainStateAccount(this.#codec, this.markets)),
    );
    put(
      getSpotMarketPublicKeySync(pid, 0),
      pid,
      this.#codec.encode('SpotMarket', chainUsdcSpotMarket(this.#codec, pid)),
    );
    for (const spec of this.markets) {
      const i = spec.marketIndex;
      const perp = chainPerpMarket(
        this.#codec,
        pid,
        this.layer,
        spec,
        this.#oracles.get(i)?.price ?? 0n,
        this.#status.get(i),
        this.#spreadBps,
      );
      put(getPerpMarketPublicKeySync(pid, i), pid, this.#codec.encode('PerpMarket', perp));
      const o = this.#oracles.get(i);
      if (o) put(perpOracleKey(i), PYTH_PUSH_PROGRAM_ID, pythPriceAccount(o.price, BigInt(o.slot)));
    }
    if (this.layer.userStatsExists) {
      const stats = this.#codec.blank<Record<string, unknown>>('UserStats');
      stats.authority = this.authority;
      stats.numberOfSubAccountsCreated = this.layer.subaccountsCreated;
      stats.numberOfSubAccounts = this.layer.subaccounts().length;
      put(getUserStatsAccountPublicKey(pid, this.authority), pid, this.#codec.encode('UserStats', stats));
    }
    for (const [driftSub, simSub] of this.layer.subaccounts()) {
      put(
        getUserAccountPublicKeySync(pid, this.authority, driftSub),
        pid,
        this.#codec.encode(
          'User',
          chainUserAccount(this.#codec, this.layer, this.authority, driftSub, simSub, slot),
        ),
      );
    }
    // The authority's system account (its SOL balance pays fees).
    put(this.authority, SystemProgram.programId, Buffer.alloc(0));
  }
}

function verifySignatures(tx: VersionedTransaction): void {
  const message = Buffer.from(tx.message.serialize());
  const n = tx.message.header.numRequiredSignatures;
  for (let i = 0; i < n; i++) {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, tx.message.staticAccountKeys[i].toBuffer()]),
      format: 'der',
      type: 'spki',
    });
    if (!verify(null, message, key, Buffer.from(tx.signatures[i]))) {
      throw new PreflightError('Transaction signature verification failure', 'SignatureFailure');
    }
  }
}

/** Drift's state PDA (seed "drift_state"), synchronously so #sync stays synchronous. */
function getDriftStateAccountPublicKeySync(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([Buffer.from('drift_state')], programId)[0];
}
