/**
 * A file read through a window that moves forward: the bytes from the last `release` point on, read from disk as a
 * reader asks past them (issue 17: a year of Drift candle JSON is ~200 MB, which a load that reads it a piece at a
 * time need never hold whole). Reads are synchronous: the parse that asks is.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

const CLOSE = Uint8Array.of(125);

/** `same` compares this many bytes one by one before it asks Buffer.compare for the rest. */
const SAME_HEAD = 64;
/** Bytes read from disk at a time (at least: a read asked further reads that far). */
const READ_BYTES = 4 << 20;
/** The first read's size (a format's opening fits in it). */
const FIRST_READ_BYTES = 64 << 10;

export class FileWindow {
  readonly length: number;
  readonly #fd: number;
  #buf: Buffer = Buffer.alloc(0);
  /** The file offset of #buf[0]. */
  #start = 0;
  /** The file offset just past the bytes in #buf. */
  #end = 0;

  readonly #path: string | URL;
  readonly #readBytes: number;

  /** Opens `path` (the caller has checked it is a regular file); close it when done. */
  constructor(path: string | URL, readBytes = READ_BYTES) {
    this.#path = path;
    this.#fd = openSync(path, 'r');
    const info = fstatSync(this.#fd);
    if (info.isDirectory()) {
      // a directory opens on Linux and fails at the first read: fail here, as reading the file whole does
      closeSync(this.#fd);
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
    }
    this.length = info.size;
    this.#readBytes = readBytes;
  }

  close(): void {
    closeSync(this.#fd);
    this.#buf = Buffer.alloc(0);
  }

  /** The byte at file offset i (not before the release point); −1 past the end. */
  code(i: number): number {
    if (i >= this.length) return -1;
    if (i >= this.#end) this.#fill(i + 1);
    return this.#buf[i - this.#start] as number;
  }

  /** The file offset of the next `}` at or after `at`, −1 when none. */
  nextClose(at: number): number {
    return this.indexOf(CLOSE, at);
  }

  /** The file offset of the next `needle` at or after `at`, −1 when none. */
  indexOf(needle: Uint8Array, at: number): number {
    let from = at;
    for (;;) {
      const filled = this.#end - this.#start;
      if (from - this.#start + needle.length <= filled) {
        // the buffer past `filled` holds nothing of the file: a match there is not one
        const k = this.#buf.indexOf(needle, from - this.#start);
        if (k !== -1 && k + needle.length <= filled) return this.#start + k;
      }
      if (this.#end >= this.length) return -1;
      // a match may start in the last needle.length − 1 bytes read
      from = Math.max(from, this.#end - needle.length + 1);
      this.#fill(this.#end + 1);
    }
  }

  /**
   * The file's bytes [from, to) as a view of the window (no copy): read it before asking the window anything
   * else, which may move or replace what it views.
   */
  bytes(from: number, to: number): Uint8Array {
    const end = Math.min(to, this.length);
    if (end > this.#end) this.#fill(end);
    return this.#buf.subarray(from - this.#start, end - this.#start);
  }

  /** Whether the file's bytes [a, a + n) and [b, b + n) are the same (a < b; neither before the release point). */
  same(a: number, b: number, n: number): boolean {
    if (b + n > this.length) return false;
    if (b + n > this.#end) this.#fill(b + n);
    const buf = this.#buf;
    const i = a - this.#start;
    const j = b - this.#start;
    // most pairs differ in their first bytes (two records' times): a byte loop finds that sooner than the call
    const head = Math.min(n, SAME_HEAD);
    for (let k = 0; k < head; k++) if (buf[i + k] !== buf[j + k]) return false;
    return n === head || buf.compare(buf, j + head, j + n, i + head, i + n) === 0;
  }

  /** The UTF-8 text of the file's bytes [from, to). */
  text(from: number, to: number): string {
    const end = Math.min(to, this.length);
    if (end > this.#end) this.#fill(end);
    return this.#buf.toString('utf8', from - this.#start, end - this.#start);
  }

  /** The whole file's UTF-8 text, read again from disk (what went before the release point is gone). */
  whole(): string {
    return readFileSync(this.#path).toString('utf8');
  }

  /** Bytes before file offset `before` are not asked for again: their memory may go. */
  release(before: number): void {
    const drop = Math.min(before, this.#end) - this.#start;
    // moved down only when it frees a good part of the window (a copy per piece would cost more than it keeps)
    if (drop < this.#buf.length / 2 || drop <= 0) return;
    this.#buf.copy(this.#buf, 0, drop, this.#end - this.#start);
    this.#start += drop;
  }

  /**
   * Reads on until the window reaches file offset `to` (and READ_BYTES more, up to the end). The first read is
   * short: a loader looking at a file's first bytes to tell its format then reads the whole file another way.
   */
  #fill(to: number): void {
    const ahead = this.#end === 0 ? Math.min(this.#readBytes, FIRST_READ_BYTES) : this.#readBytes;
    const want = Math.min(this.length, Math.max(to, this.#end + ahead));
    const need = want - this.#start;
    if (need > this.#buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
      this.#buf.copy(grown, 0, 0, this.#end - this.#start);
      this.#buf = grown;
    }
    while (this.#end < want) {
      const n = readSync(this.#fd, this.#buf, this.#end - this.#start, want - this.#end, this.#end);
      if (n === 0) {
        // a file cut short while read: an I/O fault to the caller (which then reads the file whole, as it is now)
        const why = `the file ended at ${this.#end} bytes of ${this.length} (it changed while read)`;
        throw Object.assign(new Error(why), { code: 'EFILECHANGED' });
      }
      this.#end += n;
    }
  }
}
