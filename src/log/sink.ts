/**
 * Where the runner's log lines go: stdout (pretty when stdout is a terminal, JSON lines otherwise) and,
 * with `--log-file`, a file that always gets JSON lines (appended).
 *
 * Nothing here writes synchronously on the event loop, which also runs the bots and the API:
 * - stdout goes through `process.stdout`, as before pino: Node buffers a pipe whose reader is slow. (pino's
 *   synchronous fd writer sleeps 100 ms on every EAGAIN of a non-blocking pipe: 5,000 lines to a pipe whose
 *   reader paused for 1 s blocked the event loop for 1.7 s that way, 44 ms this way.)
 * - the file is written asynchronously (sonic-boom, libuv's thread pool): a synchronous write() can wait seconds
 *   when the kernel throttles writers of a busy disk, and the API stopped answering for that long.
 * `close()` flushes what is buffered and closes the file (the runner awaits it before exiting).
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import pretty from 'pino-pretty';
import { pinoOptions } from './logger.ts';

export interface LogSinkOptions {
  /** Pretty lines on stdout; default: whether stdout is a terminal. */
  pretty?: boolean;
  /** A file to append JSON lines to (check it first with logFileProblem for a clear message). */
  file?: string;
  /** Where stdout lines go (tests); default the process's stdout. */
  stdout?: NodeJS.WritableStream;
}

export interface LogSink {
  root: pino.Logger;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export function openLogSink(o: LogSinkOptions = {}): LogSink {
  const isTty = o.pretty ?? Boolean(process.stdout.isTTY);
  const stdout = o.stdout ?? process.stdout;
  const out: pino.DestinationStream = isTty
    ? pretty({
        destination: stdout,
        colorize: o.stdout === undefined,
        translateTime: 'SYS:HH:MM:ss.l',
        timestampKey: 'ts',
        messageKey: 'msg',
        ignore: 'botId,cid,category',
        messageFormat: '{botId} {category}{if cid} [{cid}]{end} {msg}',
        singleLine: true,
      })
    : { write: (line: string) => stdout.write(line) };
  let file: ReturnType<typeof pino.destination> | undefined;
  const streams: pino.StreamEntry[] = [{ level: 'debug', stream: out }];
  if (o.file !== undefined) {
    const problem = logFileProblem(o.file);
    if (problem) throw new Error(problem);
    // Opened here (synchronously: a failure is an error now, not an event later); sonic-boom closes it.
    file = pino.destination({ fd: openSync(o.file, 'a'), sync: false });
    streams.push({ level: 'debug', stream: file });
  }
  const root = pino(pinoOptions(), pino.multistream(streams));
  return {
    root,
    close: () =>
      new Promise<void>((resolve) => {
        const f = file;
        file = undefined;
        if (f === undefined) return resolve();
        f.once('close', () => resolve());
        f.once('error', () => resolve());
        f.end();
      }),
  };
}

/**
 * Why `path` cannot take log lines, as one sentence naming the flag; undefined when it can (the file is
 * then created if it was missing).
 */
export function logFileProblem(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) {
      return `--log-file ${path} is a directory; give a file path (e.g. ${path.replace(/\/$/, '')}/zero-perps.log)`;
    }
  } catch {
    // does not exist yet: opening it below says whether it can be created
  }
  try {
    closeSync(openSync(path, 'a'));
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `--log-file ${path}: the folder ${dirname(path)} does not exist`;
    if (code === 'EACCES' || code === 'EPERM') return `--log-file ${path}: permission denied`;
    if (code === 'EROFS') return `--log-file ${path}: the file system is read-only`;
    if (code === 'ENOTDIR') return `--log-file ${path}: a part of the path is not a folder`;
    if (code === 'EISDIR') return `--log-file ${path} is a directory; give a file path`;
    return `--log-file ${path}: cannot open it (${code ?? (err as Error).message})`;
  }
}
