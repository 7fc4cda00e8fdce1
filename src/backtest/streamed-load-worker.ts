/**
 * The thread side of a streamed load (streamed-load.ts): decodes the file's bytes, parses the rows into the
 * shared columns with the generic CSV reader, and computes the grid's blended range of each chunk of rows before
 * publishing it. Loads its code at once, while the run's thread is still reading the file. Whatever happens is
 * said in the shared state and, with its details, on the port: the run's thread may be blocked waiting for rows.
 */
import { parentPort } from 'node:worker_threads';
import { yieldToTheRun } from '../marketdata/helper-thread.ts';
import type { StreamedLoadJob } from './streamed-parse.ts';

const port = parentPort;
if (!port) throw new Error('streamed-load-worker.ts runs only as a worker thread');
yieldToTheRun();
const loading = import('./streamed-parse.ts');
// a failed load is reported when the job arrives (there is nowhere to flag it before)
loading.catch(() => {});

port.once('message', async (job: StreamedLoadJob) => {
  try {
    const { runStreamedParse } = await loading;
    runStreamedParse(job);
  } catch (err) {
    // the parse reports its own ends; this is its code failing to load. streamed-columns.ts's layout:
    // state[1] = 2 (failed), then wake the reader waiting on state[0]
    job.port.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    Atomics.store(job.buffers.state, 1, 2);
    Atomics.notify(job.buffers.state, 0);
  }
  job.port.close();
});
