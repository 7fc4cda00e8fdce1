/**
 * A hand-written Pyth v1 ("push") price account, the oracle both test chains serve (the bankrun program reads
 * it, the SDK decodes it with @pythnetwork/client `parsePriceData`). Layout facts from pyth-client 0.2.2 /
 * @pythnetwork/client: magic, version, type, size, price type, exponent (i32 @20), num components (u32 @24),
 * num quoters (u32 @28), last slot (@32), valid slot (@40), ema price (@48), aggregate price (i64 @208), conf
 * (u64 @216), status (u32 @224), publish slot (u64 @232); 3312 bytes with 32 components.
 */
import { PublicKey } from '@solana/web3.js';

/** The Pyth program id compiled into the mainnet-beta Drift build (owner of push oracles). */
export const PYTH_PUSH_PROGRAM_ID = new PublicKey('FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH');
export const PYTH_PRICE_ACCOUNT_SIZE = 3312;

/** Price account bytes: `price` and `conf` in PRICE precision (exponent −6), published at `slot`. */
export function pythPriceAccount(price: bigint, slot: bigint, conf = 1_000n): Buffer {
  const d = Buffer.alloc(PYTH_PRICE_ACCOUNT_SIZE);
  d.writeUInt32LE(0xa1b2c3d4, 0); // magic
  d.writeUInt32LE(2, 4); // version
  d.writeUInt32LE(3, 8); // account type: price
  d.writeUInt32LE(PYTH_PRICE_ACCOUNT_SIZE, 12);
  d.writeUInt32LE(1, 16); // price type: price
  d.writeInt32LE(-6, 20); // exponent: PRICE precision 1e6
  d.writeUInt32LE(1, 24); // components
  d.writeUInt32LE(1, 28); // quoters (the mainnet build wants num_qt >= min(num, 3))
  d.writeBigUInt64LE(slot, 32);
  d.writeBigUInt64LE(slot, 40);
  d.writeBigInt64LE(price, 48); // ema price
  d.writeBigInt64LE(price, 208);
  d.writeBigUInt64LE(conf, 216);
  d.writeUInt32LE(1, 224); // status: trading
  d.writeBigUInt64LE(slot, 232);
  return d;
}
