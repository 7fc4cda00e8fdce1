/**
 * V8 settings for the long runs (a backtest, the runner).
 *
 * Both: allocation-site pretenuring off. V8 watches where objects are allocated, and when most objects from
 * one site survive, it starts allocating that site's objects straight into the old generation, where only a
 * full collection frees them. Our long runs first load data that lives for the whole run (a year of bars, a
 * week of range samples per market), then make short-lived objects per bar at many of the same sites; once
 * pretenured, those piled up as old garbage. Measured (docs/backtest.md "Speed", docs/runner.md "Capacity"): a
 * generated year's backtest peaked at 0.9–1.1 GiB in about half the runs against ~0.53 GiB in every run with it
 * off; 1,000 paper bots held 577–612 MiB against 425–451 MiB, with the slowest bars (p99) 137 ms against
 * 115–129 ms. Speed was unchanged otherwise. The flag is read at each collection, so setting it at the start of
 * a command is enough.
 *
 * The runner also caps its young generation and collects its old one sooner (runnerHeap, docs/runner.md
 * "Capacity"): a fleet's bar allocates ~28 MiB (1,000 bots), and with Node's defaults the young generation grew
 * to 64 MiB semi-spaces (128 MiB committed) while the old one filled to ~4× its live size before a full
 * collection. RSS stays at the high-water mark of both, 380–430 MiB for 1,000 bots; with 16 MiB semi-spaces and
 * the old generation grown by 30% over its live size, 250–275 MiB when chosen, 283–302 MiB later (the bots hold
 * more now); with 8 MiB semi-spaces 266–276 MiB, the slowest bars (p99) 54–60 ms against 46–58 (docs/runner.md,
 * "Issue 17, eighteenth round").
 */
import { setFlagsFromString } from 'node:v8';

export function quietOldGeneration(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}

/** The young generation's semi-space size: V8 reads it only when the process starts. */
export const RUNNER_SEMI_SPACE_FLAG = '--max-semi-space-size=8';
/** Old-generation growth before the next full collection (V8 reads it at each collection). */
const RUNNER_HEAP_GROWING_FLAG = '--heap-growing-percent=30';

/**
 * The runner's heap: the settings above, and when the process was started without a semi-space size it re-runs
 * itself with one (execve: the same process id, stdio and environment, so signals and supervisors see no
 * difference; before anything else is opened). Where it cannot (Bun, Windows) it runs with V8's default.
 * The re-run also gets one malloc arena (runnerRestartEnv).
 */
export function runnerHeap(): void {
  quietOldGeneration();
  setFlagsFromString(RUNNER_HEAP_GROWING_FLAG);
  const args = runnerRestartArgs(process.execArgv, process.argv, process.env.NODE_OPTIONS);
  if (args === undefined || process.versions.bun !== undefined || process.platform === 'win32') return;
  process.execve?.(process.execPath, [process.execPath, ...args], runnerRestartEnv(process.env));
}

/**
 * The environment of the re-run: as given, with MALLOC_ARENA_MAX=1 unless the user set it. glibc gives each
 * thread that allocates its own arena, and V8's garbage-collection helper threads allocate their work lists
 * there; freed memory stays in those arenas. For 1,000 paper bots that was ~15 MiB of RSS (299 → 284 MiB,
 * mean of three runs each) with no change in bar times (docs/runner.md, "Issue 17, sixth round"). Other C
 * libraries ignore the variable.
 */
export function runnerRestartEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.MALLOC_ARENA_MAX === undefined ? { ...env, MALLOC_ARENA_MAX: '1' } : env;
}

/**
 * The arguments (after the node executable) to re-run this process with the runner's semi-space size, or
 * undefined when a semi-space size is already given (ours, or the user's own on the command line or in
 * NODE_OPTIONS: theirs wins).
 */
export function runnerRestartArgs(
  execArgv: readonly string[],
  argv: readonly string[],
  nodeOptions: string | undefined,
): string[] | undefined {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) =>
    a.replaceAll('_', '-').startsWith('--max-semi-space-size'),
  );
  return given ? undefined : [...execArgv, RUNNER_SEMI_SPACE_FLAG, ...argv.slice(1)];
}
