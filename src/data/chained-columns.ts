/**
 * One market's bar columns from several files that follow one another in time — a year downloaded a month at a
 * time — joined by column, without turning them into candles (issue 17: a year as twelve monthly Drift files was
 * half a million Candle objects at the merge, 522–539 MiB at the peak).
 *
 * What the merge would make of them otherwise (merge.ts): the parts' candles concatenated in input order, sorted
 * stably by time and de-duplicated (normalizeSeries: of two candles at one time the later input's stands; an equal
 * one is dropped). Each part arrives sorted and without repeats (a loader's series), so when every part starts
 * after the part before it ends, or at its last time — the candle at a window's end that the next download begins
 * with — nothing moves in that sort, and the de-duplication only ever meets those boundary pairs: the later part's
 * candle stands there, and the columns are the parts' rows end to end with the earlier part's last row left out
 * at each such boundary. Any other overlap: undefined (the caller merges through candles).
 */
import { BarColumns, OPTIONAL, type OptionalField } from './bar-columns.ts';

/** The parts joined end to end (see the module comment), or undefined when they do not follow one another so. */
export function chainedColumns(parts: readonly BarColumns[]): BarColumns | undefined {
  // the rows taken of each part: [0, end[k])
  const ends = parts.map((p) => p.length);
  let last = Number.NEGATIVE_INFINITY;
  let before = -1;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] as BarColumns;
    if (p.length === 0) continue;
    const first = p.ts[0] as number;
    if (first === last) {
      // the later part's candle stands at a shared time; a part left empty by it: merge the usual way
      ends[before] = (ends[before] as number) - 1;
      if (ends[before] === 0) return undefined;
    } else if (!(first > last)) return undefined;
    last = p.ts[p.length - 1] as number;
    before = k;
  }
  return joined(parts, ends);
}

/** Rows [0, ends[k]) of each part, end to end; an optional column where any part has one (NaN elsewhere). */
function joined(parts: readonly BarColumns[], ends: readonly number[]): BarColumns {
  const length = ends.reduce((a, b) => a + b, 0);
  const base = {
    ts: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
  const optional: Partial<Record<OptionalField, Float64Array>> = {};
  for (const f of OPTIONAL) {
    if (parts.some((p) => p.optional[f] !== undefined))
      optional[f] = new Float64Array(length).fill(Number.NaN);
  }
  const stale = parts.some((p) => p.oracleStale !== undefined) ? new Uint8Array(length) : undefined;
  let at = 0;
  parts.forEach((p, k) => {
    const n = ends[k] as number;
    for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
      base[c].set(p[c].subarray(0, n), at);
    for (const f of OPTIONAL) {
      const col = p.optional[f];
      if (col !== undefined) optional[f]?.set(col.subarray(0, n), at);
    }
    if (p.oracleStale !== undefined) stale?.set(p.oracleStale.subarray(0, n), at);
    at += n;
  });
  return new BarColumns({ length, ...base, optional, oracleStale: stale });
}
