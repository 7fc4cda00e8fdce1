/**
 * Subscribing a DriftClient to its accounts over an RPC that may be wrong or down. The SDK reports load
 * failures as 'error' events on the client's emitter — with no listener, Node turns that into a crash — and
 * its subscribe() may wait a long time. This turns both into one actionable error, and never prints the RPC
 * URL beyond its host (URLs often carry API keys).
 */
import type { DriftClient } from '@drift-labs/sdk';
import { redactText } from '../../log/redact.ts';

/** "https://host:port" of a URL, without path or query (where RPC providers put API keys). */
export function rpcHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(an unparseable RPC_URL)';
  }
}

/** The RPC could not be used at start: a condition the user fixes (wrong URL, network down), not a bug. */
export class RpcUnavailableError extends Error {
  override name = 'RpcUnavailable';
}

export async function subscribeOrExplain(
  client: DriftClient,
  rpcUrl: string,
  timeoutMs = 30_000,
): Promise<void> {
  let firstError: unknown;
  let fail: ((e: unknown) => void) | undefined;
  const onError = (e: unknown) => {
    firstError ??= e;
    fail?.(e);
  };
  client.eventEmitter.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const ok = await Promise.race([client.subscribe(), failed]);
    if (!ok) throw new Error('the SDK could not subscribe');
  } catch (err) {
    await client.unsubscribe().catch(() => {});
    const why = (firstError ?? err) as { message?: string; cause?: { message?: string } };
    const detail = [why?.message, why?.cause?.message].filter(Boolean).join(': ') || String(why);
    throw new RpcUnavailableError(
      `cannot load Drift accounts from the RPC at ${rpcHost(rpcUrl)} (${redactText(detail)}); check RPC_URL and the network`,
    );
  } finally {
    clearTimeout(timer);
    fail = undefined;
  }
  // Later load errors are the caller's to handle (it attaches its own listener); this one stays so an
  // unhandled 'error' event can never crash the runner.
}
