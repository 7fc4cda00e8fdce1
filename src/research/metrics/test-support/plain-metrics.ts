/**
 * An independent, deliberately plain re-computation of the research metrics from a finished report.json
 * (docs/research.md's formulas, written again from scratch: two-pass statistics, float FIFO queues). It shares
 * no code with src/research/metrics: the test compares the two on real runs.
 */

interface Row {
  ts: number;
  equity: number;
  mark: number;
  oracle: number;
  base: number;
  verdict: string;
  legs?: Record<string, { base: number; oracle: number }>;
}
interface Fill {
  ts: number;
  market: string;
  side: 'buy' | 'sell';
  price: number;
  base: number;
  fee: number;
}

export interface PlainMetrics {
  returnPct: number;
  maxDrawdownPct: number;
  annualReturnPct: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  buyAndHoldReturnPct: number;
  roundTrips: number;
  winRatePct: number | null;
  exposurePct: number;
  turnover: number;
  gridPnl: number;
  trendPnl: number;
  feesPctOfPnl: number | null;
  fundingPctOfPnl: number | null;
  /** Σ over fills of size × (oracle of the first row at/after it − price). */
  gridPnl2: number;
  daily: {
    date: string;
    equity: number;
    pnl: number;
    fills: number;
    fees: number;
    worst: string;
    grid: number;
    trend: number;
  }[];
}

export function plainMetrics(
  report: {
    timeline: Row[];
    fills: Fill[];
    summary: { realizedPnl: number; unrealizedPnl: number; fundingPnl: number; feesPaid: number };
  },
  collateral: number,
  firstOpen: number,
): PlainMetrics {
  const rows = report.timeline;
  const curve = [collateral, ...rows.map((r) => r.equity)];

  // per-bar simple returns
  const rets: number[] = [];
  for (let i = 1; i < curve.length; i++) rets.push(curve[i] / curve[i - 1] - 1);
  const n = rets.length;
  const mean = rets.reduce((a, b) => a + b, 0) / n;
  const variance = rets.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1);
  const downside = Math.sqrt(rets.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / n);

  // bar spacing: the median gap
  const gaps = rows
    .slice(1)
    .map((r, i) => r.ts - rows[i].ts)
    .sort((a, b) => a - b);
  const gap = gaps[Math.floor(gaps.length / 2)];
  const barsPerYear = (365 * 24 * 3600 * 1000) / gap;

  let worstFall = 0;
  let top = curve[0];
  for (const e of curve) {
    top = Math.max(top, e);
    worstFall = Math.max(worstFall, (top - e) / top);
  }
  const total = curve[curve.length - 1] / collateral;
  const annual = (total ** (barsPerYear / n) - 1) * 100;
  const mdd = worstFall * 100;

  // FIFO round trips with plain float queues
  const queues: Record<string, { qty: number; px: number; feeEach: number }[]> = {};
  let trips = 0;
  let wins = 0;
  let grid = 0;
  let notional = 0;
  for (const f of report.fills) {
    notional += f.price * f.base;
    const q = (queues[f.market] ??= []);
    const dir = f.side === 'buy' ? 1 : -1;
    let left = f.base;
    let got = 0;
    let pnl = 0;
    let cost = 0;
    while (left > 1e-12 && q.length > 0 && Math.sign(q[0].qty) === -dir) {
      const lot = q[0];
      const take = Math.min(Math.abs(lot.qty), left);
      pnl += (f.price - lot.px) * take * Math.sign(lot.qty);
      cost += lot.feeEach * take + (f.fee / f.base) * take;
      lot.qty -= Math.sign(lot.qty) * take;
      left -= take;
      got += take;
      if (Math.abs(lot.qty) < 1e-12) q.shift();
    }
    if (left > 1e-12) q.push({ qty: dir * left, px: f.price, feeEach: f.fee / f.base });
    if (got > 0) {
      trips++;
      if (pnl - cost > 0) wins++;
    }
  }

  // Inventory (trend) PnL: positions at each row from the fills, times the oracle's move to the next row.
  const markets = [...new Set(report.fills.map((f) => f.market))];
  const oracleAt = (r: Row, m: string) => (r.legs ? r.legs[m].oracle : r.oracle);
  const trendAt: number[] = rows.map(() => 0);
  const gridAt: number[] = rows.map(() => 0);
  for (const m of markets) {
    const mine = report.fills.filter((f) => f.market === m);
    const posAfter = rows.map((r) =>
      mine.filter((f) => f.ts <= r.ts).reduce((a, f) => a + (f.side === 'buy' ? f.base : -f.base), 0),
    );
    for (let i = 1; i < rows.length; i++) {
      trendAt[i] += posAfter[i - 1] * (oracleAt(rows[i], m) - oracleAt(rows[i - 1], m));
    }
    for (const f of mine) {
      const i = rows.findIndex((r) => r.ts >= f.ts);
      gridAt[i] += (f.side === 'buy' ? 1 : -1) * f.base * (oracleAt(rows[i], m) - f.price);
    }
  }
  const inventory = trendAt.reduce((a, b) => a + b, 0);
  grid = gridAt.reduce((a, b) => a + b, 0);

  const s = report.summary;
  const tradingPnl = s.realizedPnl + s.unrealizedPnl;
  const held = rows.filter((r) => r.base !== 0 || Object.values(r.legs ?? {}).some((l) => l.base !== 0));

  // days, by the day each bar/fill happened in
  const dayOf = (ts: number) => new Date(ts - 1).toISOString().slice(0, 10);
  const order = ['APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE'];
  const dates = [...new Set(rows.map((r) => dayOf(r.ts)))].sort();
  let before = collateral;
  const daily = dates.map((date) => {
    const idx = rows.map((_r, i) => i).filter((i) => dayOf(rows[i].ts) === date);
    const inDay = idx.map((i) => rows[i]);
    const fillsInDay = report.fills.filter((f) => dayOf(f.ts) === date);
    const end = inDay[inDay.length - 1].equity;
    const d = {
      date,
      equity: end,
      pnl: end - before,
      fills: fillsInDay.length,
      fees: fillsInDay.reduce((a, f) => a + f.fee, 0),
      worst: order[Math.max(...inDay.map((r) => order.indexOf(r.verdict)))],
      grid: idx.reduce((a, i) => a + gridAt[i], 0),
      trend: idx.reduce((a, i) => a + trendAt[i], 0),
    };
    before = end;
    return d;
  });

  return {
    returnPct: (total - 1) * 100,
    maxDrawdownPct: mdd,
    annualReturnPct: annual,
    sharpe: variance > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(barsPerYear) : null,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(barsPerYear) : null,
    calmar: mdd > 0 ? annual / mdd : null,
    buyAndHoldReturnPct: (rows[rows.length - 1].mark / firstOpen - 1) * 100,
    roundTrips: trips,
    winRatePct: trips > 0 ? (100 * wins) / trips : null,
    exposurePct: (100 * held.length) / rows.length,
    turnover: notional / collateral,
    gridPnl: tradingPnl - inventory,
    gridPnl2: grid,
    trendPnl: inventory,
    feesPctOfPnl: tradingPnl !== 0 ? (100 * s.feesPaid) / Math.abs(tradingPnl) : null,
    fundingPctOfPnl: tradingPnl !== 0 ? (100 * s.fundingPnl) / Math.abs(tradingPnl) : null,
    daily,
  };
}
