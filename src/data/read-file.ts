import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DataError } from './errors.ts';

/** A path as users pass it: a string or a file: URL. */
export type DataPath = string | URL;

export function displayPath(path: DataPath): string {
  return typeof path === 'string' ? path : fileURLToPath(path);
}

/** Reads a whole data file as UTF-8 text (BOM stripped); a missing or unreadable file becomes a DataError. */
export async function readDataFile(path: DataPath): Promise<{ file: string; text: string }> {
  const file = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { file, text };
}
