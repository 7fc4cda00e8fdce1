/**
 * The redaction guard every log line passes through: secrets must never reach a log (DESIGN.md §1.5).
 *
 * - A field whose name looks like a secret (contains key, secret, seed, mnemonic, passphrase or password;
 *   publicKey/pubkey excepted, they are public) has its whole value replaced.
 * - Inside any string, a run of 64–88 base58 characters (a Solana secret key or keypair in base58) or of 64
 *   hex characters (a 32-byte key in hex) is replaced. Transaction signatures (87–88 base58 characters) are
 *   caught too: the price of never leaking a key that was pasted where a signature should be.
 * - Byte arrays of 32 or more bytes, and arrays of exactly 64 integers 0–255 (a keypair file), are replaced.
 * Values are also made JSON-safe: bigint → decimal string, Error → {name, message}, cycles and depth cut.
 */

export const REDACTED = '[redacted]';

const SECRET_NAME = /key|secret|seed|mnemonic|passphrase|password/i;
const PUBLIC_NAME = /^(public_?key|pub_?key)$/i;
const B58 = '1-9A-HJ-NP-Za-km-z';
const SECRET_TEXT = new RegExp(
  `(?<![${B58}])[${B58}]{64,88}(?![${B58}])|(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])`,
  'g',
);
const MAX_DEPTH = 8;

export const isSecretFieldName = (name: string): boolean => SECRET_NAME.test(name) && !PUBLIC_NAME.test(name);

/**
 * Secret values known at run time (an RPC URL's password or API key): replaced wherever they appear, whatever
 * their shape. Longest first, so a value containing another is replaced whole.
 */
const knownSecrets: string[] = [];

/** Registers a value that must never be printed (ignored when shorter than 6 characters). */
export function registerSecretText(value: string): void {
  if (value.length < 6 || knownSecrets.includes(value)) return;
  knownSecrets.push(value);
  knownSecrets.sort((a, b) => b.length - a.length);
}

export function redactText(text: string): string {
  let out = text;
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out.replace(SECRET_TEXT, REDACTED);
}

const looksLikeKeypairArray = (v: unknown[]): boolean =>
  v.length === 64 && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255);

/** A JSON-safe, redacted copy of `value`. */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  switch (typeof value) {
    case 'string':
      return redactText(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (ArrayBuffer.isView(obj)) return obj.byteLength >= 32 ? REDACTED : Array.from(obj as Uint8Array);
  if (seen.has(obj)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth]';
  seen.add(obj);
  try {
    if (obj instanceof Error) return { name: obj.name, message: redactText(obj.message) };
    if (obj instanceof Date) return obj.toISOString();
    if (Array.isArray(obj)) {
      return looksLikeKeypairArray(obj) ? REDACTED : obj.map((v) => redactValue(v, depth + 1, seen) ?? null);
    }
    return redactFields(obj as Record<string, unknown>, depth + 1, seen);
  } finally {
    seen.delete(obj);
  }
}

/** Redacts an object's fields by name and by value. */
export function redactFields(
  fields: Record<string, unknown>,
  depth = 0,
  seen: WeakSet<object> = new WeakSet(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = isSecretFieldName(k) ? REDACTED : redactValue(v, depth, seen);
  }
  return out;
}
