/**
 * Exact conversions between domain values and what the database stores.
 *
 * - Money and sizes: domain bigints in Drift precisions are stored as `numeric(38,d)` in natural units (USDC,
 *   SOL, USD per SOL) with d = the precision's decimals, so SQL reads naturally (`sum(fee)` is USDC) and the
 *   conversion is text ↔ bigint, never through a float.
 * - Times: epoch ms ↔ timestamptz.
 * - jsonb: bigints inside payloads become strings "<digits>n" (exact, readable in SQL); a real string of that
 *   shape is escaped with a leading "~" so decoding is unambiguous.
 */
import { formatInt } from '../domain/precision.ts';

/** bigint at `decimals` places → decimal text for a numeric column. */
export function toDbDecimal(value: bigint, decimals: number): string {
  return formatInt(value, decimals);
}

const DB_DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Decimal text from a numeric column → bigint at `decimals` places. Throws when the text carries more
 * fractional digits than the precision holds: that would mean a column with the wrong scale, and silently
 * truncating money is worse than failing loudly.
 */
export function fromDbDecimal(text: string, decimals: number): bigint {
  const m = DB_DECIMAL_RE.exec(text);
  if (!m) throw new Error(`expected a decimal number from the database, got "${text}"`);
  const [, sign, int, frac = ''] = m;
  const trimmed = frac.replace(/0+$/, '');
  if (trimmed.length > decimals) {
    throw new Error(
      `"${text}" has more than ${decimals} decimals; the column's scale does not fit its value`,
    );
  }
  const v = BigInt(int + trimmed.padEnd(decimals, '0'));
  return sign ? -v : v;
}

/** Epoch ms → ISO text for a timestamptz parameter (exact to the millisecond). */
export function toDbTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new Error(`invalid timestamp ${ms}`);
  return new Date(ms).toISOString();
}

/** A timestamptz value as either driver returns it → epoch ms. */
export function fromDbTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value);
  throw new Error(`expected a timestamp from the database, got ${typeof value}`);
}

/** An int8/numeric integer as text → number, refusing values a double cannot hold exactly. */
export function toSafeNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`expected a safe integer from the database, got ${value}`);
  return n;
}

const BIGINT_TEXT_RE = /^-?\d+n$/;
const ESCAPED_RE = /^~+-?\d+n$/;

/** Any JSON-able value (bigints allowed anywhere) → JSON text for a jsonb parameter. */
export function encodeJson(value: unknown): string {
  const text: string | undefined = JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'string' && (BIGINT_TEXT_RE.test(v) || ESCAPED_RE.test(v))) return `~${v}`;
    return v;
  });
  // undefined (or a function) has no JSON form; store null rather than produce invalid JSON.
  return text ?? 'null';
}

/** A parsed jsonb value → the value `encodeJson` was given (bigints revived, escapes undone). */
export function decodeJson<T = unknown>(value: unknown): T {
  return revive(value) as T;
}

function revive(v: unknown): unknown {
  if (typeof v === 'string') {
    if (BIGINT_TEXT_RE.test(v)) return BigInt(v.slice(0, -1));
    if (ESCAPED_RE.test(v)) return v.slice(1);
    return v;
  }
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty, not assignment: a "__proto__" key from the database must stay a plain key.
    for (const [k, inner] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: revive(inner),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}
