/**
 * The writes a bot session buffers between two commits of the runner's writer (persist.ts): journal rows,
 * fills, order states, verdicts, events, the account snapshot, changed engine memory and the spread's health.
 */
import type { AccountState, Order } from '../domain/types.ts';
import type { BotEvent, JournalEntry, RecordedFill, RecordedVerdict } from '../store/index.ts';
import type { HealthState } from '../strategies/spread/health.ts';

export interface PendingWrites {
  journal: JournalEntry[];
  fills: RecordedFill[];
  orders: Map<number, Order>;
  verdicts: RecordedVerdict[];
  events: BotEvent[];
  snapshot: { ts: number; account: AccountState } | undefined;
  /** Engine memory documents that changed this tick (key → value). */
  memory: Map<string, unknown>;
  /** Spread: the health to persist (its last change in the tick). */
  health?: HealthState;
}

export const emptyWrites = (): PendingWrites => ({
  journal: [],
  fills: [],
  orders: new Map(),
  verdicts: [],
  events: [],
  snapshot: undefined,
  memory: new Map(),
});

/** `earlier` (a commit that failed) put back in front of `now`: rows in order, the later state of each key. */
export function writesBefore(earlier: PendingWrites, now: PendingWrites): PendingWrites {
  return {
    journal: [...earlier.journal, ...now.journal],
    fills: [...earlier.fills, ...now.fills],
    orders: new Map([...earlier.orders, ...now.orders]),
    verdicts: [...earlier.verdicts, ...now.verdicts],
    events: [...earlier.events, ...now.events],
    snapshot: now.snapshot ?? earlier.snapshot,
    memory: new Map([...earlier.memory, ...now.memory]),
    health: now.health ?? earlier.health,
  };
}

/** Whether there is anything to commit. */
export function anyWrites(w: PendingWrites): boolean {
  return (
    w.journal.length + w.fills.length + w.orders.size + w.verdicts.length + w.events.length > 0 ||
    w.snapshot !== undefined ||
    w.memory.size > 0 ||
    w.health !== undefined
  );
}
