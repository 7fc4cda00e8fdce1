import type { PendingWrites } from './pending-writes.ts';

/**
 * Which of an engine's memory documents (BotEngine.memory: what must survive a restart) changed since they were
 * last written, so a session writes only those. Engines hand out the same object while nothing in it changed, so
 * most checks end at an identity comparison (a fleet serialised every bot's memory on every decision).
 */
export class MemoryNotes {
  /** The memory last written (JSON per key). */
  readonly #seen = new Map<string, string>();
  /** The memory objects last compared with #seen, by key. */
  readonly #noted = new Map<string, unknown>();
  /** The engine's memory object last looked at. */
  #last: Record<string, unknown> | undefined;

  /** `memory` was given back to the engine (restart): it is what the database holds. */
  restored(memory: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(memory)) this.#seen.set(k, JSON.stringify(v));
  }

  /** Buffers in `writes` each document of `memory` that changed since it was last written. */
  note(memory: Record<string, unknown>, writes: () => PendingWrites): void {
    // The same memory object as last time: nothing in it changed (engines hand out a new object on a change).
    if (memory === this.#last) return;
    this.#last = memory;
    for (const [k, v] of Object.entries(memory)) {
      // The object noted last time: unchanged (engines hand out the same object while it is).
      if (this.#noted.get(k) === v) continue;
      this.#noted.set(k, v);
      const text = JSON.stringify(v);
      if (this.#seen.get(k) === text) continue;
      this.#seen.set(k, text);
      writes().memory.set(k, v);
    }
  }
}
