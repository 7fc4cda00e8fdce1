export * from './blended-range.ts';
export * from './percentile-window.ts';
export * from './realised-vol.ts';
export * from './snapshot-builder.ts';
export * from './sorted-blocks.ts';
