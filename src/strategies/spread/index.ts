export * from './cycle.ts';
export * from './health.ts';
export * from './intents.ts';
export * from './legs.ts';
export * from './params.ts';
export * from './reconcile.ts';
export * from './signal.ts';
export * from './types.ts';
