/**
 * Shared helpers for the user-facing config schemas (risk limits, execution policy): numbers whose every
 * error message states the allowed range, and zod issues turned into one line per field a user can act on.
 */
import { z } from 'zod';

export interface NumberRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  int?: boolean;
}

/** "must be > 0 and ≤ 20", "must be an integer ≥ 1 and ≤ 32". */
export function describeRange(r: NumberRange): string {
  const parts: string[] = [];
  if (r.gt !== undefined) parts.push(`> ${r.gt}`);
  if (r.gte !== undefined) parts.push(`≥ ${r.gte}`);
  if (r.lt !== undefined) parts.push(`< ${r.lt}`);
  if (r.lte !== undefined) parts.push(`≤ ${r.lte}`);
  const kind = r.int ? 'an integer' : 'a number';
  return parts.length === 0
    ? `must be ${kind}`
    : `must be ${r.int ? 'an integer ' : ''}${parts.join(' and ')}`;
}

/** A finite number within the range; every failure (wrong type, out of range) carries the same message. */
export function boundedNumber(r: NumberRange): z.ZodNumber {
  const error = describeRange(r);
  let s = z.number({ error });
  if (r.int) s = s.int({ error });
  if (r.gt !== undefined) s = s.gt(r.gt, { error });
  if (r.gte !== undefined) s = s.gte(r.gte, { error });
  if (r.lt !== undefined) s = s.lt(r.lt, { error });
  if (r.lte !== undefined) s = s.lte(r.lte, { error });
  return s;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  // JSON would print NaN and Infinity (YAML's .nan, .inf) as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // Cyclic or too deeply nested for JSON: String() would overflow the stack too, so name the kind only.
    return Object.prototype.toString.call(v);
  }
};

/** One line per issue: `risk.maxLeverage: must be > 0 and ≤ 20 (got -1)`. */
export function formatIssues(prefix: string, issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `${field}.${k}: unknown field`).join('; ');
    }
    return `${field}: ${issue.message} (got ${show(valueAt(input, issue.path))})`;
  });
}
