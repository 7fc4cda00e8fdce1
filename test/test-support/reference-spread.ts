/**
 * An independent reference for the DRIFT/KMNO spread strategy: the simplest model of what its user expects,
 * written from the strategy's description (docs/spread-strategy.md) and sharing no code with src/. Every hour
 * with both closes: OLS of ln DRIFT on ln KMNO over the last `window` hours (this one included), z = residual /
 * population σ of the residuals; z ≤ −entryZ asks LONG, z ≥ entryZ SHORT, |z| < exitZ FLAT, anything else keeps
 * what is held; a new direction is taken once `lag` hours in a row ask for it. Trades fill at the close ±
 * `halfSpreadBps` with `feeBps` taker fees; no risk rules, no book, no funding.
 */

export interface RefBar {
  ts: number;
  drift: number;
  kmno: number;
}

export interface RefParams {
  window: number;
  entryZ: number;
  exitZ: number;
  lag: number;
  driftQty: number;
  kmnoQty: number;
  halfSpreadBps: number;
  feeBps: number;
}

export type RefDirection = 'LONG' | 'SHORT' | 'FLAT';

export interface RefTrade {
  /** Bar close time of the decision. */
  ts: number;
  from: RefDirection;
  to: RefDirection;
}

export interface RefResult {
  trades: RefTrade[];
  /** Realized + marked-to-close PnL minus fees, USDC. */
  pnl: number;
  fees: number;
}

function zScore(xs: number[], ys: number[]): number | undefined {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let cxx = 0;
  let cxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    cxx += dx * dx;
    cxy += dx * ((ys[i] as number) - my);
  }
  if (cxx <= 0) return undefined;
  const beta = cxy / cxx;
  const alpha = my - beta * mx;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const r = (ys[i] as number) - alpha - beta * (xs[i] as number);
    ss += r * r;
  }
  const sigma = Math.sqrt(ss / n);
  if (!(sigma > 0)) return undefined;
  const last = (ys[n - 1] as number) - alpha - beta * (xs[n - 1] as number);
  return last / sigma;
}

export function runReferenceSpread(bars: readonly RefBar[], p: RefParams): RefResult {
  const xs: number[] = [];
  const ys: number[] = [];
  let held: RefDirection = 'FLAT';
  let candidate: RefDirection | null = null;
  let streak = 0;
  const pos = { drift: 0, kmno: 0 };
  let cash = 0;
  let fees = 0;
  const trades: RefTrade[] = [];
  const trade = (qty: number, close: number) => {
    if (qty === 0) return;
    const price = close * (1 + (Math.sign(qty) * p.halfSpreadBps) / 1e4);
    cash -= qty * price;
    fees += (Math.abs(qty) * price * p.feeBps) / 1e4;
  };
  for (const b of bars) {
    xs.push(Math.log(b.kmno));
    ys.push(Math.log(b.drift));
    if (xs.length > p.window) {
      xs.shift();
      ys.shift();
    }
    const z = xs.length === p.window ? zScore(xs, ys) : undefined;
    const raw: RefDirection | 'HOLD' =
      z === undefined
        ? 'HOLD'
        : z <= -p.entryZ
          ? 'LONG'
          : z >= p.entryZ
            ? 'SHORT'
            : Math.abs(z) < p.exitZ
              ? 'FLAT'
              : 'HOLD';
    if (raw === 'HOLD' || raw === held) {
      candidate = null;
      streak = 0;
      continue;
    }
    streak = raw === candidate ? streak + 1 : 1;
    candidate = raw;
    if (streak < p.lag) continue;
    const sign = raw === 'LONG' ? 1 : raw === 'SHORT' ? -1 : 0;
    trade(sign * p.driftQty - pos.drift, b.drift);
    trade(-sign * p.kmnoQty - pos.kmno, b.kmno);
    pos.drift = sign * p.driftQty;
    pos.kmno = -sign * p.kmnoQty;
    trades.push({ ts: b.ts, from: held, to: raw });
    held = raw;
    candidate = null;
    streak = 0;
  }
  const last = bars[bars.length - 1];
  const marked = last ? pos.drift * last.drift + pos.kmno * last.kmno : 0;
  return { trades, pnl: cash + marked - fees, fees };
}
