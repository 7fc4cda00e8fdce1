/**
 * A session's backoff while degraded (the venue or its connection failed transiently): no attempt until the wait
 * after the latest consecutive failure has passed; reset once the bot recovers.
 */

/** Backoff after the n-th consecutive failure: 1 s doubling to 30 s, with ±20% jitter so bots spread out. */
export function degradedBackoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export class Backoff {
  /** Consecutive failures. */
  failures = 0;
  /** When the next attempt may run (wall ms). */
  #retryAt = 0;

  /** One more failure at `now` (wall ms): returns the wait before the next attempt (ms). */
  failed(now: number): number {
    this.failures++;
    const wait = degradedBackoffMs(this.failures);
    this.#retryAt = now + wait;
    return wait;
  }

  /** Whether the next attempt may run at `now`. */
  ready(now: number): boolean {
    return now >= this.#retryAt;
  }

  reset(): void {
    this.failures = 0;
  }
}
