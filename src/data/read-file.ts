import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DataError } from './errors.ts';
import { FileWindow } from './file-window.ts';

/** A path as users pass it: a string or a file: URL. */
export type DataPath = string | URL;

export function displayPath(path: DataPath): string {
  return typeof path === 'string' ? path : fileURLToPath(path);
}

/** "a FIFO", "a character device", … for messages about files that are not regular files. */
export function kindOf(info: import('node:fs').Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** Reads a whole data file as UTF-8 text (BOM stripped); a missing or unreadable file becomes a DataError. */
export async function readDataFile(path: DataPath): Promise<{ file: string; text: string }> {
  const file = displayPath(path);
  let text = await readChecked(file, path, readText);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { file, text };
}

/**
 * Reads a whole data file as bytes (a streamed load decodes them on its own thread: decodeDataText), with the
 * same checks and errors as readDataFile.
 */
export async function readDataBytes(path: DataPath): Promise<{ file: string; bytes: Buffer }> {
  const file = displayPath(path);
  return { file, bytes: await readChecked(file, path, (p) => readFile(p)) };
}

/** The text of a data file's bytes, as readDataFile gives it (UTF-8, BOM stripped). */
export function decodeDataText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A data file opened for reading through a window (file-window.ts), with the same checks and errors as
 * readDataFile; close the window when done.
 */
export async function openDataWindow(path: DataPath): Promise<{ file: string; window: FileWindow }> {
  const file = displayPath(path);
  return { file, window: await readChecked(file, path, async (p) => new FileWindow(p)) };
}

/** `read` of a regular file; a missing or unreadable one (or a FIFO, a device…) becomes a DataError. */
async function readChecked<T>(
  file: string,
  path: DataPath,
  read: (path: DataPath) => Promise<T>,
): Promise<T> {
  try {
    // Only a regular file: reading a FIFO or a device (/dev/stdin) would wait for a writer that never comes.
    const info = await stat(path);
    if (!info.isFile() && !info.isDirectory()) {
      throw new DataError(file, 0, `is ${kindOf(info)}, not a data file; pass a regular file`);
    }
    return await read(path);
  } catch (err) {
    if (err instanceof DataError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a data file'
          : code === 'EACCES'
            ? 'permission denied reading the file'
            : `cannot read the file (${(err as Error).message})`;
    throw new DataError(file, 0, reason);
  }
}

/**
 * The file's text, decoded in one piece on Node: readFile(path, 'utf8') decodes chunk by chunk into a string of
 * joined parts there, and every character a parser then reads goes through the joins (the year's parse took
 * ~25% longer). Bun decodes a whole file at once anyway, and decoding a Buffer instead held ~100 MiB more at
 * the year's peak, so Bun reads as before.
 */
async function readText(path: DataPath): Promise<string> {
  if (process.versions.bun !== undefined) return readFile(path, 'utf8');
  return (await readFile(path)).toString('utf8');
}
