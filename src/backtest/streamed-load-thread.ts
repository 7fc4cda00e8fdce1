/**
 * The streamed load's thread (streamed-load-worker.ts), which the `backtest` command starts ahead: as soon as its
 * arguments could ask for a streamed load, before the command's own modules are loaded and its config and files
 * read. A thread takes 80–120 ms to start on a 2-core machine (issue 17, twentieth round); started where the load
 * is decided, it was still starting when the run wanted its first rows, and the run waited 48–69 ms for it. The
 * load takes the thread started ahead (or starts one); a thread no load took is ended with the command.
 *
 * With a single `--data` file that file is read ahead at once (read-ahead.ts), while the command's modules load: a
 * CSV by this thread (off it, into shared memory), Drift candle JSON counted by the thread; the load takes the
 * count with the thread.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import { parseFileArg } from './file-arg.ts';
import type { DecodeAheadRequest, ReadAhead, ReadAheadRequest } from './read-ahead.ts';
import { kindAhead, readCsvAhead } from './read-file-ahead.ts';

// The CLI bundle points this at its own bundled copy of the worker (scripts/build-cli.ts, WORKER_ENTRIES).
const ENTRY = new URL('./streamed-load-worker.ts', import.meta.url);

/** Whether runs may stream their load: a second core, and not switched off (ZERO_PERPS_STREAMED_LOAD=0). */
export const streamedLoadWanted = (): boolean =>
  process.env.ZERO_PERPS_STREAMED_LOAD !== '0' &&
  process.env.ZERO_PERPS_RANGE_THREAD !== '0' &&
  availableParallelism() > 1;

/** A load's thread, with the file it was asked to read ahead (its answer: undefined when it read none). */
export interface LoadThread {
  worker: Worker;
  readAhead?: Promise<ReadAhead | undefined>;
}

let ahead: LoadThread | undefined;

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

const flagOf = (a: string): string => a.split('=', 1)[0] as string;

/**
 * Whether `backtest` arguments could ask for a streamed load: some data and none of NO_STREAM_FLAGS. Only a
 * guess made before they are parsed: the load decides (startStreamedLoad), and a thread it does not take is ended.
 */
export function mayStream(args: readonly string[]): boolean {
  return args.some((a) => flagOf(a) === '--data') && !args.some((a) => NO_STREAM_FLAGS.includes(flagOf(a)));
}

/**
 * The `--data` values among unparsed arguments (`--data FILE` or `--data=FILE`). A guess as mayStream's: the read
 * ahead is used only for the file the load then opens (read-ahead.ts).
 */
export function dataValues(args: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('--data=')) values.push(a.slice('--data='.length));
    else if (a === '--data' && i + 1 < args.length) values.push(args[++i] as string);
  }
  return values;
}

/**
 * Starts the thread ahead of a `backtest` whose arguments could ask for a streamed load (once), asking it to read
 * the one `--data` file ahead when there is one; returns the thread waiting for a load (with its read ahead), if
 * one is.
 */
export function startThreadAhead(args: readonly string[]): LoadThread | undefined {
  if (ahead === undefined && mayStream(args) && streamedLoadWanted()) {
    const worker = startThread();
    const data = dataValues(args);
    ahead = {
      worker,
      readAhead: data.length === 1 ? readAheadFor(worker, parseFileArg(data[0] as string).path) : undefined,
    };
  }
  return ahead;
}

/**
 * A single file read ahead: a CSV by this thread (into memory the reading thread decodes it from), Drift candle
 * JSON counted by the reading thread; nothing for a file the load would not stream (read-ahead.ts).
 */
function readAheadFor(worker: Worker, path: string): Promise<ReadAhead | undefined> | undefined {
  const kind = kindAhead(path);
  if (kind === undefined) return undefined;
  if (kind.reader === 'drift-json') return askToReadAhead(worker, path);
  const decode = (bytes: Uint8Array): void => {
    const request: DecodeAheadRequest = { kind: 'decode-ahead', bytes };
    worker.postMessage(request);
  };
  return readCsvAhead(path, kind.reader, decode);
}

/**
 * Asks the thread to read `path` ahead: its answer, or undefined when it reads none or ends first. The answer's
 * port holds the process open until then (the thread itself does not), so awaiting it never ends the process.
 */
function askToReadAhead(worker: Worker, path: string): Promise<ReadAhead | undefined> {
  const { port1, port2 } = new MessageChannel();
  const request: ReadAheadRequest = { kind: 'read-ahead', path, reply: port2 };
  worker.postMessage(request, [port2]);
  return new Promise((resolve) => {
    const done = (answer: ReadAhead | undefined): void => {
      worker.off('exit', ended);
      port1.close();
      resolve(answer);
    };
    const ended = (): void => done(undefined);
    port1.once('message', done);
    worker.once('exit', ended);
  });
}

/** The thread for a streamed load: the one started ahead (with what it read ahead), else a new one. */
export function takeStreamedLoadThread(): LoadThread {
  const thread = ahead ?? { worker: startThread() };
  ahead = undefined;
  return thread;
}

/** Ends the thread started ahead if no load took it (a run that streamed nothing, or stopped before its load). */
export function endThreadAhead(): void {
  const thread = ahead;
  ahead = undefined;
  void thread?.worker.terminate();
}
