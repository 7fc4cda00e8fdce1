/** Reading typed values out of parsed JSON records, with errors that point at the record's line. */
import { DataError } from './errors.ts';
import { recordError } from './json-source.ts';

/** Where a JSON record sits, so a bad value can be reported as FILE:LINE. */
export interface JsonRecordRef {
  file: string;
  text: string;
  arrayKey: string;
  index: number;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The top-level array property `key` of a parsed JSON document, or a DataError saying what was expected. */
export function topLevelArray(file: string, root: unknown, key: string, format: string): unknown[] {
  const arr = isRecord(root) ? root[key] : undefined;
  if (!Array.isArray(arr)) {
    throw new DataError(file, 1, `not a ${format} file: expected an object with a "${key}" array`);
  }
  return arr;
}

/** A number given as a JSON number or as decimal text; anything else (missing, empty, NaN) fails. */
export function jsonNumber(ref: JsonRecordRef, rec: Record<string, unknown>, key: string): number {
  const raw = rec[key];
  const v =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (Number.isFinite(v)) return v;
  const reason =
    raw === undefined
      ? `field "${key}" is missing`
      : raw === '' || raw === null
        ? `field "${key}" is empty`
        : `field "${key}" is not a number: ${JSON.stringify(raw)}`;
  throw recordError(ref.file, ref.text, ref.arrayKey, ref.index, reason, raw === undefined ? undefined : key);
}

/** An integer given as digits (possibly signed) or a safe JSON integer, exactly, as a bigint. */
export function jsonBigInt(ref: JsonRecordRef, rec: Record<string, unknown>, key: string): bigint {
  const raw = rec[key];
  if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return BigInt(raw.trim());
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  const reason =
    raw === undefined
      ? `field "${key}" is missing`
      : `field "${key}" is not an integer: ${JSON.stringify(raw)}`;
  throw recordError(ref.file, ref.text, ref.arrayKey, ref.index, reason, raw === undefined ? undefined : key);
}
