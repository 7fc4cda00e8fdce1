/**
 * perps_accounts: which Drift account a bot trades — the authority's public key and the subaccount id.
 * Signing keys live only in the runner (DESIGN.md §1.5); this module refuses anything that is not a public key,
 * and the table's check constraint refuses it again for writers that bypass this module.
 */
import { fromDbTime } from '../codec.ts';
import type { Db } from '../db.ts';

export interface PerpsAccount {
  botId: string;
  /** Base58 public key of the authority (wallet) owning the subaccount. */
  authority: string;
  subaccountId: number;
  createdAt: number;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Bytes encoded by base58 text, or undefined when the text is not base58. */
export function base58ByteLength(text: string): number | undefined {
  let value = 0n;
  for (const ch of text) {
    const digit = BASE58.indexOf(ch);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  let bytes = 0;
  for (let v = value; v > 0n; v >>= 8n) bytes++;
  return zeros + bytes;
}

/** A Solana public key: base58 text that decodes to exactly 32 bytes. */
export function isPublicKeyText(text: string): boolean {
  return text.length >= 32 && text.length <= 44 && base58ByteLength(text) === 32;
}

/**
 * Throws unless `authority` is a public key. The message never echoes the value: if it was a secret, it must
 * not end up in a log.
 */
export function assertPublicKey(authority: string): void {
  if (isPublicKeyText(authority)) return;
  const hint =
    authority.length > 44 || /^\s*\[/.test(authority) || /\s/.test(authority.trim())
      ? ' The value looks like a secret key or seed phrase: never store keys; keep them in the runner.'
      : '';
  throw new Error(
    `perps_accounts.authority must be a base58 public key (32 bytes); got ${authority.length} characters.${hint}`,
  );
}

export async function linkPerpsAccount(
  db: Db,
  botId: string,
  account: { authority: string; subaccountId: number },
): Promise<PerpsAccount> {
  assertPublicKey(account.authority);
  if (!Number.isInteger(account.subaccountId) || account.subaccountId < 0 || account.subaccountId > 65535) {
    throw new Error(`subaccount id must be an integer in 0..65535, got ${account.subaccountId}`);
  }
  const rows = await db.query<{ created_at: Date }>(
    `insert into perps_accounts (bot_id, authority, subaccount_id) values ($1, $2, $3)
     on conflict (bot_id) do update set authority = excluded.authority, subaccount_id = excluded.subaccount_id
     returning created_at`,
    [botId, account.authority, account.subaccountId],
  );
  return { botId, ...account, createdAt: fromDbTime(rows[0]!.created_at) };
}

export async function getPerpsAccount(db: Db, botId: string): Promise<PerpsAccount | undefined> {
  const rows = await db.query<{ authority: string; subaccount_id: number; created_at: Date }>(
    'select authority, subaccount_id, created_at from perps_accounts where bot_id = $1',
    [botId],
  );
  const r = rows[0];
  return (
    r && { botId, authority: r.authority, subaccountId: r.subaccount_id, createdAt: fromDbTime(r.created_at) }
  );
}
