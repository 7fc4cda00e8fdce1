export * from './blended-range.ts';
export * from './market-data-hub.ts';
export * from './percentile-window.ts';
export * from './range-timeline.ts';
export * from './realised-vol.ts';
export * from './shared-range.ts';
export * from './snapshot-builder.ts';
export * from './sorted-blocks.ts';
