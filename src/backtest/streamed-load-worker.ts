/**
 * The thread side of a streamed load (streamed-load.ts): decodes the file's bytes, parses the rows into the
 * shared columns with the generic CSV reader, and computes the grid's blended range of each chunk of rows before
 * publishing it. Loads its code at once, while the run's thread is still reading the file. Whatever happens is
 * said in the shared state and, with its details, on the port: the run's thread may be blocked waiting for rows.
 *
 * Before its job it may be asked to read a file ahead (read-ahead.ts): it answers with the count, then decodes a
 * CSV's text while the run's thread prepares the job, which then names that file instead of handing over its bytes
 * (a Drift candle file is only counted: the job reads it a piece at a time, as before). Or, for a CSV the run's
 * thread read itself, to decode its bytes (shared memory) while that thread counts them.
 */
import { parentPort } from 'node:worker_threads';
import { decodeDataText } from '../data/read-file.ts';
import { yieldToTheRun } from '../marketdata/helper-thread.ts';
import type { DecodeAheadRequest, ReadAheadRequest } from './read-ahead.ts';
import { readFileAhead } from './read-file-ahead.ts';
import type { StreamedLoadJob } from './streamed-parse.ts';

const port = parentPort;
if (!port) throw new Error('streamed-load-worker.ts runs only as a worker thread');
yieldToTheRun();
const loading = import('./streamed-parse.ts');
// a failed load is reported when the job arrives (there is nowhere to flag it before)
loading.catch(() => {});

/** The text of the file read ahead, kept for the job. */
let aheadText: string | undefined;

/**
 * Decodes a file read ahead and keeps its text for the job. A text that cannot be made (longer than a string may
 * be) is left out: the job then ends at once with an error, and the run loads the usual way.
 */
function keepText(bytes: Uint8Array): void {
  try {
    aheadText = decodeDataText(bytes);
  } catch {
    aheadText = undefined;
  }
}

const onMessage = (message: StreamedLoadJob | ReadAheadRequest | DecodeAheadRequest): void => {
  if ('kind' in message && message.kind === 'decode-ahead') {
    // a CSV the run's thread read ahead (shared memory): decoded while that thread counts its rows
    keepText(message.bytes);
    return;
  }
  if ('kind' in message && message.kind === 'read-ahead') {
    const read = readFileAhead(message.path);
    message.reply.postMessage(read?.ahead);
    message.reply.close();
    // decoded after the answer: the run's thread goes on meanwhile
    if (read?.bytes !== undefined) keepText(read.bytes);
    return;
  }
  (port as NonNullable<typeof port>).off('message', onMessage);
  const text = aheadText;
  aheadText = undefined;
  void runJob(message as StreamedLoadJob, text);
};
port.on('message', onMessage);

async function runJob(job: StreamedLoadJob, text: string | undefined): Promise<void> {
  try {
    const { runStreamedParse } = await loading;
    runStreamedParse(job, text);
  } catch (err) {
    // the parse reports its own ends; this is its code failing to load. streamed-columns.ts's layout:
    // state[1] = 2 (failed), then wake the reader waiting on state[0]
    job.port.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    Atomics.store(job.buffers.state, 1, 2);
    Atomics.notify(job.buffers.state, 0);
  }
  job.port.close();
}
