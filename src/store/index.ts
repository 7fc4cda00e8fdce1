/** The store's public surface: open a database, migrate, and the repositories. */
export * from './codec.ts';
export * from './db.ts';
export * from './errors.ts';
export * from './journal.ts';
export * from './leases.ts';
export * from './migrate.ts';
export * from './repositories/accounts.ts';
export * from './repositories/bots.ts';
export * from './repositories/events.ts';
export * from './repositories/fills.ts';
export * from './repositories/memory.ts';
export * from './repositories/objectives.ts';
export * from './repositories/orders.ts';
export * from './repositories/snapshots.ts';
export * from './repositories/verdicts.ts';
export * from './retention.ts';
