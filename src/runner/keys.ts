/**
 * Loads the runner's Solana signing key from the environment (PRIVATE_KEY) or a key file (KEYPAIR_PATH).
 *
 * The key is accepted in the forms Solana wallets export: base58 of the 64-byte secret key (Phantom, Solflare),
 * a JSON byte array (solana-keygen's id.json), or base64 of the 64 bytes. The secret never appears in an error
 * message, a log line, JSON or `util.inspect` output: a SigningKeypair prints as "[redacted]".
 *
 * This file deliberately does not import @solana/web3.js (only src/venue/drift/ may); the Drift venue turns a
 * SigningKeypair into a web3 Keypair with `secretKeyBytes()`. The key pair is checked here with node:crypto
 * (an ed25519 secret key is seed(32) ‖ publicKey(32); the public half must derive from the seed).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { redactText } from '../log/redact.ts';

export interface SigningKeyEnv {
  PRIVATE_KEY?: string;
  KEYPAIR_PATH?: string;
}

export type LoadSigningKeyResult = { ok: true; keypair: SigningKeypair } | { ok: false; error: string };

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const SECRET_KEY_BYTES = 64;
/** DER prefix of a PKCS#8 ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A held signing key. Only the public key is printable; the secret is reachable through one explicit method. */
export class SigningKeypair {
  readonly publicKey: string;
  readonly #secret: Uint8Array;

  constructor(secretKey: Uint8Array, publicKey: string) {
    this.#secret = Uint8Array.from(secretKey);
    this.publicKey = publicKey;
  }

  /** A fresh copy of the 64-byte secret key, for the venue to sign with. Never log or store it. */
  secretKeyBytes(): Uint8Array {
    return Uint8Array.from(this.#secret);
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** Reads PRIVATE_KEY, else KEYPAIR_PATH. Errors describe what is wrong with the input, never the input itself. */
export function loadSigningKey(env: SigningKeyEnv): LoadSigningKeyResult {
  const inline = env.PRIVATE_KEY?.trim();
  const path = env.KEYPAIR_PATH?.trim();
  if (inline && path) {
    return { ok: false, error: 'set either PRIVATE_KEY or KEYPAIR_PATH, not both' };
  }
  if (inline) return fromText(inline, 'PRIVATE_KEY');
  if (path) {
    // A key pasted where a path belongs must not come back in "cannot read the key file <path>".
    if (!existsSync(path) && looksLikeKeyText(path)) {
      return {
        ok: false,
        error:
          'KEYPAIR_PATH holds what looks like a key itself, not a file path (its value is not shown): put the key in PRIVATE_KEY, or save it to a file and point KEYPAIR_PATH at that file',
      };
    }
    const shown = JSON.stringify(redactText(path));
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'read error';
      return { ok: false, error: `KEYPAIR_PATH: cannot read the key file ${shown} (${code})` };
    }
    return fromText(text.trim(), `KEYPAIR_PATH file ${shown}`);
  }
  return { ok: false, error: 'no signing key: set PRIVATE_KEY or KEYPAIR_PATH (see .env.example)' };
}

function fromText(text: string, source: string): LoadSigningKeyResult {
  const decoded = decodeSecret(text);
  if (!decoded.ok) return { ok: false, error: `${source}: ${decoded.error}` };
  const bytes = decoded.bytes;
  if (bytes.length !== SECRET_KEY_BYTES) {
    bytes.fill(0);
    return {
      ok: false,
      error: `${source}: a Solana secret key is ${SECRET_KEY_BYTES} bytes, this ${decoded.format} value decodes to ${bytes.length}`,
    };
  }
  const derived = publicKeyFromSeed(bytes.subarray(0, 32));
  if (!Buffer.from(derived).equals(Buffer.from(bytes.subarray(32)))) {
    bytes.fill(0);
    return {
      ok: false,
      error: `${source}: the ${decoded.format} value is 64 bytes but not a valid key pair (the public half does not match the secret half)`,
    };
  }
  const keypair = new SigningKeypair(bytes, encodeBase58(derived));
  bytes.fill(0);
  return { ok: true, keypair };
}

/**
 * Whether a KEYPAIR_PATH value (that names no existing file) is key text rather than a path: a JSON byte
 * array, or base58/base64 that decodes to 32 bytes or more.
 */
function looksLikeKeyText(value: string): boolean {
  if (value.startsWith('[')) return true;
  if (value.length < 43) return false;
  const decoded = decodeSecret(value);
  return decoded.ok && decoded.bytes.length >= 32;
}

type Decoded = { ok: true; bytes: Uint8Array; format: string } | { ok: false; error: string };

function decodeSecret(text: string): Decoded {
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, error: 'looks like a JSON byte array but is not valid JSON' };
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
      return { ok: false, error: 'a JSON key must be an array of integers 0..255' };
    }
    return { ok: true, bytes: Uint8Array.from(parsed as number[]), format: 'JSON byte array' };
  }
  if (/^[1-9A-HJ-NP-Za-km-z]+$/.test(text)) {
    const bytes = decodeBase58(text);
    // A 64-byte key is 86–88 base58 characters; base64 of 64 bytes (88 chars, may lack + and /) is tried below.
    if (bytes.length === SECRET_KEY_BYTES) return { ok: true, bytes, format: 'base58' };
  }
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) {
    return { ok: true, bytes: new Uint8Array(Buffer.from(text, 'base64')), format: 'base64' };
  }
  if (/^[1-9A-HJ-NP-Za-km-z]+$/.test(text)) {
    return { ok: true, bytes: decodeBase58(text), format: 'base58' };
  }
  return {
    ok: false,
    error:
      'not a recognised key format (expected base58, base64, or a JSON byte array as Solana wallets export)',
  };
}

function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
}

export function decodeBase58(text: string): Uint8Array {
  let value = 0n;
  for (const ch of text) {
    const digit = BASE58_ALPHABET.indexOf(ch);
    if (digit < 0) throw new RangeError('invalid base58 character');
    value = value * 58n + BigInt(digit);
  }
  const out: number[] = [];
  while (value > 0n) {
    out.push(Number(value & 0xffn));
    value >>= 8n;
  }
  // each leading '1' encodes one leading zero byte
  for (const ch of text) {
    if (ch !== '1') break;
    out.push(0);
  }
  return Uint8Array.from(out.reverse());
}

export function encodeBase58(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let out = '';
  while (value > 0n) {
    out = BASE58_ALPHABET[Number(value % 58n)] + out;
    value /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}
