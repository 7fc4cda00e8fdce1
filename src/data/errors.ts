/**
 * The one error every loader throws for bad input. The message is `FILE:LINE: reason` so editors and terminals
 * can jump to the place; line 0 means the file itself could not be read (missing, unreadable).
 */
export class DataError extends Error {
  readonly file: string;
  /** 1-based line in the file; 0 when the file could not be read at all. */
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'DataError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
