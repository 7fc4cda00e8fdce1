/**
 * Market data faults: a transformer over a time-ordered MarketEvent stream (the feed the backtest, paper and
 * chaos loops consume). Pure and seeded: the same stream, config and seed give the same faulty stream.
 *   - priceGap: from a random bar the price moves by gapPct (down, or up one time in four) over a few bars and
 *     stays there — every later bar of that market is scaled (mark and oracle alike);
 *   - staleOracle: a run of bars whose live oracle is frozen at the last fresh value, its slot lagging more
 *     every bar (`oracleLagMs`), as a stuck Pyth feed looks to a live bot;
 *   - missingOracle: a run of bars without oracle fields (the venue then takes the mark as the oracle);
 *   - oracleDivergence: for a few bars the oracle sits 3–12 % away from the mark;
 *   - missingBar: a bar never arrives;
 *   - fundingSpike: a funding record's rate becomes ± 0.5–2 % per hour.
 * Each fault is listed with its market and time so invariant checks can tell shocks from bugs.
 */
import type { Candle, MarketEvent } from '../../../data/types.ts';
import type { FaultCounts, FaultKind, MarketFaultRates } from './fault-config.ts';
import { createPrng, deriveSeed, type Prng } from './prng.ts';

export interface InjectedMarketFault {
  kind: FaultKind;
  market: string;
  /** First affected bar's open time (or the funding record's time), epoch ms. */
  ts: number;
  /** Bars affected (1 for a single event). */
  bars: number;
  /** For gaps: the total move as a fraction (−0.3 for a 30 % drop). */
  move?: number;
}

interface MarketRun {
  kind: 'staleOracle' | 'missingOracle' | 'oracleDivergence' | 'priceGap';
  left: number;
  /** Divergence: oracle / mark; gap: factor reached at the end of the run. */
  factor: number;
  /** Gap: per-bar multiplicative step. */
  step: number;
}

interface MarketFaultState {
  scale: number;
  runs: MarketRun[];
  lastFreshOracle: [number, number, number, number] | undefined;
  /** Open time of the bar whose oracle was last fresh. */
  lastFreshTs: number;
}

const scaleCandle = (c: Candle, k: number): Candle =>
  k === 1
    ? c
    : {
        ...c,
        open: c.open * k,
        high: c.high * k,
        low: c.low * k,
        close: c.close * k,
        oracleOpen: c.oracleOpen === undefined ? undefined : c.oracleOpen * k,
        oracleHigh: c.oracleHigh === undefined ? undefined : c.oracleHigh * k,
        oracleLow: c.oracleLow === undefined ? undefined : c.oracleLow * k,
        oracleClose: c.oracleClose === undefined ? undefined : c.oracleClose * k,
      };

function withoutOracle(c: Candle): Candle {
  const { oracleOpen: _o, oracleHigh: _h, oracleLow: _l, oracleClose: _c, oracleStale: _s, ...rest } = c;
  return rest;
}

/** Applies market faults to `events`; returns the faulty stream and what was injected. */
export function injectMarketFaults(
  events: readonly MarketEvent[],
  rates: MarketFaultRates,
  seed: number,
  counts: FaultCounts,
): { events: MarketEvent[]; injected: InjectedMarketFault[] } {
  const prng = createPrng(deriveSeed(seed, 21));
  const states = new Map<string, MarketFaultState>();
  const out: MarketEvent[] = [];
  const injected: InjectedMarketFault[] = [];
  const note = (f: InjectedMarketFault): void => {
    injected.push(f);
    counts[f.kind]++;
  };

  for (const ev of events) {
    if (ev.type === 'funding') {
      out.push(withFundingSpike(ev, prng, rates, note));
      continue;
    }
    let s = states.get(ev.market);
    if (!s) {
      s = { scale: 1, runs: [], lastFreshOracle: undefined, lastFreshTs: 0 };
      states.set(ev.market, s);
    }
    const ts = ev.candle.ts;
    if (prng.chance(rates.missingBar)) {
      note({ kind: 'missingBar', market: ev.market, ts, bars: 1 });
      continue;
    }
    startRuns(s, prng, rates, ev.market, ts, note);
    const c = withOracleFaults(movedCandle(ev.candle, s), ev.intervalMs, s);
    out.push(c === ev.candle ? ev : { ...ev, candle: c });
    for (const r of s.runs) r.left--;
    s.runs = s.runs.filter((r) => r.left > 0);
  }
  return { events: out, injected };
}

/** Records an injected fault: in the list returned and in the run's counts. */
type NoteFault = (f: InjectedMarketFault) => void;

