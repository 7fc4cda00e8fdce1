/**
 * Fans notifications out to the configured channels, once per dedup key per window: a repeat inside the
 * window is counted, and the next message with that key (after the window) says how many were held back.
 */
import type { Channel } from './channels.ts';
import type { NotifyMessage } from './message.ts';
import { Outbox, type OutboxOptions } from './outbox.ts';

export interface NotifierOptions extends OutboxOptions {
  dedupMs: number;
}

export class Notifier {
  readonly outboxes: Outbox[];
  readonly #dedupMs: number;
  readonly #now: () => number;
  readonly #seen = new Map<string, { ts: number; held: number }>();
  /** Messages held back by the dedup window. */
  deduplicated = 0;

  constructor(channels: readonly Channel[], o: NotifierOptions) {
    this.outboxes = channels.map((c) => new Outbox(c, o));
    this.#dedupMs = o.dedupMs;
    this.#now = o.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.outboxes.length > 0;
  }

  /** Queues `m` on every channel; false when the dedup window held it back (or no channel is set). */
  notify(m: NotifyMessage): boolean {
    if (!this.enabled) return false;
    const now = this.#now();
    const seen = this.#seen.get(m.dedupKey);
    if (seen && now - seen.ts < this.#dedupMs) {
      seen.held++;
      this.deduplicated++;
      return false;
    }
    const lines =
      seen && seen.held > 0
        ? [
            ...m.lines,
            `(${seen.held} similar notification(s) held back since ${new Date(seen.ts).toISOString()})`,
          ]
        : m.lines;
    this.#seen.set(m.dedupKey, { ts: now, held: 0 });
    if (this.#seen.size > 1000) this.#prune(now);
    for (const o of this.outboxes) o.push({ ...m, lines });
    return true;
  }

  /** Waits until every queue is empty, at most `timeoutMs`; true when all were. */
  async flush(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(this.outboxes.map((o) => o.idle(timeoutMs)));
    return results.every(Boolean);
  }

  close(): void {
    for (const o of this.outboxes) o.close();
  }

  #prune(now: number): void {
    for (const [k, v] of this.#seen) if (now - v.ts >= this.#dedupMs) this.#seen.delete(k);
  }
}
