/**
 * GET with retries for public data servers: 429, 5xx and network errors are retried with backoff (the
 * servers ask for it); 404 and other 4xx are final. Each try has a timeout.
 */
import { UserError } from '../../cli/user-error.ts';

export interface GetOptions {
  tries?: number;
  timeoutMs?: number;
  /** Base backoff, doubled per try (tests: 0). */
  backoffMs?: number;
  headers?: Record<string, string>;
}

export class NotFound extends UserError {}

export async function httpGet(url: string, o: GetOptions = {}): Promise<Buffer> {
  const tries = o.tries ?? 4;
  let lastError = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      const res = await fetch(url, {
        headers: o.headers,
        signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
      });
      if (res.ok) return Buffer.from(await res.arrayBuffer());
      if (res.status === 404) throw new NotFound(`${url}: not found on the server (404)`);
      lastError = `HTTP ${res.status}`;
      if (res.status !== 429 && res.status < 500)
        throw new UserError(`${url}: the server refused (HTTP ${res.status})`);
    } catch (err) {
      if (err instanceof UserError) throw err;
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (attempt < tries) await new Promise((r) => setTimeout(r, (o.backoffMs ?? 1000) * 2 ** (attempt - 1)));
  }
  throw new UserError(
    `${url}: failed after ${tries} tries (${lastError}); run the same command again to resume`,
  );
}