/** A funding record whose rate, one time in `rates.fundingSpike`, becomes ± 0.5–2 % per hour. */
function withFundingSpike(
  ev: Extract<MarketEvent, { type: 'funding' }>,
  prng: Prng,
  rates: MarketFaultRates,
  note: NoteFault,
): MarketEvent {
  if (prng.chance(rates.fundingSpike)) {
    const rate = (prng.chance(0.5) ? 1 : -1) * (0.005 + prng.next() * 0.015);
    note({ kind: 'fundingSpike', market: ev.market, ts: ev.record.ts, bars: 1 });
    return {
      ...ev,
      record: { ts: ev.record.ts, rateFraction: rate, periodHours: ev.record.periodHours },
    };
  }
  return ev;
}

/** Start new runs (at most one of each kind at a time). */
function startRuns(
  s: MarketFaultState,
  prng: Prng,
  rates: MarketFaultRates,
  market: string,
  ts: number,
  note: NoteFault,
): void {
  const active = (k: MarketRun['kind']): boolean => s.runs.some((r) => r.kind === k);
  if (!active('priceGap') && prng.chance(rates.priceGap)) {
    const [gapLo, gapHi] = rates.gapBars;
    const bars = prng.int(gapLo, Math.max(gapLo, gapHi));
    const move = (prng.chance(0.75) ? -1 : 1) * (rates.gapPct / 100);
    note({ kind: 'priceGap', market, ts, bars, move });
    s.runs.push({ kind: 'priceGap', left: bars, factor: 1 + move, step: (1 + move) ** (1 / bars) });
  }
  if (!active('staleOracle') && prng.chance(rates.staleOracle)) {
    const bars = prng.int(2, 30);
    note({ kind: 'staleOracle', market, ts, bars });
    s.runs.push({ kind: 'staleOracle', left: bars, factor: 1, step: 1 });
  }
  if (!active('missingOracle') && prng.chance(rates.missingOracle)) {
    const bars = prng.int(2, 20);
    note({ kind: 'missingOracle', market, ts, bars });
    s.runs.push({ kind: 'missingOracle', left: bars, factor: 1, step: 1 });
  }
  if (!active('oracleDivergence') && prng.chance(rates.oracleDivergence)) {
    const bars = prng.int(1, 10);
    const factor = 1 + (prng.chance(0.5) ? 1 : -1) * (0.03 + prng.next() * 0.09);
    note({ kind: 'oracleDivergence', market, ts, bars });
    s.runs.push({ kind: 'oracleDivergence', left: bars, factor, step: 1 });
  }
}

/** The bar with the running price gap and oracle divergence applied (`s.scale` moves with the gap). */
function movedCandle(candle: Candle, s: MarketFaultState): Candle {
  // The gap moves the whole market, bar by bar, then stays.
  const gap = s.runs.find((r) => r.kind === 'priceGap');
  const before = s.scale;
  if (gap) s.scale *= gap.step;
  let c = scaleCandle(candle, s.scale);
  if (gap) {
    // The bar opens at the previous level and closes at the new one: the move happens inside the bar.
    c = { ...c, open: candle.open * before, high: Math.max(c.high, candle.open * before) };
    c = { ...c, low: Math.min(c.low, c.open) };
    if (c.oracleOpen !== undefined) {
      const oo = (candle.oracleOpen as number) * before;
      c = {
        ...c,
        oracleOpen: oo,
        oracleHigh: Math.max(c.oracleHigh ?? oo, oo),
        oracleLow: Math.min(c.oracleLow ?? oo, oo),
      };
    }
  }
  const div = s.runs.find((r) => r.kind === 'oracleDivergence');
  if (div && c.oracleClose !== undefined) {
    c = {
      ...c,
      oracleOpen: (c.oracleOpen ?? c.oracleClose) * div.factor,
      oracleHigh: (c.oracleHigh ?? c.oracleClose) * div.factor,
      oracleLow: (c.oracleLow ?? c.oracleClose) * div.factor,
      oracleClose: c.oracleClose * div.factor,
    };
  }
  return c;
}

/** The bar's oracle as a missing or stale run leaves it; a fresh oracle is remembered for later stale runs. */
function withOracleFaults(c: Candle, intervalMs: number, s: MarketFaultState): Candle {
  if (s.runs.some((r) => r.kind === 'missingOracle')) c = withoutOracle(c);
  else if (s.runs.some((r) => r.kind === 'staleOracle') && s.lastFreshOracle) {
    const [o, h, l, cl] = s.lastFreshOracle;
    const oracleLagMs = c.ts + intervalMs - s.lastFreshTs;
    c = {
      ...c,
      oracleOpen: o,
      oracleHigh: h,
      oracleLow: l,
      oracleClose: cl,
      oracleStale: false,
      oracleLagMs,
    };
  } else if (c.oracleClose !== undefined && !c.oracleStale) {
    s.lastFreshTs = c.ts + intervalMs;
    s.lastFreshOracle = [
      c.oracleOpen ?? c.oracleClose,
      c.oracleHigh ?? c.oracleClose,
      c.oracleLow ?? c.oracleClose,
      c.oracleClose,
    ];
  }
  return c;
}
