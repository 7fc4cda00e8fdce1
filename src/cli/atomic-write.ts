/**
 * Files the commands write (configs, reports) go to a temporary file beside the target and are renamed over
 * it once complete: a full disk or a crash leaves the old file or none, never a truncated one.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './user-error.ts';

/** What a user reads when a file cannot be written: the path and the reason, no stack. */
export function writeProblem(path: string, err: unknown): UserError {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOENT: 'no such folder, and it cannot be created there',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
  };
  return new UserError(`cannot write ${path}: ${why[e.code ?? ''] ?? e.message}`);
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdir loops for ever where a parent exists but refuses
 * children with ENOENT (procfs, e.g. --out /proc/x): here that is an error like any other. Returns the folders
 * it made, outermost first.
 */
export function makeFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
  return missing;
}

/**
 * `data` may be the whole text or its chunks in order (a report streamed as it is formatted, so a year of bars
 * never sits in memory as one string).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const writeAll = (bytes: Uint8Array): void => {
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      };
      if (typeof data === 'string') writeAll(Buffer.from(data));
      else if (data instanceof Uint8Array) writeAll(data);
      else writeChunks(data, writeAll);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeProblem(path, err);
  }
}

/**
 * Chunks encoded into one reused buffer and written from it: a fresh Buffer per write left ~150 MB of dead
 * off-heap buffers behind a year's report before the collector came round, and the peak RSS with them.
 */
function writeChunks(chunks: Iterable<string>, writeAll: (bytes: Uint8Array) => void): void {
  let buf = Buffer.allocUnsafe(4 << 20);
  let used = 0;
  for (const c of chunks) {
    const need = Buffer.byteLength(c);
    if (used + need > buf.length) {
      writeAll(buf.subarray(0, used));
      used = 0;
      if (need > buf.length) buf = Buffer.allocUnsafe(need);
    }
    used += buf.write(c, used);
  }
  if (used > 0) writeAll(buf.subarray(0, used));
}
