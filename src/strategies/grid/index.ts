export * from './curve.ts';
export * from './ladder.ts';
export * from './params.ts';
export * from './range-exit.ts';
export * from './strategy.ts';
export * from './volatility.ts';
