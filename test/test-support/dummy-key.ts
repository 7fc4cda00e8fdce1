/**
 * A dummy Solana signing key (a real ed25519 key pair, so the loader accepts it) derived from a seed, and every
 * text form a leak could take: base58, base64(url), hex (both cases), JSON byte arrays — of the 64-byte secret
 * and of its 32-byte private half — and every 8-character window of the base58 form. The public half is public
 * (the live banner prints it), so its forms are not searched on their own.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { encodeBase58 } from '../../src/runner/keys.ts';
import { createPrng } from '../../src/venue/sim/faults/prng.ts';

/** DER prefix of a PKCS#8 ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface DummyKey {
  secret: Buffer;
  base58: string;
  base64: string;
  jsonArray: string;
  /** [label, text] pairs that must appear nowhere. */
  needles: [string, string][];
}

export function dummyKey(seed: number): DummyKey {
  const prng = createPrng(seed);
  const priv = Buffer.from(Array.from({ length: 32 }, () => prng.int(0, 255)));
  const pk = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, priv]), format: 'der', type: 'pkcs8' });
  const pub = Buffer.from(createPublicKey(pk).export({ format: 'jwk' }).x ?? '', 'base64url');
  const secret = Buffer.concat([priv, pub]);
  const base58 = encodeBase58(secret);
  const jsonArray = JSON.stringify([...secret]);
  const needles: [string, string][] = [
    ['base58', base58],
    ['base64', secret.toString('base64')],
    ['base64url', secret.toString('base64url')],
    ['hex', secret.toString('hex')],
    ['HEX', secret.toString('hex').toUpperCase()],
    ['JSON array', jsonArray],
    ['JSON array, spaced', `[${[...secret].join(', ')}]`],
    ['private half base58', encodeBase58(priv)],
    ['private half base64', priv.toString('base64')],
    ['private half hex', priv.toString('hex')],
    ['private half JSON', JSON.stringify([...priv])],
    ['private half JSON, spaced', `[${[...priv].join(', ')}]`],
  ];
  for (let i = 0; i + 8 <= base58.length; i++)
    needles.push([`base58[${i}..${i + 8}]`, base58.slice(i, i + 8)]);
  return { secret, base58, base64: secret.toString('base64'), jsonArray, needles };
}

/**
 * Windows of a text that was passed as a key (a malformed one is still secret). 16 characters, not 8: a hex
 * or JSON-number form has so few symbols that 8-character pieces turn up by chance.
 */
export function windowsOf(text: string, label: string, width = 16): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + width <= text.length; i++)
    out.push([`${label}[${i}..${i + width}]`, text.slice(i, i + width)]);
  return out;
}

/** The whole-key forms only (for binary files, where short pieces would match by chance). */
export const wholeForms = (k: DummyKey): [string, string][] =>
  k.needles.filter(([label]) => !label.startsWith('base58['));

export interface Leak {
  needle: string;
  source: string;
  context: string;
}

/** Every place a needle occurs in the corpus, with a little context (the needle itself masked). */
export function findLeaks(corpus: readonly [string, string][], needles: readonly [string, string][]): Leak[] {
  const leaks: Leak[] = [];
  for (const [source, text] of corpus) {
    for (const [label, needle] of needles) {
      const at = text.indexOf(needle);
      if (at < 0) continue;
      const context = `${text.slice(Math.max(0, at - 60), at)}<${label}>${text.slice(at + needle.length, at + needle.length + 60)}`;
      leaks.push({ needle: label, source, context });
    }
  }
  return leaks;
}
