/**
 * Retention while the bots run: once a bot's clock (its data's time in a replay) has moved a day since its
 * last prune, its rows older than the retention before that clock are pruned (see pruneOlderThan for what is
 * always kept), then PGlite's rewritten tables are vacuumed. In the background, one prune at a time: a prune
 * never holds up a tick.
 */
import type { Logger } from '../log/logger.ts';
import { type Db, pruneOlderThan, vacuumRewrittenTables } from '../store/index.ts';

const DAY_MS = 86_400_000;
/** 14 days: a demo grid bot's history then holds at about 50 MB (docs/store.md, "Retention"). */
export const DEFAULT_RETAIN_MS = 14 * DAY_MS;

export class RetentionKeeper {
  readonly #db: Db;
  readonly #retainMs: number;
  readonly #log: Logger;
  /** Each bot's clock at its last prune. */
  readonly #prunedAt = new Map<string, number>();
  #running: Promise<void> | undefined;

  /** `retainMs` 0 keeps everything. */
  constructor(db: Db, retainMs: number, log: Logger) {
    this.#db = db;
    this.#retainMs = retainMs;
    this.#log = log;
  }

  /** Starts a prune of the bots whose clock moved a day, unless one is running. `clocks`: bot id → clock. */
  maybePrune(clocks: Iterable<[string, number]>): void {
    if (this.#retainMs <= 0 || this.#running) return;
    const due: [string, number][] = [];
    for (const [id, clock] of clocks) {
      if (clock - (this.#prunedAt.get(id) ?? Number.NEGATIVE_INFINITY) >= DAY_MS) due.push([id, clock]);
    }
    if (due.length === 0) return;
    this.#running = (async () => {
      for (const [id, clock] of due) {
        try {
          const deleted = await pruneOlderThan(this.#db, { before: clock - this.#retainMs, botId: id });
          this.#prunedAt.set(id, clock);
          const n = Object.values(deleted).reduce((a, b) => a + b, 0);
          if (n > 0) this.#log.debug('SYSTEM', `pruned ${n} rows of ${id} older than its retention`, deleted);
        } catch (err) {
          this.#log.warn('SYSTEM', `pruning ${id} failed (retried later)`, { error: String(err) });
        }
      }
      await vacuumRewrittenTables(this.#db).catch(() => {});
      this.#running = undefined;
    })();
  }

  /** Resolves when no prune is running (before the database closes). */
  async idle(): Promise<void> {
    await this.#running;
  }
}
