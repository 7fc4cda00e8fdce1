/**
 * The worker side of range-thread.ts: loads the range code at once (while the caller is still reading its
 * files), then computes the one series it is sent. Any failure is flagged in the shared buffers, so the run's
 * thread, which may be blocked waiting for the next bars, stops with the reason instead of waiting on.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import type { BlendedRangeConfig } from './blended-range.ts';
import { yieldToTheRun } from './helper-thread.ts';
import type { RangeSeriesBuffers } from './range-series.ts';

const port = parentPort;
if (!port) throw new Error('range-thread-worker.ts runs only as a worker thread');
yieldToTheRun();
const loading = import('./range-series.ts');
// a failed load is reported when the series arrives (there is nowhere to flag it before)
loading.catch(() => {});

port.once(
  'message',
  async (m: { buffers: RangeSeriesBuffers; config: BlendedRangeConfig; errors: MessagePort }) => {
    // range-series.ts's layout: progress[0] bars done, progress[1] failed
    const fail = (message: string): void => {
      m.errors.postMessage({ message });
      Atomics.store(m.buffers.progress, 1, 1);
      Atomics.notify(m.buffers.progress, 0);
    };
    try {
      const { fillRangeSeries } = await loading;
      fillRangeSeries(m.buffers, m.config);
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
    m.errors.close();
  },
);
