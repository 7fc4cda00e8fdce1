/**
 * report.json text: deterministic (key order fixed by construction, numbers as JS prints them) and readable —
 * one timeline row or fill per line, so a diff of two runs points at the bar that differs.
 *
 * The text comes out in chunks (`reportChunks`) so a year of bars is written as it is formatted, never held as
 * one ~150 MB string; the timeline rows are formatted straight from its columns, with the same bytes
 * JSON.stringify gives a row object (the report-identity test holds this).
 */
import type { BacktestReport } from './report-types.ts';
import { TIMELINE_COLUMNS, type Timeline } from './timeline.ts';

/**
 * Rows per chunk: a chunk's text (~300 bytes a row) must stay under V8's large-object size (128 KiB). A larger
 * string is allocated straight into the old generation and freed only by a full collection, so 2,048-row chunks
 * piled ~150 MB of dead text onto a year's peak memory while the report was written.
 */
const ROWS_PER_CHUNK = 256;

/** A number as JSON prints it (NaN and ±Infinity as null; NaN also stands for a null figure in the columns). */
const num = (v: number): string => (Number.isFinite(v) ? `${v}` : 'null');

function* rowChunks(items: readonly unknown[]): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield '[\n';
  for (let i = 0; i < items.length; i += ROWS_PER_CHUNK) {
    const end = Math.min(items.length, i + ROWS_PER_CHUNK);
    let s = '';
    for (let k = i; k < end; k++) s += `    ${JSON.stringify(items[k])}${k + 1 < items.length ? ',\n' : ''}`;
    yield s;
  }
  yield '\n  ]';
}

/**
 * A column's numbers as text, remembering the last one: collateral, position, order counts and health repeat
 * for long stretches of bars, and number formatting is most of the writer's time.
 */
function columnText(values: Float64Array): (k: number) => string {
  let last = Number.NaN;
  let text = 'null';
  return (k) => {
    const v = values[k];
    if (v !== last) {
      last = v;
      text = num(v);
    }
    return text;
  };
}

function* timelineChunks(t: Timeline): Generator<string> {
  const n = t.length;
  if (n === 0) {
    yield '[]';
    return;
  }
  // TIMELINE_COLUMNS is report.json's key order; the names below follow it.
  const [
    ts,
    mark,
    oracle,
    base,
    collateral,
    equity,
    leverage,
    health,
    liq,
    bids,
    asks,
    bidBase,
    askBase,
    lo,
    hi,
  ] = TIMELINE_COLUMNS.map((c) => columnText(t.column(c)));
  const hasRange = t.hasRange;
  yield '[\n';
  for (let i = 0; i < n; i += ROWS_PER_CHUNK) {
    const end = Math.min(n, i + ROWS_PER_CHUNK);
    let s = '';
    for (let k = i; k < end; k++) {
      s += `    {"ts":${ts(k)},"mark":${mark(k)},"oracle":${oracle(k)},"base":${base(k)},"collateral":${collateral(k)},"equity":${equity(k)},"leverage":${leverage(k)},"health":${health(k)},"liqPrice":${liq(k)},"verdict":"${t.verdictAt(k)}","openBids":${bids(k)},"openAsks":${asks(k)},"openBidBase":${bidBase(k)},"openAskBase":${askBase(k)}`;
      if (hasRange) s += `,"rangeLo":${lo(k)},"rangeHi":${hi(k)}`;
      const legs = t.legsAt(k);
      if (legs !== undefined) s += `,"legs":${JSON.stringify(legs)}`;
      s += k + 1 < n ? '},\n' : '}';
    }
    yield s;
  }
  yield '\n  ]';
}

/** report.json in order, a chunk at a time. */
export function* reportChunks(r: BacktestReport): Generator<string> {
  yield `{\n  "summary": ${JSON.stringify(r.summary)},\n  `;
  if (r.timeline) {
    yield '"timeline": ';
    yield* timelineChunks(r.timeline);
    yield ',\n  ';
  }
  yield '"fills": ';
  yield* rowChunks(r.fills);
  yield ',\n  "daily": ';
  yield* rowChunks(r.daily);
  yield '\n}\n';
}

/** report.json as one string (tests, small runs); the CLI streams `reportChunks` to the file instead. */
export function serializeReport(r: BacktestReport): string {
  let s = '';
  for (const c of reportChunks(r)) s += c;
  return s;
}
