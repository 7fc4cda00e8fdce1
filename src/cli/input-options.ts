/**
 * What the commands that replay a bot on price files (backtest, optimize, preview) share: their input options
 * (which config, which data and funding files, and help), the parser that reads them with each command's own
 * options, and the checks of the number flags they have in common. Written once so the three read the same
 * files the same way and word a bad flag the same way.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { UserError } from './user-error.ts';

export const INPUT_OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string', multiple: true },
  funding: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The command line's values with the input options and the command's own `options`; an unknown flag or a
 * flag without its value is a UserError followed by the command's usage (`help`).
 */
export function parseReplayArgs<const O extends ParseArgsOptionsConfig>(
  argv: string[],
  options: O,
  help: string,
) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { ...INPUT_OPTIONS, ...options },
    }).values;
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${help}`);
  }
}

/**
 * A whole-number flag: `fallback` when it is absent, else its value, which must be a whole number from `min`
 * (to `max` when given) — a UserError naming the flag otherwise.
 */
export function wholeNumberFlag(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max?: number,
): number;
export function wholeNumberFlag(
  flag: string,
  text: string | undefined,
  fallback: undefined,
  min: number,
  max?: number,
): number | undefined;
export function wholeNumberFlag(
  flag: string,
  text: string | undefined,
  fallback: number | undefined,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number | undefined {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min || v > max) {
    const allowed = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `${min}..${max}`;
    throw new UserError(`${flag} must be a whole number ${allowed} (got ${text})`);
  }
  return v;
}

/** --spread-bps: the simulated full bid/ask spread around the mark, 0 to 1000 bps (default 2). */
export function spreadBpsFlag(text: string | undefined): number {
  const spreadBps = text === undefined ? 2 : Number(text);
  if (!(spreadBps >= 0 && spreadBps <= 1000))
    throw new UserError(`--spread-bps must be between 0 and 1000 (got ${text})`);
  return spreadBps;
}
