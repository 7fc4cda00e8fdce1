/**
 * JSON sources with line numbers. JSON.parse forgets where things were, so when a record is bad (or was
 * superseded) we find its line by scanning the text once; the scan runs only on those rare occasions.
 */
import { DataError } from './errors.ts';

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Offset of the first syntax error in a JSON text (a small recursive-descent check), or -1 when valid. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const fail = (): never => {
    throw i;
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };
  const str = (): void => {
    if (text.charCodeAt(i) !== 34) fail();
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      i += c === 92 ? 2 : 1;
    }
    fail();
  };
  const value = (): void => {
    ws();
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) {
      const close = c === 123 ? 125 : 93;
      i++;
      ws();
      if (text.charCodeAt(i) === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === 123) {
          ws();
          str();
          ws();
          if (text.charCodeAt(i) !== 58) fail();
          i++;
        }
        value();
        ws();
        const d = text.charCodeAt(i);
        if (d === close) {
          i++;
          return;
        }
        if (d !== 44) fail();
        i++;
      }
    }
    if (c === 34) {
      str();
      return;
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < n) fail();
    return -1;
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, n);
    throw at;
  }
}

/** JSON.parse with a DataError naming the file and the line of the first syntax error. */
export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const offset = jsonErrorOffset(text);
    const line = offset >= 0 ? lineAt(text, offset) : 1;
    const what =
      offset >= text.length ? 'unexpected end of the text' : `unexpected ${JSON.stringify(text[offset])}`;
    throw new DataError(
      file,
      line,
      `malformed JSON: ${offset >= 0 ? what : (err as Error).message.split('\n')[0]}`,
    );
  }
}

/** Start offsets of the elements of the top-level object's array property `key`, in order. */
export function arrayElementOffsets(text: string, key: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let depth = 0;
  let arrayDepth = -1;
  let expecting = false;
  let lastKey = '';
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 58) continue;
    if (depth === arrayDepth && expecting && c !== 44 && c !== 93) {
      out.push(i);
      expecting = false;
    }
    if (c === 34) {
      const start = i;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      if (depth === 1 && arrayDepth === -1) lastKey = text.slice(start + 1, i);
    } else if (c === 123 || c === 91) {
      depth++;
      if (c === 91 && depth === 2 && arrayDepth === -1 && lastKey === key) {
        arrayDepth = 2;
        expecting = true;
      }
    } else if (c === 125 || c === 93) {
      depth--;
      if (arrayDepth !== -1 && depth < arrayDepth) break;
    } else if (c === 44 && depth === arrayDepth) {
      expecting = true;
    }
  }
  return out;
}

/**
 * File lines of elements of the array `key` (by index); with `field`, the line of that property inside the
 * element (falling back to the element's first line when the property is absent).
 */
export function elementLines(text: string, key: string, indices: number[], field?: string): number[] {
  if (indices.length === 0) return [];
  const offsets = arrayElementOffsets(text, key);
  return indices.map((idx) => {
    const start = offsets[idx];
    if (start === undefined) return 1;
    if (field !== undefined) {
      const end = offsets[idx + 1] ?? text.length;
      const at = text.indexOf(`"${field}"`, start);
      if (at !== -1 && at < end) return lineAt(text, at);
    }
    return lineAt(text, start);
  });
}

/** A DataError pointing at element `index` of the array `key` (at `field` when given). */
export function recordError(
  file: string,
  text: string,
  key: string,
  index: number,
  reason: string,
  field?: string,
): DataError {
  return new DataError(file, elementLines(text, key, [index], field)[0], reason);
}
