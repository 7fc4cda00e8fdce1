/**
 * The per-day table: one row per UTC day the run traded in. A bar, fill or funding payment stamped at t
 * belongs to the day of t − 1 ms, i.e. the day it happened in (a bar ending at 00:00 traded the day before).
 */
import type { VerdictKind } from '../../domain/intent.ts';
import { SEVERITY, VERDICT_BY_SEVERITY } from './metrics-timeline.ts';
import type { PnlSplit } from './pnl-split.ts';
import type { RoundTrip } from './round-trips.ts';
import type { DailyRow, MetricsInput } from './types.ts';

/** The UTC date (YYYY-MM-DD) an event stamped at `ts` (its end) happened in. */
export function tradingDate(ts: number): string {
  // Called for every bar: the date text is made once per day, not once per bar.
  const day = Math.floor((ts - 1) / DAY_MS);
  if (day !== lastDay) {
    lastDay = day;
    lastDate = new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  return lastDate;
}
const DAY_MS = 86_400_000;
let lastDay = Number.NaN;
let lastDate = '';

export function dailyTable(input: MetricsInput, trips: readonly RoundTrip[], split: PnlSplit): DailyRow[] {
  const rows = new Map<string, DailyRow>();
  const row = (date: string): DailyRow => {
    let r = rows.get(date);
    if (!r) {
      r = {
        date,
        equity: Number.NaN,
        pnl: 0,
        gridPnl: 0,
        trendPnl: 0,
        fundingPnl: 0,
        fees: 0,
        fills: 0,
        roundTrips: 0,
        worstVerdict: 'APPROVE',
        dailyLossTripped: input.dailyLossDates.has(date),
      };
      rows.set(date, r);
    }
    return r;
  };
  const t = input.timeline;
  // The rows are in time order: a day's row is looked up when the day starts, not at every bar, and its sums run
  // in locals written back when the day ends (the same additions in the same order; ~13 ms a year's report
  // otherwise, after its run). Verdicts are read as their severity codes.
  const codes = t.verdictCodes;
  let day = Number.NaN;
  let r: DailyRow | undefined;
  let gridPnl = 0;
  let trendPnl = 0;
  let worst = 0;
  let equity = Number.NaN;
  for (let i = 0; i < t.length; i++) {
    const ts = t.ts[i] as number;
    if (r === undefined || Math.floor((ts - 1) / DAY_MS) !== day) {
      if (r !== undefined) closeDay(r, equity, gridPnl, trendPnl, worst);
      day = Math.floor((ts - 1) / DAY_MS);
      r = row(tradingDate(ts));
      gridPnl = r.gridPnl;
      trendPnl = r.trendPnl;
      worst = SEVERITY[r.worstVerdict];
    }
    equity = t.equity[i] as number;
    gridPnl += split.grid[i] as number;
    trendPnl += split.trend[i] as number;
    const code = codes[i] as number;
    if (code > worst) worst = code;
  }
  if (r !== undefined) closeDay(r, equity, gridPnl, trendPnl, worst);
  for (const f of input.trades) {
    const r = row(tradingDate(f.ts));
    r.fills++;
    r.fees += f.fee;
  }
  for (const p of input.funding) row(tradingDate(p.ts)).fundingPnl += p.amount;
  for (const t of trips) row(tradingDate(t.ts)).roundTrips++;
  const out = [...rows.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  let prevEquity = input.collateral;
  for (const r of out) {
    if (Number.isNaN(r.equity)) r.equity = prevEquity; // a day with events but no bar (sampled timeline)
    r.pnl = r.equity - prevEquity;
    prevEquity = r.equity;
  }
  return out.map(rounded);
}

/** A day's last equity, its timeline sums and its worst verdict (by severity) back into its row. */
function closeDay(r: DailyRow, equity: number, gridPnl: number, trendPnl: number, worst: number): void {
  r.equity = equity;
  r.gridPnl = gridPnl;
  r.trendPnl = trendPnl;
  r.worstVerdict = VERDICT_BY_SEVERITY[worst] as VerdictKind;
}

/** Money to the micro-USDC, so the table reads cleanly and serialises deterministically. */
const micro = (v: number): number => Math.round(v * 1e6) / 1e6;
const rounded = (r: DailyRow): DailyRow => ({
  ...r,
  equity: micro(r.equity),
  pnl: micro(r.pnl),
  gridPnl: micro(r.gridPnl),
  trendPnl: micro(r.trendPnl),
  fundingPnl: micro(r.fundingPnl),
  fees: micro(r.fees),
});
