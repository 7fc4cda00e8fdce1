/** Display helpers. The API may carry decimals as JSON numbers or as strings (exact money); both read here. */

export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof v === 'bigint') return Number(v);
  return null;
}

/** The raw value as a string for `data-value` (tests compare these with the API), '' when absent. */
export function rawValue(v: unknown): string {
  const n = toNumber(v);
  return n === null ? '' : String(n);
}

export function fmtNumber(v: unknown, maxDigits = 4): string {
  const n = toNumber(v);
  if (n === null) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: maxDigits, minimumFractionDigits: 0 });
}

export function fmtPrice(v: unknown): string {
  const n = toNumber(v);
  if (n === null) return '—';
  const digits = Math.abs(n) >= 1000 ? 2 : Math.abs(n) >= 1 ? 4 : 6;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 2 });
}

/** Signed dollars; `digits` more than 2 for small amounts such as fees. */
export function fmtUsd(v: unknown, digits = 2): string {
  const n = toNumber(v);
  if (n === null) return '—';
  const text = Math.abs(n).toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 2,
  });
  const sign = n < 0 && text !== '0.00' ? '−' : n > 0 && text !== '0.00' ? '+' : '';
  return `${sign}$${text}`;
}

export function fmtPct(v: unknown, digits = 2): string {
  const n = toNumber(v);
  if (n === null) return '—';
  return `${n.toFixed(digits)}%`;
}

export function fmtTime(ts: unknown): string {
  const n = toNumber(ts);
  if (n === null) {
    if (typeof ts === 'string') {
      const d = new Date(ts);
      if (!Number.isNaN(d.getTime())) return d.toISOString().replace('T', ' ').slice(0, 19);
    }
    return '—';
  }
  const ms = n < 1e12 ? n * 1000 : n;
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Milliseconds since the epoch from seconds, milliseconds or an ISO string. */
export function toMs(ts: unknown): number | null {
  const n = toNumber(ts);
  if (n !== null) return n < 1e12 ? n * 1000 : n;
  if (typeof ts === 'string') {
    const t = Date.parse(ts);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function signClass(v: unknown): string {
  const n = toNumber(v);
  if (n === null || n === 0) return '';
  return n > 0 ? 'pos' : 'neg';
}

/**
 * A configuration value for reading: numbers rounded to 6 decimals (never a raw float such as
 * 0.30000000000000004), arrays joined with en dashes, objects as `key: value` pairs; absent → 'unset'.
 */
export function fmtValue(v: unknown): string {
  if (v === undefined || v === null) return 'unset';
  if (typeof v === 'number') return fmtNumber(v, 6);
  if (Array.isArray(v)) return v.map(fmtValue).join(' – ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${fmtValue(x)}`)
      .join(', ');
  }
  return String(v);
}

/** Decimals worth showing for a price of this size: 2 above 100, 4 above 1, else enough for 4 significant digits. */
export function priceDigits(price: number): number {
  const a = Math.abs(price);
  if (!(a > 0)) return 2;
  if (a >= 100) return 2;
  if (a >= 1) return 4;
  return Math.min(8, 3 - Math.floor(Math.log10(a)));
}
