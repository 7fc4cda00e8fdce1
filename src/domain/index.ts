export * from './fees.ts';
export * from './intent.ts';
export * from './markets.ts';
export * from './precision.ts';
export * from './rounding.ts';
export * from './snapshot.ts';
export * from './types.ts';
