/**
 * Drift account bytes from objects and back, with the SDK's own coder (its IDL layouts): what a JSON-RPC
 * server needs to serve accounts the SDK decodes exactly as it decodes mainnet's. Drift's accounts are
 * zero-copy structs whose IDL spells out every padding field, so the borsh layout is the on-chain layout.
 *
 * `blank(name)` decodes an all-zero account: a complete object (every field present, enums at variant 0) to
 * start from, so a builder sets only the fields it means and encoding never trips over a missing one.
 */
import type { Program } from '@coral-xyz/anchor';
import { decodeBase58 } from '../../../../runner/keys.ts';

interface Layout {
  encode(src: unknown, b: Buffer, offset?: number): number;
  decode(b: Buffer, offset?: number): unknown;
}

interface CoderInternals {
  accountLayouts: Map<string, Layout>;
  decodeUnchecked(name: string, data: Buffer): unknown;
  size(idlAccount: unknown): number;
}

export class AccountCodec {
  readonly #coder: CoderInternals;
  readonly #idlAccounts: Map<string, unknown>;
  readonly #sizes = new Map<string, number>();
  readonly #discriminators = new Map<string, Buffer>();
  readonly #accountsCoder: { memcmp(name: string): { bytes: string } };

  constructor(program: Program) {
    this.#coder = program.coder.accounts as unknown as CoderInternals;
    this.#accountsCoder = program.coder.accounts as unknown as { memcmp(name: string): { bytes: string } };
    this.#idlAccounts = new Map(
      (program.idl.accounts ?? []).map((a) => [a.name, a as unknown] as [string, unknown]),
    );
  }

  /** Account size in bytes, discriminator included. */
  size(name: string): number {
    let s = this.#sizes.get(name);
    if (s === undefined) {
      const idl = this.#idlAccounts.get(name);
      if (!idl) throw new Error(`unknown account type ${name}`);
      s = this.#coder.size(idl);
      this.#sizes.set(name, s);
    }
    return s;
  }

  discriminator(name: string): Buffer {
    let d = this.#discriminators.get(name);
    if (!d) {
      // memcmp(name) is the discriminator in base58; decode it once.
      d = Buffer.from(decodeBase58(this.#accountsCoder.memcmp(name).bytes));
      this.#discriminators.set(name, d);
    }
    return d;
  }

  /** A complete account object with every field zero. */
  blank<T>(name: string): T {
    const data = Buffer.alloc(this.size(name));
    this.discriminator(name).copy(data, 0);
    return this.#coder.decodeUnchecked(name, data) as T;
  }

  encode(name: string, account: unknown): Buffer {
    const layout = this.#coder.accountLayouts.get(name);
    if (!layout) throw new Error(`unknown account type ${name}`);
    const out = Buffer.alloc(this.size(name));
    this.discriminator(name).copy(out, 0);
    layout.encode(account, out, 8);
    return out;
  }

  decode<T>(name: string, data: Buffer): T {
    return this.#coder.decodeUnchecked(name, data) as T;
  }
}
