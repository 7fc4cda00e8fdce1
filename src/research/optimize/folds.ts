/**
 * Walk-forward folds. The run's span is cut into K + 1 consecutive segments of equal time; fold k (1..K)
 * trains on segment k − 1 and tests on segment k. Every trial is backtested once per segment, each run
 * warmed up on the data just before it (no decisions, as the paper runner warms up), so a segment's result
 * does not depend on which fold reads it.
 */
export interface Segment {
  index: number;
  from: number;
  to: number;
  /** Events from here until `from` only prime the bot. */
  warmupFrom: number;
}

export interface Fold {
  fold: number;
  inSample: number;
  outOfSample: number;
}

export function segmentsOf(firstTs: number, lastTs: number, folds: number, warmupMs: number): Segment[] {
  const n = folds + 1;
  const span = lastTs - firstTs;
  const out: Segment[] = [];
  for (let i = 0; i < n; i++) {
    const from = firstTs + Math.round((span * i) / n);
    const to = i === n - 1 ? lastTs + 1 : firstTs + Math.round((span * (i + 1)) / n);
    out.push({ index: i, from, to, warmupFrom: Math.max(firstTs, from - warmupMs) });
  }
  return out;
}

export const foldsOf = (folds: number): Fold[] =>
  Array.from({ length: folds }, (_, i) => ({ fold: i + 1, inSample: i, outOfSample: i + 1 }));
