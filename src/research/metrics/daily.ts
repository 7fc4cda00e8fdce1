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
  const days = new DayTable(input);
  const t = input.timeline;
  const codes = t.verdictCodes;
  for (let i = 0; i < t.length; i++) {
    days.row(
      t.ts[i] as number,
      t.equity[i] as number,
      split.grid[i] as number,
      split.trend[i] as number,
      codes[i] as number,
    );
  }
  return days.finish(trips);
}

/**
 * dailyTable a timeline row at a time (the metrics' one pass over a single market's rows feeds it too): `row`
 * takes the rows in time order, `finish` adds the trades, funding and round trips and gives the table.
 *
 * A day's row is looked up when the day starts, not at every bar, and its sums run in fields written back when the
 * day ends (the same additions in the same order; ~13 ms a year's report otherwise, after its run). Verdicts come
 * as their severity codes.
 */
export class DayTable {
  readonly #input: MetricsInput;
  readonly #rows = new Map<string, DailyRow>();
  #day = Number.NaN;
  #r: DailyRow | undefined;
  #gridPnl = 0;
  #trendPnl = 0;
  #worst = 0;
  #equity = Number.NaN;

  constructor(input: MetricsInput) {
    this.#input = input;
  }

  /** A timeline row: its time, equity, grid and trend PnL (pnl-split.ts) and verdict code. */
  row(ts: number, equity: number, grid: number, trend: number, code: number): void {
    if (this.#r === undefined || Math.floor((ts - 1) / DAY_MS) !== this.#day) {
      this.#closeDay();
      this.#day = Math.floor((ts - 1) / DAY_MS);
      const r = this.#rowOf(tradingDate(ts));
      this.#r = r;
      this.#gridPnl = r.gridPnl;
      this.#trendPnl = r.trendPnl;
      this.#worst = SEVERITY[r.worstVerdict];
    }
    this.#equity = equity;
    this.#gridPnl += grid;
    this.#trendPnl += trend;
    if (code > this.#worst) this.#worst = code;
  }

  /** The table: the rows' days closed, then every trade, funding payment and round trip counted in its day. */
  finish(trips: readonly RoundTrip[]): DailyRow[] {
    const input = this.#input;
    this.#closeDay();
    for (const f of input.trades) {
      const r = this.#rowOf(tradingDate(f.ts));
      r.fills++;
      r.fees += f.fee;
    }
    for (const p of input.funding) this.#rowOf(tradingDate(p.ts)).fundingPnl += p.amount;
    for (const t of trips) this.#rowOf(tradingDate(t.ts)).roundTrips++;
    const out = [...this.#rows.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
    let prevEquity = input.collateral;
    for (const r of out) {
      if (Number.isNaN(r.equity)) r.equity = prevEquity; // a day with events but no bar (sampled timeline)
      r.pnl = r.equity - prevEquity;
      prevEquity = r.equity;
    }
    return out.map(rounded);
  }

  /** The day in progress's last equity, sums and worst verdict back into its row. */
  #closeDay(): void {
    const r = this.#r;
    if (r === undefined) return;
    r.equity = this.#equity;
    r.gridPnl = this.#gridPnl;
    r.trendPnl = this.#trendPnl;
    r.worstVerdict = VERDICT_BY_SEVERITY[this.#worst] as VerdictKind;
  }

  #rowOf(date: string): DailyRow {
    let r = this.#rows.get(date);
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
        dailyLossTripped: this.#input.dailyLossDates.has(date),
      };
      this.#rows.set(date, r);
    }
    return r;
  }
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
