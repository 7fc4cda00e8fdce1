/**
 * The streamed load's thread (streamed-load-worker.ts), which the `backtest` command starts ahead: as soon as its
 * arguments could ask for a streamed load, before the command's own modules are loaded and its config and files
 * read. A thread takes 80–120 ms to start on a 2-core machine (issue 17, twentieth round); started where the load
 * is decided, it was still starting when the run wanted its first rows, and the run waited 48–69 ms for it. The
 * load takes the thread started ahead (or starts one); a thread no load took is ended with the command.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// The CLI bundle points this at its own bundled copy of the worker (scripts/build-cli.ts, WORKER_ENTRIES).
const ENTRY = new URL('./streamed-load-worker.ts', import.meta.url);

/** Whether runs may stream their load: a second core, and not switched off (ZERO_PERPS_STREAMED_LOAD=0). */
export const streamedLoadWanted = (): boolean =>
  process.env.ZERO_PERPS_STREAMED_LOAD !== '0' &&
  process.env.ZERO_PERPS_RANGE_THREAD !== '0' &&
  availableParallelism() > 1;

let ahead: Worker | undefined;

/** A thread the process may exit without (the load keeps it only while it reads), its errors said elsewhere. */
function startThread(): Worker {
  const worker = new Worker(ENTRY);
  worker.unref();
  // a failure is said in the shared state; this only keeps an error from going unheard
  worker.on('error', () => {});
  return worker;
}

/** Flags that ask for no run. */
const NO_STREAM_FLAGS = ['--help', '-h'];

/**
 * Whether `backtest` arguments could ask for a streamed load: some data and none of NO_STREAM_FLAGS. Only a
 * guess made before they are parsed: the load decides (startStreamedLoad), and a thread it does not take is ended.
 */
export function mayStream(args: readonly string[]): boolean {
  const flag = (a: string): string => a.split('=', 1)[0] as string;
  return args.some((a) => flag(a) === '--data') && !args.some((a) => NO_STREAM_FLAGS.includes(flag(a)));
}

/**
 * Starts the thread ahead of a `backtest` whose arguments could ask for a streamed load (once); returns the thread
 * waiting for a load, if one is.
 */
export function startThreadAhead(args: readonly string[]): Worker | undefined {
  if (ahead === undefined && mayStream(args) && streamedLoadWanted()) ahead = startThread();
  return ahead;
}

/** The thread for a streamed load: the one started ahead, else a new one. */
export function takeStreamedLoadThread(): Worker {
  const worker = ahead ?? startThread();
  ahead = undefined;
  return worker;
}

/** Ends the thread started ahead if no load took it (a run that streamed nothing, or stopped before its load). */
export function endThreadAhead(): void {
  const worker = ahead;
  ahead = undefined;
  void worker?.terminate();
}
