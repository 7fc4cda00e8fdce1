export * from './connection.ts';
export * from './event-faults.ts';
export * from './fault-config.ts';
export * from './faulty-exchange.ts';
export * from './faulty-venue.ts';
export * from './market-faults.ts';
export * from './prng.ts';
