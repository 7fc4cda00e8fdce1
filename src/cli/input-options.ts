/**
 * The options of the commands that replay a bot on price files (backtest, optimize, preview): which config, which
 * data and funding files, and help. Written once so the three read the same files the same way.
 */
export const INPUT_OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string', multiple: true },
  funding: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;
