export * from './tracker.ts';
