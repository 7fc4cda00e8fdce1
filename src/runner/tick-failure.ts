/**
 * A bot's tick threw. I/O trouble (RPC down, rate limits, timeouts, a degraded venue) degrades the bot: it backs
 * off and recovers by itself. A bug stops it ('error'), but only once its orders are cancelled: a bot that
 * cannot decide must not leave orders resting on the venue; while they cannot be cancelled it stays degraded and
 * tries again.
 */
import type { Logger } from '../log/logger.ts';
import type { BotSession } from './bot-session.ts';

/** Handles `err` from bot `s`'s tick at `now`; true when the bot was stopped ('error'). `log`: the runner's. */
export async function tickFailed(s: BotSession, now: number, err: unknown, log: Logger): Promise<boolean> {
  const message = err instanceof Error ? err.message : String(err);
  if (!isBug(err)) {
    s.degrade(now, message);
    log.warn('SYSTEM', `bot ${s.id} degraded`, { error: message });
    return false;
  }
  log.error('SYSTEM', `bot ${s.id} failed`, { error: String((err as Error).stack ?? err) });
  try {
    const account = await s.readAccount();
    if (account.openOrders.length > 0) await s.send(now, [{ kind: 'cancelAll' }], `${s.name}-error`);
    const after = await s.readAccount();
    if (after.openOrders.length > 0) throw new Error(`${after.openOrders.length} order(s) still open`);
  } catch (cleanup) {
    s.degrade(now, `${message}; cancelling its orders failed (${(cleanup as Error).message})`);
    return false;
  }
  s.status = 'error';
  s.event('error', 'error', `bot stopped after an error (its orders are cancelled): ${message}`);
  return true;
}

/**
 * Programming errors (a TypeError from our own code, a RangeError on bad maths) as opposed to I/O failures;
 * fetch's "fetch failed" is a TypeError too but means the network.
 */
export function isBug(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (/fetch failed|network|socket|ECONN|timed? ?out/i.test(err.message)) return false;
  return (
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError
  );
}
