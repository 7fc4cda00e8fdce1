/**
 * The one place a web3.js Connection to the user's RPC is made (live venue, market feed).
 *
 * - Credentials never reach the SDK: `https://user:password@host/` becomes `https://host/` plus an
 *   `Authorization: Basic …` header, so no URL the SDK or fetch can print holds them (Node's fetch even refuses
 *   such a URL with an error that quotes it). Every secret-looking part of the URL (password, user, query values,
 *   long path segments where providers put API keys) is registered with the log redaction.
 * - HTTP 429 honours the server's Retry-After (capped), instead of web3.js's fixed 0.5–4 s doubling that ignores
 *   it and prints a line per retry; after `maxRateLimitRetries` the 429 surfaces as an error the venue counts
 *   as transient.
 * - Every request has a timeout: an RPC that accepts the connection and never answers must fail the call
 *   (classified 'timeout'), not hang the bot.
 */
import { Connection } from '@solana/web3.js';
import { registerSecretText } from '../../log/redact.ts';

export interface RpcEndpoint {
  /** The URL without user info. */
  url: string;
  httpHeaders: Record<string, string>;
  /** "https://host:port", for messages. */
  host: string;
}

export interface RpcConnectionOptions {
  /** Per-request timeout (ms). Default 20 s. */
  timeoutMs?: number;
  /** Retries of one request answered 429. Default 3. */
  maxRateLimitRetries?: number;
  /** Longest Retry-After honoured (ms). Default 30 s. */
  maxRetryAfterMs?: number;
  /** Called on every 429 (for logs and metrics). */
  onRateLimited?: (waitMs: number) => void;
}

/** Splits an RPC URL into a credential-free URL and headers; registers its secret parts for redaction. */
export function rpcEndpoint(raw: string): RpcEndpoint {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new Error('RPC_URL is not a valid URL (expected http(s)://host[:port][/path])');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`RPC_URL must start with http:// or https:// (got ${u.protocol}//…)`);
  }
  registerUrlSecrets(u, raw);
  const httpHeaders: Record<string, string> = {};
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    httpHeaders.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    registerSecretText(httpHeaders.Authorization.slice('Basic '.length));
    u.username = '';
    u.password = '';
  }
  return { url: u.toString(), httpHeaders, host: `${u.protocol}//${u.host}` };
}

function registerUrlSecrets(u: URL, raw: string): void {
  // The whole URL is a secret when it carries more than its host (credentials, a key in path or query).
  const bare = `${u.protocol}//${u.host}`;
  if (raw.trim().replace(/\/$/, '') !== bare) registerSecretText(raw.trim());
  for (const part of [u.username, u.password]) {
    if (part) {
      registerSecretText(part);
      registerSecretText(decodeURIComponent(part));
    }
  }
  for (const [, value] of u.searchParams) if (value.length >= 6) registerSecretText(value);
  if (u.search.length > 1) registerSecretText(u.search.slice(1));
  // Providers put API keys in the path (…/solana/<key>, …/v2/<key>); a plain route segment is short.
  for (const seg of u.pathname.split('/')) if (seg.length >= 16) registerSecretText(seg);
}

/** Seconds or an HTTP date → ms to wait (undefined when absent or unreadable). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A fetch for web3.js: a timeout per request and Retry-After on 429. */
export function rpcFetch(o: RpcConnectionOptions = {}): typeof fetch {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const maxRetries = o.maxRateLimitRetries ?? 3;
  const maxWait = o.maxRetryAfterMs ?? 30_000;
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      // A cleared, unref'd timer: a pending timeout must not keep a stopping process alive.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      timer.unref?.();
      try {
        res = await fetch(input, { ...init, signal: abort.signal });
      } catch (err) {
        if (abort.signal.aborted) throw new Error(`RPC request timed out after ${timeoutMs} ms`);
        throw err;
      } finally {
        clearTimeout(timer);
      }
      if (res.status !== 429 || attempt >= maxRetries) return res;
      const wait = Math.min(maxWait, retryAfterMs(res.headers.get('retry-after')) ?? 500 * 2 ** attempt);
      o.onRateLimited?.(wait);
      await res.body?.cancel().catch(() => {});
      await new Promise((r) => setTimeout(r, wait));
    }
  };
}

/** A Connection to `rpcUrl` with the rules above ('confirmed' commitment). */
export function rpcConnection(rpcUrl: string, o: RpcConnectionOptions = {}): Connection {
  const ep = rpcEndpoint(rpcUrl);
  return new Connection(ep.url, {
    commitment: 'confirmed',
    httpHeaders: ep.httpHeaders,
    fetch: rpcFetch(o),
    disableRetryOnRateLimit: true,
  });
}
