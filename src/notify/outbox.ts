/**
 * One channel's queue: sends in order, at most `maxPerMinute` (a token bucket with a burst of `burst`), retries
 * what the channel says to retry (waiting what a 429 asks, else 1 s, 2 s, 4 s), and never holds more than
 * `maxQueue` messages — when full, the oldest non-critical message is dropped and the next message sent says
 * how many were (critical ones are dropped only when the queue holds nothing else). Sending never blocks the caller.
 */
import type { Channel } from './channels.ts';
import type { NotifyMessage } from './message.ts';

export interface OutboxOptions {
  maxPerMinute: number;
  burst?: number;
  maxQueue?: number;
  /** Attempts per message (first try included). */
  attempts?: number;
  backoffMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onSent?: (channel: string, m: NotifyMessage) => void;
  /** A message given up on (after its attempts, or a permanent error): already scrubbed. */
  onGiveUp?: (channel: string, error: string, m: NotifyMessage) => void;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class Outbox {
  readonly channel: Channel;
  readonly #o: Required<Omit<OutboxOptions, 'onGiveUp' | 'onSent'>> &
    Pick<OutboxOptions, 'onGiveUp' | 'onSent'>;
  readonly #queue: NotifyMessage[] = [];
  #tokens: number;
  #last: number;
  #blockedUntil = 0;
  #dropped = 0;
  #running: Promise<void> | undefined;
  #closed = false;
  /** Counters for tests and /metrics. */
  sent = 0;
  failed = 0;

  constructor(channel: Channel, o: OutboxOptions) {
    this.channel = channel;
    this.#o = {
      burst: 5,
      maxQueue: 50,
      attempts: 4,
      backoffMs: 1000,
      now: Date.now,
      sleep: realSleep,
      ...o,
    };
    this.#tokens = this.#o.burst;
    this.#last = this.#o.now();
  }

  get dropped(): number {
    return this.#dropped;
  }

  get pending(): number {
    return this.#queue.length;
  }

  push(m: NotifyMessage): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#o.maxQueue) {
      const i = this.#queue.findIndex((q) => q.severity !== 'critical');
      this.#queue.splice(i >= 0 ? i : 0, 1);
      this.#dropped++;
    }
    this.#queue.push(m);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves once the queue is empty (or `timeoutMs` passed); true when everything was handled. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (!this.#running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), timeoutMs);
    });
    const done = this.#running.then(() => true);
    const ok = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return ok;
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      await this.#takeToken();
      const m = this.#queue.shift();
      if (m === undefined) break;
      await this.#sendWithRetries(m);
    }
  }

  async #takeToken(): Promise<void> {
    const rate = this.#o.maxPerMinute / 60_000; // tokens per ms
    for (;;) {
      const now = this.#o.now();
      if (now < this.#blockedUntil) {
        await this.#o.sleep(this.#blockedUntil - now);
        continue;
      }
      this.#tokens = Math.min(this.#o.burst, this.#tokens + (now - this.#last) * rate);
      this.#last = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.#o.sleep(Math.ceil((1 - this.#tokens) / rate));
    }
  }

  async #sendWithRetries(m: NotifyMessage): Promise<void> {
    const note =
      this.#dropped > 0 ? `(${this.#dropped} other notification(s) dropped: too many at once)` : undefined;
    for (let attempt = 1; ; attempt++) {
      const r = await this.channel.send(m, note);
      if (r.ok) {
        this.sent++;
        if (note) this.#dropped = 0;
        this.#o.onSent?.(this.channel.name, m);
        return;
      }
      if (!r.retry || attempt >= this.#o.attempts || this.#closed) {
        this.failed++;
        this.#o.onGiveUp?.(this.channel.name, r.error, m);
        return;
      }
      const wait = r.retryAfterMs ?? this.#o.backoffMs * 2 ** (attempt - 1);
      // A 429 holds the whole channel, not just this message.
      if (r.retryAfterMs !== undefined) this.#blockedUntil = this.#o.now() + wait;
      await this.#o.sleep(wait);
    }
  }
}
