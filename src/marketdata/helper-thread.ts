/**
 * The priority of a thread that computes ahead of a backtest (the range thread, a streamed load's reader): five
 * steps below the run's (nice +5), on Linux, where a thread has its own nice value.
 *
 * Why: on a machine of two cores such a thread shares the second core with V8's compiler threads, and a run's
 * first hundred thousand bars go as fast as its code gets compiled. Measured on the CLI's year (docs/backtest.md,
 * eighteenth round): the streamed load's thread at +5 took ~5% off the run's wall time against +0. At +5 the
 * thread still has about a quarter of a core against a busy thread of the run's priority, and the run's thread
 * only ever waits for it blocked (Atomics.wait), which leaves the core to it: a loaded machine slows the run, as
 * it would anyway, but never stops it.
 */
import { getPriority, setPriority } from 'node:os';

const STEPS_BELOW_THE_RUN = 5;
/** The lowest priority a thread can have. */
const LOWEST = 19;

/** Lowers the calling thread's priority (a no-op off Linux, where the call would reach the whole process). */
export function yieldToTheRun(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, Math.min(LOWEST, getPriority(0) + STEPS_BELOW_THE_RUN));
  } catch {
    // not allowed here (a sandbox without the call): the thread runs at the run's priority
  }
}
