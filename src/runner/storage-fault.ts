import type { Logger } from '../log/logger.ts';
import type { OpenedBot } from './bot-opening.ts';
import type { BotSession } from './bot-session.ts';

/**
 * The runner's state while the database refuses writes (disk full, a server gone): when it began, why, and
 * when to try again (exponential backoff, 1 s doubling to 30 s). While it lasts, no bot ticks — nothing new
 * is decided or buffered, so memory stays bounded — and the API says why.
 */
export interface StorageFaultView {
  reason: string;
  /** Wall time (ms) the fault began. */
  since: number;
  attempts: number;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** "could not extend file …: No space left on device" → a line a user can act on. */
export function describeStorageError(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const message = String(e?.message ?? err).split('\n')[0] as string;
  if (e?.code === '53100' || /No space left|ENOSPC/i.test(message)) return `disk full: ${message}`;
  if (/terminat|ECONNREFUSED|ECONNRESET|Connection|timeout|not queryable/i.test(message)) {
    return `database connection lost: ${message}`;
  }
  return `database write failed: ${message}`;
}

export class StorageFault {
  readonly view: StorageFaultView;
  #retryAt: number;

  constructor(reason: string, now: number) {
    this.view = { reason, since: now, attempts: 0 };
    this.#retryAt = now + FIRST_RETRY_MS;
  }

  due(now: number): boolean {
    return now >= this.#retryAt;
  }

  /** A retry failed: wait longer (the reason may have changed, e.g. disk full → connection lost). */
  failed(reason: string, now: number): void {
    this.view.reason = reason;
    this.view.attempts++;
    this.#retryAt = now + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.view.attempts);
  }
}

/** The part of a bot the fault handling touches. */
export interface PausableBot {
  session: BotSession;
  clock(): number;
}

/**
 * Pauses every bot the way a PAUSE verdict does: its orders cancelled on the venue (which is not the
 * database, so this works while the database fails), its position kept; `halted` says why (the API shows it).
 */
export async function pauseForStorage(
  bots: Iterable<[string, PausableBot]>,
  reason: string,
  log: Logger,
  changed: (id: string) => void,
): Promise<void> {
  for (const [id, b] of bots) {
    const s = b.session;
    s.halted = reason;
    try {
      const account = await s.readAccount();
      if (account.openOrders.length > 0) await s.send(b.clock(), [{ kind: 'cancelAll' }], `${id}-storage`);
      await s.readAccount();
    } catch (err) {
      log.error('SYSTEM', `bot ${id}: cancelling orders failed`, { error: String(err) });
    }
    changed(id);
  }
}

/**
 * Database writes work again: a bot that still holds its lease decides at its next tick; one whose lease lapsed
 * during the outage is started again the crash-only way (`reopen`: from the database and the venue), unless
 * another runner took it meanwhile.
 */
export async function resumeAfterStorage(
  bots: readonly [string, OpenedBot][],
  reopen: (id: string) => Promise<void>,
  log: Logger,
  changed: (id: string) => void,
): Promise<void> {
  for (const [id, e] of bots) {
    if (e.lease.isHeld()) {
      e.driver.session.halted = undefined;
      e.driver.requestDecision('storage recovered');
      changed(id);
      continue;
    }
    try {
      await reopen(id);
      log.info('SYSTEM', `bot ${id} re-opened after its lease lapsed`);
    } catch (openErr) {
      log.error('SYSTEM', `bot ${id} not resumed: ${(openErr as Error).message}`);
    }
  }
}
