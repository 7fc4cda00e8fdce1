export * from './logger.ts';
export * from './redact.ts';
export * from './types.ts';
